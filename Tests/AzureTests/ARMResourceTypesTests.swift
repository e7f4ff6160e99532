import Azure
import Foundation
import TestSupport
import Testing

/// Every type file under `Providers/Azure/Types` is listed in `ARMResourceTypes.all`, and every
/// `AzureTypes` name is one of them: a type file left out of the list would compile and then be
/// sent to ARM unmapped, as its bare attributes.
@Suite("the Azure types and their list")
struct ARMResourceTypesTests {
    static let directory = Fixture.path("Sources/Providers/Azure/Types")

    /// Each type file's enum and the ARM type it declares (`VirtualHubType` →
    /// `Microsoft.Network/virtualHubs`), read from the files themselves.
    static func typeFiles() throws -> [String: String] {
        var result: [String: String] = [:]
        for file in try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
        where file.hasSuffix(".swift") {
            let text = try String(contentsOfFile: directory + "/" + file, encoding: .utf8)
            let name = String(file.dropLast(".swift".count))
            guard text.contains("enum \(name): ARMResourceType {") else { continue }
            let type = try #require(
                text.firstMatch(of: /static let type = "([^"]+)"/),
                "\(file) declares its type"
            )
            result[name] = String(type.1)
        }
        return result
    }

    @Test func everyAzureTypesNameResolvesToAListedTypeFile() throws {
        let files = try Self.typeFiles()
        #expect(files.count > 10, "\(files)")
        // A type file missing from `ARMResourceTypes.all` is not among the mapping's types.
        #expect(Set(files.values) == Set(AzureMapping.types), "\(files)")

        let names = try String(contentsOfFile: Self.directory + "/AzureTypes.swift", encoding: .utf8)
            .matches(of: /public static let (\w+) = (\w+)\.type\n/).map { (String($0.1), String($0.2)) }
        #expect(names.count == files.count, "one AzureTypes name per type file: \(names)")
        for (constant, file) in names {
            let type = try #require(files[file], "AzureTypes.\(constant) names \(file), a type file")
            #expect(AzureMapping.types.contains(type), "AzureTypes.\(constant) (\(type)) is listed")
        }
        // And the names are what those files declare.
        #expect(AzureMapping.types.contains(AzureTypes.virtualHubBGPConnection))
        #expect(files["VirtualHubBGPConnectionType"] == AzureTypes.virtualHubBGPConnection)
    }
}
