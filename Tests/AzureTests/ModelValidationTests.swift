import Azure
import AzureModel
import Foundation
import Spec
import TestSupport
import Testing

/// What the model refuses before any networking rule, as ARM answers: over HTTP
/// on loopback, through the provider's own client sending one request each.
@Suite("the Azure model's request validation")
struct ModelValidationTests {
    static let group = "/subscriptions/s/resourceGroups/rg"
    static let network = group + "/providers/Microsoft.Network"

    /// A served model with its resource group, and a client that tries once.
    static func served() async throws -> (AzureModelServer, ARMClient) {
        let server = AzureModelServer(model: AzureModel())
        try await server.start()
        let client = ARMClient(baseURL: server.url, token: { "lab" }, maxAttempts: 1)
        _ = try await client.send("PUT", group, apiVersion: "2021-04-01", body: .map(["location": "japaneast"]))
        return (server, client)
    }

    /// The refusal one PUT gets: status and ARM error code, nil when it was accepted.
    static func refusal(
        _ client: ARMClient,
        _ path: String,
        _ body: Value,
        apiVersion: String = "2024-05-01"
    ) async -> (Int, String)? {
        do {
            let answer = try await client.send("PUT", path, apiVersion: apiVersion, body: body)
            return answer.status < 300 ? nil : (answer.status, "HTTP\(answer.status)")
        } catch let error as ARMError {
            return (error.status, error.code)
        } catch {
            return (0, "\(error)")
        }
    }

    static func vnet(_ properties: Attributes) -> Value {
        .map(["location": "japaneast", "properties": .map(properties)])
    }

    static let wellFormed: Attributes = [
        "addressSpace": .map(["addressPrefixes": .list(["10.0.0.0/16"])]),
        "subnets": .list([.map(["name": "app", "properties": .map(["addressPrefix": "10.0.1.0/24"])])]),
    ]

    @Test(
        arguments: [
            // Wrong JSON types: ARM cannot deserialize them.
            (
                "addressPrefixes as a string", ["addressSpace": .map(["addressPrefixes": "10.0.0.0/16"])], 400,
                "InvalidRequestContent"
            ),
            ("addressSpace as a list", ["addressSpace": .list(["10.0.0.0/16"])], 400, "InvalidRequestContent"),
            ("subnets as an object", ["subnets": .map(["name": "a"])], 400, "InvalidRequestContent"),
            (
                "a subnet's prefix as a number",
                ["subnets": .list([.map(["name": "a", "properties": .map(["addressPrefix": 10])])])], 400,
                "InvalidRequestContent"
            ),
            // Not CIDR.
            (
                "999.1.1.1/99", ["addressSpace": .map(["addressPrefixes": .list(["999.1.1.1/99"])])], 400,
                "InvalidAddressPrefixFormat"
            ),
            (
                "a prefix without a length", ["addressSpace": .map(["addressPrefixes": .list(["10.0.0.0"])])], 400,
                "InvalidAddressPrefixFormat"
            ),
            (
                "a subnet named ../x",
                [
                    "addressSpace": .map(["addressPrefixes": .list(["10.0.0.0/16"])]),
                    "subnets": .list([.map(["name": "../x", "properties": .map(["addressPrefix": "10.0.1.0/24"])])]),
                ], 400, "InvalidResourceName"
            ),
        ] as [(String, Attributes, Int, String)]
    )
    func aMalformedBodyIsRefusedAsARMRefusesIt(_ what: String, _ properties: Attributes, _ status: Int, _ code: String)
        async throws
    {
        let (server, client) = try await Self.served()
        defer { server.stop() }
        let refused = await Self.refusal(client, Self.network + "/virtualNetworks/v", Self.vnet(properties))
        #expect(refused?.0 == status, "\(what): \(String(describing: refused))")
        #expect(refused?.1 == code, "\(what): \(String(describing: refused))")
        // Nothing was stored: the list is empty and the well-formed body is still a create.
        let list = try await client.list(Self.network + "/virtualNetworks", apiVersion: "2024-05-01")
        #expect(list.isEmpty)
        let created = try await client.send(
            "PUT",
            Self.network + "/virtualNetworks/v",
            apiVersion: "2024-05-01",
            body: Self.vnet(Self.wellFormed)
        )
        #expect(created.status == 201)
    }

    @Test(
        arguments: [
            ("..%2F..%2Fescape", "InvalidResourceName"), ("a%00b", "InvalidResourceName"),
            ("trailing.", "InvalidResourceName"),
            ("-leading-dash", "InvalidResourceName"), ("per%25cent", "InvalidResourceName"),
            ("tab%09name", "InvalidResourceName"), (String(repeating: "n", count: 81), "InvalidResourceName"),
        ]
    )
    func aNameARMRefusesIsRefusedAndNothingEscapesItsGroup(_ name: String, _ code: String) async throws {
        let (server, client) = try await Self.served()
        defer { server.stop() }
        let refused = await Self.refusal(client, Self.network + "/virtualNetworks/" + name, Self.vnet(Self.wellFormed))
        #expect(refused?.0 == 400, "\(name): \(String(describing: refused))")
        #expect(refused?.1 == code, "\(name): \(String(describing: refused))")
        #expect(try await client.list(Self.network + "/virtualNetworks", apiVersion: "2024-05-01").isEmpty)
        // A name ARM allows still works, dots and underscores included.
        #expect(await Self.refusal(client, Self.network + "/virtualNetworks/v.1_x", Self.vnet(Self.wellFormed)) == nil)
    }

    /// A request target sent byte for byte (HTTP clients re-encode or drop what is not valid
    /// UTF-8): the status line and the body of the answer.
    static func raw(_ port: Int, _ method: String, _ target: String, body: String) throws -> (Int, String) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        try #require(connected == 0)
        let request =
            "\(method) \(target) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nAuthorization: Bearer lab\r\n"
            + "Content-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n\(body)"
        let bytes = Array(request.utf8)
        _ = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
        var answer: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }
            answer += buffer[0..<n]
        }
        let text = String(decoding: answer, as: UTF8.self)
        let status = Int(text.split(separator: " ").dropFirst().first ?? "") ?? 0
        return (status, String(text.split(separator: "\r\n\r\n", maxSplits: 1).last ?? ""))
    }

    /// Bytes that are not UTF-8 in a name: refused, not read as another path.
    @Test func aNameThatIsNotUTF8IsRefused() async throws {
        let (server, client) = try await Self.served()
        defer { server.stop() }
        let port = server.port
        let target = Self.network + "/virtualNetworks/bad%FF%FEname?api-version=2024-05-01"
        let json = JSONOutput.encode(Self.vnet(Self.wellFormed))
        // The socket blocks: off the cooperative pool, which the model needs to answer it.
        let (status, body) = try await Fixture.offThePool { try Self.raw(port, "PUT", target, body: json) }
        #expect(status == 400)
        #expect(body.contains("\"InvalidResourceName\""))
        #expect(try await client.list(Self.network + "/virtualNetworks", apiVersion: "2024-05-01").isEmpty)
    }

    @Test func aResourceGroupNameARMRefusesIsRefused() async throws {
        let (server, client) = try await Self.served()
        defer { server.stop() }
        for name in ["..%2F..%2Fx", "ends.", "nul%00"] {
            // At a resource-group version (Microsoft.Resources'), not a network one.
            let refused = await Self.refusal(
                client,
                "/subscriptions/s/resourceGroups/" + name,
                .map(["location": "x"]),
                apiVersion: "2021-04-01"
            )
            #expect(refused?.0 == 400, "\(name): \(String(describing: refused))")
            #expect(refused?.1 == "InvalidResourceGroup")
        }
    }

    @Test func anUnknownTypeIsNotFoundAsARMAnswersIt() async throws {
        let (server, client) = try await Self.served()
        defer { server.stop() }
        let refused = await Self.refusal(client, Self.network + "/virtualNetworkz/v", Self.vnet(Self.wellFormed))
        #expect(refused?.0 == 404)
        #expect(refused?.1 == "InvalidResourceType")
        let child = await Self.refusal(
            client,
            Self.network + "/virtualNetworks/v/widgets/w",
            .map(["properties": .map([:])])
        )
        #expect(child?.0 == 404)
        #expect(child?.1 == "InvalidResourceType")
    }

    @Test func aBodyOverFourMegabytesIs413WithAnErrorBody() async throws {
        let (server, client) = try await Self.served()
        defer { server.stop() }
        // Just over ARM's limit, and far over it (the probe sent 100 MB; 16 MB shows the same
        // refusal without spending a loaded CI machine's minutes building the body in a debug build).
        for size in [4 << 20 + 1, 16 << 20] {
            let body = Value.map([
                "location": "japaneast", "tags": .map(["big": .string(String(repeating: "x", count: size))]),
                "properties": .map(Self.wellFormed),
            ])
            let refused = await Self.refusal(client, Self.network + "/virtualNetworks/v", body)
            #expect(refused?.0 == 413, "\(size) bytes: \(String(describing: refused))")
            #expect(refused?.1 == "RequestContentTooLarge")
        }
        // The server still answers, and a body under the limit is taken.
        let big = Value.map([
            "location": "japaneast", "tags": .map(["big": .string(String(repeating: "x", count: 3 << 20))]),
            "properties": .map(Self.wellFormed),
        ])
        let taken = await Self.refusal(client, Self.network + "/virtualNetworks/v", big)
        #expect(taken == nil, "3 MB: \(String(describing: taken))")
    }
}
