internal import Reconciler
internal import Spec

/// An IPsec transform set (`crypto ipsec transform-set azure-ts esp-gcm 256`): the phase 2
/// transforms and the mode.
enum TransformSetSection: IOSSectionKind {
    static let type = "ios.crypto-ipsec-transform-set"

    static let schema = ResourceTypeSchema(
        type: type,
        attributes: [.init("name", .required), .init("transforms"), .init("mode")],
        outputs: [],
        defaults: ["mode": "tunnel"]
    )

    static func render(_ v: IOSRenderer.Values, platform: String) -> [IOSLine] {
        [
            IOSLine(
                "crypto ipsec transform-set \(v.text("name")) \(v.strings("transforms").joined(separator: " "))",
                children: [IOSLine("mode \(v.text("mode"))")]
            )
        ]
    }

    static func read(_ r: IOSSections.Reading) -> [String: Value]? {
        let name = r.v.text("name")
        let prefix = "crypto ipsec transform-set \(name) "
        guard let line = r.config.lines.first(where: { $0.text.hasPrefix(prefix) }) else { return nil }
        return [
            "name": .string(name),
            "transforms": .list(IOSSections.transforms(line.text.dropFirst(prefix.count)).map(Value.string)),
            "mode": .string(r.value(line, "mode ") ?? "tunnel"),
        ]
    }

    /// The transforms are on the line too, so a set is known by the start of it.
    static func owns(_ v: IOSRenderer.Values, line text: String) -> Bool {
        text.hasPrefix("crypto ipsec transform-set \(v.text("name")) ")
    }
}
