public import Cisco
internal import Foundation
internal import Spec
internal import Synchronization

/// One simulated router: its running and startup configs, shared by every session on it.
///
/// The running config is a real tree that the commands change; `show running-config`
/// prints it the way IOS does. What IOS would show of SAs, routes and BGP comes from
/// `status`, a hook the lab connects to the Azure model.
public final class IOSDevice: Sendable {
    /// The outputs of the operational `show` commands, by command (`show crypto ikev2 sa`).
    public typealias Status = @Sendable (_ command: String, _ device: IOSDevice) -> String?

    /// What the sessions on this router change.
    private struct State {
        var running: IOSConfig
        var startup: IOSConfig
        /// How many times the running config has changed.
        var changes = 0
        var flash: [String: String] = [:]
        var revert: (kind: Revert, deadline: ContinuousClock.Instant, generation: Int)?
        var generation = 0
        var refused: [String] = []
        var minute: Duration = .seconds(60)
        var typedLines: [String] = []
        var scheduled: [Revert] = []
    }
    private let state: Mutex<State>
    public let platform: String
    public let model: String
    public let software: String
    let status: Status?

    /// Where the running config is kept between runs (`.reconcile/lab/devices/NAME.cfg`).
    let persistence: String?

    /// A device; with `persistence`, every change is written to that file, atomically.
    public init(
        config: IOSConfig = IOSConfig(),
        platform: String = "ios",
        model: String = "C891FJ-K9",
        software: String = "15.4(1)T1",
        persistence: String? = nil,
        status: Status? = nil
    ) {
        state = Mutex(State(running: config, startup: config))
        self.persistence = persistence
        self.platform = platform
        self.model = model
        self.software = software
        self.status = status
    }

    /// The device kept in `path` (`.reconcile/lab/devices/NAME.cfg`): its config read from the
    /// file when there is one (a file that does not parse is an error, never silently
    /// replaced), or `config` for a new device.
    public static func persisted(
        at path: String,
        config: IOSConfig = IOSConfig(),
        platform: String = "ios",
        model: String = "C891FJ-K9",
        software: String = "15.4(1)T1",
        status: Status? = nil
    ) throws(IOSParseError) -> IOSDevice {
        var initial = config
        let existing = FileManager.default.contents(atPath: path)
        if let existing {
            initial = try IOSParser.parse(String(decoding: existing, as: UTF8.self))
        }
        let device = IOSDevice(
            config: initial,
            platform: platform,
            model: model,
            software: software,
            persistence: path,
            status: status
        )
        // A new router's file is made once, linked into place so that it never replaces one
        // another process made meanwhile. A device read from its file does not write it back:
        // a run that only reads the lab (drift, or an apply the lock refuses) must leave the
        // files of the run that holds the lock as they are.
        if existing == nil {
            let directory = (path as NSString).deletingLastPathComponent
            try? FileManager.default.createDirectory(
                atPath: directory,
                withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o700]
            )
            let temporary = path + ".\(getpid()).\(UUID().uuidString).tmp"
            let text = Data(initial.render().utf8)
            if FileManager.default.createFile(atPath: temporary, contents: text, attributes: [.posixPermissions: 0o600])
            {
                _ = link(temporary, path)
                unlink(temporary)
            }
        }
        return device
    }

    /// The running config, as `show running-config` would print it (a copy).
    public var runningConfig: IOSConfig { state.withLock { $0.running } }

    /// How many times the running config has changed: what was derived from it may be kept
    /// while this stays the same.
    public var revision: Int { state.withLock { $0.changes } }
    public var startupConfig: IOSConfig { state.withLock { $0.startup } }

    /// The hostname the prompt shows (`Router` until one is set).
    public var hostname: String {
        runningConfig.lines.first { $0.text.hasPrefix("hostname ") }.map { String($0.text.dropFirst(9)) } ?? "Router"
    }

    func change(_ body: (inout IOSConfig) -> Void) {
        let text = state.withLock { held in
            body(&held.running)
            held.changes += 1
            return held.running.render()
        }
        guard let persistence else { return }
        let directory = (persistence as NSString).deletingLastPathComponent
        try? FileManager.default.createDirectory(
            atPath: directory,
            withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o700]
        )
        let temporary = persistence + ".tmp"
        // The config holds keys and passwords in clear, as a router's does: its owner's only.
        guard
            FileManager.default.createFile(
                atPath: temporary,
                contents: Data(text.utf8),
                attributes: [.posixPermissions: 0o600]
            )
        else { return }
        _ = rename(temporary, persistence)
    }

    func save() {
        state.withLock { $0.startup = $0.running }
    }

    // MARK: Flash, timed reverts, faults

    /// What a scheduled revert is: `configure terminal revert timer` puts back the config it
    /// started from, `reload in` brings up the startup config.
    public enum Revert: Sendable, Equatable {
        case timer(IOSConfig)
        case reload
    }

    /// How long a minute of `revert timer` or `reload in` lasts (tests shorten it).
    public var minute: Duration {
        get { state.withLock { $0.minute } }
        set { state.withLock { $0.minute = newValue } }
    }

    /// A file on the router's flash (`flash:reconcile-backup.cfg`), by name without `flash:`.
    public func file(_ name: String) -> String? { state.withLock { $0.flash[name] } }

    func write(file name: String, _ text: String) { state.withLock { $0.flash[name] = text } }

    /// Makes every configuration line starting with `prefix` fail with IOS's invalid-input
    /// error, as a router refuses what its image does not support (fault injection).
    public func refuse(linesStartingWith prefix: String) { state.withLock { $0.refused.append(prefix) } }

    func refuses(_ line: String) -> Bool { state.withLock { $0.refused.contains { line.hasPrefix($0) } } }

    /// Every line typed in configuration mode, in order, as the router's own accounting log
    /// would keep it (`archive log config`); tests read the order of a push from it.
    public var configurationLog: [String] { state.withLock { $0.typedLines } }

    func log(_ line: String) { state.withLock { $0.typedLines.append(line) } }

    /// The revert waiting to fire, if any.
    public var pendingRevert: Revert? { state.withLock { $0.revert?.kind } }

    /// Every dead-man switch armed on this router, in order (`revert timer` or `reload in`).
    public var scheduledReverts: [Revert] { state.withLock { $0.scheduled } }

    func schedule(_ kind: Revert, minutes: Int) {
        let (delay, mine) = state.withLock { held -> (Duration, Int) in
            held.scheduled.append(kind)
            held.generation += 1
            held.revert = (kind, .now + held.minute * minutes, held.generation)
            return (held.minute * minutes, held.generation)
        }
        Task.detached { [weak self] in
            try? await Task.sleep(for: delay)
            self?.fire(mine)
        }
    }

    /// Cancels a pending revert of `kind`'s sort; false when none was pending.
    func cancel(reload: Bool) -> Bool {
        state.withLock { held in
            guard let pending = held.revert, (pending.kind == .reload) == reload else { return false }
            held.revert = nil
            return true
        }
    }

    private func fire(_ which: Int) {
        let kind = state.withLock { held -> Revert? in
            guard let pending = held.revert, pending.generation == which else { return nil }
            held.revert = nil
            return pending.kind
        }
        switch kind {
        case .timer(let config)?: change { $0 = config }
        case .reload?:
            let saved = startupConfig
            change { $0 = saved }
        case nil: break
        }
    }

    // MARK: Credentials

    /// Whether the vty lines let a client from `address` in: no `access-class N in` on `line
    /// vty 0 4`, or a `permit` of list N that covers the address.
    public func vtyPermits(_ address: String) -> Bool {
        let config = runningConfig
        guard let vty = config.lines.first(where: { $0.text.hasPrefix("line vty 0") }),
            let access = vty.children.first(where: { $0.text.hasPrefix("access-class ") && $0.text.hasSuffix(" in") })
        else { return true }
        let list = access.text.split(separator: " ")[1]
        guard let client = IPv4Address(address) else { return false }
        for line in config.lines where line.text.hasPrefix("access-list \(list) ") {
            let words = line.text.split(separator: " ").map(String.init)
            guard words.count >= 4,
                let network = IPv4Address(words[3] == "host" && words.count > 4 ? words[4] : words[3])
            else {
                if words.count == 4, words[3] == "any" { return words[2] == "permit" }
                continue
            }
            let wildcard = words[3] == "host" ? 0 : (words.count > 4 ? IPv4Address(words[4])?.value ?? 0 : 0)
            if client.value & ~wildcard == network.value & ~wildcard { return words[2] == "permit" }
        }
        return false
    }

    /// Whether `password` logs `username` in: a `username` line of the running config when
    /// there is one for that user (clear, type 7, or `secret 5`), else `fallback`.
    public func accepts(username: String, password: String, fallback: (String, String)?) -> Bool {
        let prefix = "username \(username) "
        if let line = runningConfig.lines.first(where: { $0.text.hasPrefix(prefix) }) {
            return Self.matches(password, words: line.text.split(separator: " ").map(String.init))
        }
        guard let fallback else { return false }
        return fallback == (username, password)
    }

    /// Whether `typed` is the enable secret: the running config's `enable secret` (or `enable
    /// password`) when it has one, else `fallback`.
    public func acceptsEnable(_ typed: String, fallback: String?) -> Bool {
        for keyword in ["enable secret ", "enable password "] {
            if let line = runningConfig.lines.first(where: { $0.text.hasPrefix(keyword) }) {
                return Self.matches(typed, words: line.text.split(separator: " ").map(String.init))
            }
        }
        return fallback == typed
    }

    /// The secret after `password` or `secret` in a line, compared the way its type says.
    static func matches(_ typed: String, words: [String]) -> Bool {
        guard let at = words.firstIndex(where: { $0 == "password" || $0 == "secret" }), at + 1 < words.count else {
            return false
        }
        let rest = Array(words[(at + 1)...])
        switch (rest[0], rest.count) {
        case ("7", 2...): return Type7.decode(rest[1]) == typed
        case ("5", 2...): return MD5Crypt.verify(typed, against: rest[1])
        case ("9", 2...): return CiscoScrypt.verify(typed, against: rest[1])
        case ("0", 2...): return rest[1] == typed
        default: return rest[0] == typed
        }
    }
}

extension IOSDevice {
    /// The lines a section holds as the router leaves the box: what `default interface X`
    /// leaves on a physical port (`no ip address`, `shutdown` on a routed one), nothing for
    /// anything else.
    func factoryLines(of header: String) -> [IOSLine] {
        Self.dayZero(model: model, platform: platform, software: software).lines.first { $0.text == header }?
            .children ?? []
    }

    /// A router as it leaves the box with SSH set up on the console (the seed's first step).
    ///
    /// Its physical ports, no addresses, and vty lines that take local users over SSH; the
    /// first login uses the credentials the server was started with.
    public static func dayZero(model: String, platform: String = "ios", software: String = "15.4(1)T1") -> IOSConfig {
        let release = software.split(separator: ".").prefix(2).joined(separator: ".").prefix { $0 != "(" }
        var lines = [
            "version \(release)", "service timestamps debug datetime msec", "service timestamps log datetime msec",
            "no service password-encryption", "hostname Router", "boot-start-marker", "boot-end-marker",
            "no aaa new-model", "ip cef", "no ipv6 cef",
        ].map { IOSLine($0) }
        // The validator judges a spec's ports by the same table (`IOSHardware`).
        if case .exactly(let ports) = IOSHardware.ports(model: model, platform: Platform(rawValue: platform) ?? .ios),
            let wan = ports.last
        {
            lines += ports.dropLast().map { IOSLine("interface \($0)") }
            lines.append(IOSLine("interface \(wan)", children: [IOSLine("no ip address"), IOSLine("shutdown")]))
        } else {
            // An ISR 4000 / Catalyst 8200 (IOS-XE) names its ports slot/subslot/port.
            let names = platform == "ios-xe" ? (0...3).map { "0/0/\($0)" } : (0...2).map { "\($0)" }
            lines += names.map {
                IOSLine("interface GigabitEthernet\($0)", children: [IOSLine("no ip address"), IOSLine("shutdown")])
            }
        }
        if platform != "ios-xe" { lines.append(IOSLine("interface Vlan1", children: [IOSLine("no ip address")])) }
        lines += ["ip forward-protocol nd", "no ip http server", "no ip http secure-server"].map { IOSLine($0) }
        lines.append(IOSLine("line con 0"))
        lines.append(IOSLine("line vty 0 4", children: [IOSLine("login local"), IOSLine("transport input ssh")]))
        return IOSConfig(lines: lines)
    }
}
