import Foundation
import FuzzTargets
import TestSupport
import Testing

/// Replays every input the fuzzers found (`Tests/Fuzz/Regressions/<target>/`) and the seed
/// corpus through the same checks `.ci/fuzz` runs, so a fixed finding stays fixed.
@Suite("Fuzz findings and seeds replayed")
struct FuzzRegressionTests {
    /// The regular files under a directory, in sorted order.
    static func files(_ relative: String, suffix: String = "") -> [String] {
        let root = Fixture.path(relative)
        let found = FileManager.default.enumerator(atPath: root)?.compactMap { $0 as? String } ?? []
        return found.filter { $0.hasSuffix(suffix) && !$0.hasSuffix(".md") && !$0.hasPrefix(".") }.sorted()
            .map { root + "/" + $0 }
    }

    static let cases: [(FuzzTarget, String)] = FuzzTarget.allCases.flatMap { target in
        files("Tests/Fuzz/Regressions/\(target.rawValue)").map { (target, $0) }
    }

    @Test func everyTargetHasARegressionFolder() {
        for target in FuzzTarget.allCases {
            var isDirectory: ObjCBool = false
            let path = Fixture.path("Tests/Fuzz/Regressions/\(target.rawValue)")
            #expect(FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue)
        }
    }

    @Test(arguments: cases.map { "\($0.0.rawValue): \(($0.1 as NSString).lastPathComponent)" })
    func aRecordedFindingPassesItsChecks(_ name: String) throws {
        let (target, path) = try #require(
            Self.cases.first { "\($0.0.rawValue): \(($0.1 as NSString).lastPathComponent)" == name }
        )
        let bytes = try #require(FileManager.default.contents(atPath: path))
        #expect(target.run([UInt8](bytes)) == [])
    }

    @Test func theSeedCorpusPassesItsChecks() throws {
        for path in Self.files("examples", suffix: ".yaml") {
            let bytes = [UInt8](try #require(FileManager.default.contents(atPath: path)))
            #expect(FuzzTarget.yaml.run(bytes) == [], "\(path)")
            #expect(FuzzTarget.spec.run(bytes) == [], "\(path)")
        }
        for path in Self.files("Tests/CiscoTests/Corpus", suffix: ".cfg") {
            let bytes = [UInt8](try #require(FileManager.default.contents(atPath: path)))
            #expect(FuzzTarget.ios.run(bytes) == [], "\(path)")
        }
    }
}
