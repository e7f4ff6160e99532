public import Spec

/// The way back from a router's running config to the desired-state graph's sections: what
/// the router holds of each section, in the section's own attributes (so a plan and a drift
/// report name `tunnel.destination`, not a CLI line), and which top-level lines each section
/// owns (so a change touches its own lines and nothing else).
///
/// The names a section is found by (`crypto ikev2 proposal azure-proposal`, `interface
/// Tunnel1`) come from `identity`: the section's attributes in the spec, or in state for one
/// the spec no longer has.
public enum IOSSections {
    /// What a router reports about itself (`show version`).
    public struct Facts: Sendable, Hashable {
        public var platform: String
        public var model: String?
        public var software: String?

        public init(platform: String, model: String?, software: String?) {
            self.platform = platform
            self.model = model
            self.software = software
        }

        /// The facts of a `show version` output (`IOS XE` in it makes the platform `ios-xe`).
        public init(showVersion output: String) {
            let version = IOSShow.version(output)
            let xe = output.contains("IOS XE") || output.contains("IOS-XE")
            self.init(platform: xe ? "ios-xe" : "ios", model: version.model, software: version.software)
        }
    }

    /// How secrets read back are turned into comparable values.
    public struct Secrets: Sendable {
        /// The keyed fingerprint of a value read back in clear (or decoded from type 7).
        public var fingerprint: @Sendable (String) -> String
        /// The intended value of a secret, to re-hash against a one-way `secret 5`.
        public var value: @Sendable (SecretSource) -> String?

        public init(
            fingerprint: @escaping @Sendable (String) -> String,
            value: @escaping @Sendable (SecretSource) -> String? = { _ in nil }
        ) {
            self.fingerprint = fingerprint
            self.value = value
        }
    }

    /// The section as the running config holds it, or nil when none of it is there.
    public static func read(
        type: String,
        identity: Attributes,
        running: IOSConfig,
        facts: Facts,
        secrets: Secrets
    ) -> Attributes? {
        let r = Reading(config: running, identity: identity, secrets: secrets, facts: facts)
        guard let found = IOSSectionKinds.kind(type)?.read(r) else { return nil }
        guard case .map(let conformed) = conform(.map(Attributes(found)), to: .map(identity)) else { return nil }
        return conformed
    }

    /// A section's identity for finding its lines: what the spec wants, with what its kind
    /// keeps of what was applied before (`IOSSectionKind.owning`: the static routes and the
    /// host routes to the gateways that are no longer wanted).
    public static func owning(type: String, wanted: Attributes, applied: Attributes?) -> Attributes {
        guard let applied, let kind = IOSSectionKinds.kind(type) else { return wanted }
        return kind.owning(wanted: wanted, applied: applied)
    }

    /// `wanted` with the items of its list `key` that were applied and are no longer wanted
    /// put after the wanted ones, so the lines they stand for are still found as the section's.
    static func keepingApplied(_ key: String, wanted: Attributes, applied: Attributes) -> Attributes {
        guard case .list(let old)? = applied[key] else { return wanted }
        var identity = wanted
        var items: [Value] = []
        if case .list(let new)? = wanted[key] { items = new }
        identity[key] = .list(items + old.filter { !items.contains($0) })
        return identity
    }

    /// Whether a top-level line of the running config belongs to the section.
    public static func owns(type: String, identity a: Attributes, line text: String) -> Bool {
        let v = IOSRenderer.Values(attributes: a, context: IOSRenderer.Context())
        return IOSSectionKinds.kind(type)?.owns(v, line: text) ?? false
    }

    /// A transform set's transforms: each keyword with any key size after it (`esp-aes 256`,
    /// `esp-sha-hmac`).
    public static func transforms(_ text: Substring) -> [String] {
        var transforms: [String] = []
        for word in text.split(separator: " ") {
            if word.contains("-") || transforms.isEmpty {
                transforms.append(String(word))
            } else {
                transforms[transforms.count - 1] += " \(word)"
            }
        }
        return transforms
    }

    /// `observed` in the shape of `wanted`: numbers where the spec has numbers, and list items
    /// in the spec's order (IOS sorts some of them), so equal means equal.
    static func conform(_ observed: Value, to wanted: Value) -> Value {
        switch (observed, wanted) {
        case (.string(let text), .int):
            return Int(text).map(Value.int) ?? observed
        case (.map(let have), .map(let want)):
            var result: [String: Value] = [:]
            for entry in have {
                result[entry.key] = want[entry.key].map { conform(entry.value, to: $0) } ?? entry.value
            }
            return .map(Attributes(result))
        case (.list(let have), .list(let want)):
            let template = want.first
            var items = have.map { item in template.map { conform(item, to: $0) } ?? item }
            // Items the spec has come first, in its order; the rest keep the router's order.
            let rank = { (item: Value) in want.firstIndex { same(item, $0) } ?? want.count }
            items = items.enumerated().sorted { (rank($0.element), $0.offset) < (rank($1.element), $1.offset) }.map(
                \.element
            )
            return .list(items)
        default:
            return observed
        }
    }

    /// How a `username` line keeps its password, as the spec names it (`scrypt`, `md5`), or
    /// as IOS prints it otherwise (`password 7`, `secret 8`); never the password itself.
    static func passwordHash(_ words: [String], at keyword: Int) -> String {
        let rest = words.dropFirst(keyword + 1)
        guard rest.count >= 2, let type = rest.first, type.count == 1, type.allSatisfy(\.isNumber) else {
            return words[keyword]
        }
        switch (words[keyword], type) {
        case ("secret", HashedSecretLine.Hash.scrypt.rawValue): return PasswordHash.scrypt.rawValue
        case ("secret", HashedSecretLine.Hash.md5.rawValue): return PasswordHash.md5.rawValue
        default: return words[keyword] + " " + type
        }
    }

    /// Whether an observed item stands for a wanted one (secrets and references aside).
    static func same(_ observed: Value, _ wanted: Value) -> Bool {
        switch (observed, wanted) {
        case (_, .secret), (_, .reference), (_, .fingerprint): return true
        case (.map(let a), .map(let b)):
            return b.allSatisfy { entry in a[entry.key].map { same($0, entry.value) } ?? false }
        case (.string(let a), .int(let b)): return a == String(b)
        default: return observed == wanted
        }
    }

    /// Reading one config: small helpers over its lines.
    struct Reading {
        let config: IOSConfig
        let identity: Attributes
        let secrets: Secrets
        let facts: Facts

        var v: IOSRenderer.Values { IOSRenderer.Values(attributes: identity, context: IOSRenderer.Context()) }

        func section(_ text: String) -> IOSLine? { config.lines.first { $0.text == text } }

        /// Whether an interface is administratively down: the spec's interfaces are always
        /// wanted up, so `shutdown` under one is a difference (`no shutdown` repairs it).
        func shut(_ interface: IOSLine) -> Bool { interface.children.contains { $0.text == "shutdown" } }

        func top(_ prefix: String) -> [String] {
            config.lines.filter { $0.text.hasPrefix(prefix) }.map { String($0.text.dropFirst(prefix.count)) }
        }

        func value(_ line: IOSLine?, _ prefix: String) -> String? {
            line?.children.first { $0.text.hasPrefix(prefix) }.map { String($0.text.dropFirst(prefix.count)) }
        }

        func words(_ text: String?) -> Value? {
            text.map { .list($0.split(separator: " ").map { .string(String($0)) }) }
        }

        /// A password after its keyword: `7 X` decoded, `0 X` or `X` as is; nil for what cannot
        /// be read back (`6` AES-encrypted, `5` hashed without an intended value to hash).
        func secret(_ text: String?, intended: Value?) -> Value? {
            guard let text else { return nil }
            let parts = text.split(separator: " ").map(String.init)
            guard let first = parts.first else { return nil }
            switch (first, parts.count) {
            case ("7", 2...): return Type7.decode(parts[1]).map { .fingerprint(secrets.fingerprint($0)) } ?? .null
            case ("0", 2...): return .fingerprint(secrets.fingerprint(parts[1]))
            case ("5", 2...):
                guard case .secret(let source)? = intended, let plain = secrets.value(source) else { return .null }
                let hashed = parts[1]
                return .fingerprint(secrets.fingerprint(MD5Crypt.verify(plain, against: hashed) ? plain : hashed))
            case ("9", 2...):
                guard case .secret(let source)? = intended, let plain = secrets.value(source) else { return .null }
                let hashed = parts[1]
                return .fingerprint(secrets.fingerprint(CiscoScrypt.verify(plain, against: hashed) ? plain : hashed))
            case ("6", _), ("8", _), ("9", _): return .null
            default: return .fingerprint(secrets.fingerprint(first))
            }
        }
    }
}
