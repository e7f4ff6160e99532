import Azure
import PluginProvider
import Spec
import Testing

/// Values across the boundary: the wrapped forms, each only where the protocol allows it.
@Suite("Plugin values")
struct PluginValuesTests {
    static let reference = Value.reference(OutputReference(.azure("publicIPAddresses/pip"), "ipAddress"))

    @Test func lowerFormsRoundTrip() throws {
        let attributes: Attributes = [
            "peer": Self.reference, "key": .secret(.environment("PSK")), "file": .secret(.file("keys/a")),
            "old": .fingerprint("hmac-sha256:00"), "n": 7, "on": true, "list": .list(["a", .null]),
            "nested": .map(["x": 1]),
        ]
        let json = try PluginValues.json(attributes)
        #expect(json["peer"] == ["$ref": ["address": "azure:publicIPAddresses/pip", "output": "ipAddress"]])
        #expect(json["key"] == ["$secret": "env:PSK"])
        #expect(try PluginValues.attributes(json, accepting: .lowered) == attributes)
    }

    @Test func aLiteralSecretCannotCross() {
        #expect(throws: PluginValues.Problem.self) {
            try PluginValues.json(["psk": .secret(.literal("hunter22"))])
        }
    }

    @Test func applySendsSecretPathsAsSensitive() throws {
        var seen: [String] = []
        let json = try PluginValues.json(
            applying: ["psk": "the key", "peers": .list([.map(["key": "other key", "name": "a"])])],
            sensitivePaths: ["psk", "peers[0].key"],
            seen: { seen.append($0) }
        )
        #expect(json["psk"] == ["$sensitive": "the key"])
        #expect(json["peers"] == [["key": ["$sensitive": "other key"], "name": "a"]])
        #expect(seen.sorted() == ["other key", "the key"])
    }

    @Test func readTurnsSensitiveIntoWhatTheCallerGives() throws {
        let value = try PluginValues.value(
            ["psk": ["$sensitive": "k"], "n": 3],
            accepting: .read,
            sensitive: { .fingerprint("fp(\($0))") }
        )
        #expect(value == .map(["psk": .fingerprint("fp(k)"), "n": 3]))
    }

    struct Refusal: Sendable, CustomTestStringConvertible {
        var json: JSON
        var accepted: PluginValues.Accepted
        var message: String

        var testDescription: String { message }
    }

    @Test(arguments: [
        Refusal(json: ["x": .double(1.5)], accepted: .lowered, message: "x: 1.5 is not an integer"),
        Refusal(json: ["x": ["$sensitive": "v"]], accepted: .lowered, message: "x: $sensitive is not allowed here"),
        Refusal(json: ["x": ["$ref": "azure:a"]], accepted: .lowered, message: "x: $ref must be"),
        Refusal(json: ["x": ["$secret": "literal"]], accepted: .lowered, message: "x: $secret must be"),
        Refusal(json: ["x": ["$secret": "env:A"]], accepted: .read, message: "x: $secret is not allowed here"),
        Refusal(json: ["x": ["$weird": 1]], accepted: .read, message: "x: $weird is not a wrapped form"),
    ])
    func whatIsRefused(_ refusal: Refusal) {
        let error = #expect(throws: PluginValues.Problem.self) {
            try PluginValues.value(refusal.json, accepting: refusal.accepted)
        }
        #expect(error?.description.hasPrefix(refusal.message) == true)
    }
}
