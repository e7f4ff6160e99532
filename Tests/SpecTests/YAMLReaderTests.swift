import TestSupport
import Testing

@testable import Spec

@Suite("YAML reading on libyaml events")
struct YAMLReaderTests {
    func read(_ text: String, limits: YAMLReader.Limits = .init()) -> ([YAMLDocument], [Diagnostic]) {
        YAMLReader.read(Array(text.utf8), file: "t.yaml", limits: limits)
    }

    @Test func marksAreOneBasedAndCountUnicodeScalars() throws {
        let (docs, diags) = read("a: 1\nname: \"東京\"\nz: [x, y]\n")
        #expect(diags.isEmpty)
        let root = try #require(docs.first?.root)
        #expect(root.mark == Mark(line: 1, column: 1))
        let pairs = try #require(root.mapping)
        #expect(pairs[1].keyMark == Mark(line: 2, column: 1))
        #expect(pairs[1].value.mark == Mark(line: 2, column: 7))
        let items = try #require(pairs[2].value.sequence)
        #expect(items[1].mark == Mark(line: 3, column: 8))
        // A mark after multi-byte characters counts scalars, not bytes.
        let (docs2, _) = read("k: 東京\nv: x\nw: [東京, q]\n")
        let q = try #require(docs2.first?.root["w"]?.sequence?[1])
        #expect(q.mark == Mark(line: 3, column: 9))
    }

    @Test func scalarsKeepTheirTextAndStyle() throws {
        let (docs, _) = read("a: NO\nb: 065010\nc: 15.4\nd: on\ne: '15.4'\nf: ~\n")
        let root = try #require(docs.first?.root)
        #expect(root["a"]?.scalar == YAMLScalar("NO"))
        #expect(root["b"]?.scalar == YAMLScalar("065010"))
        #expect(root["c"]?.scalar == YAMLScalar("15.4"))
        #expect(root["d"]?.scalar == YAMLScalar("on"))
        #expect(root["e"]?.scalar == YAMLScalar("15.4", style: .singleQuoted))
        #expect(root["f"]?.isNull == true)
        #expect(root["a"]?.isNull == false)
    }

    @Test func duplicateKeysAreErrorsAtTheSecondKey() {
        let (_, diags) = read("spec:\n  a: 1\n  b: 2\n  a: 3\n")
        #expect(diags.count == 1)
        #expect(diags.first?.rule == .yamlDuplicateKey)
        #expect(diags.first?.location == Spec.SourceLocation(file: "t.yaml", line: 4, column: 3))
        #expect(diags.first?.notes.first?.location.line == 2)
    }

    @Test func anchorsAliasesAndMergeKeysWork() throws {
        let text = """
            base: &base {asn: 65010, prefer: true}
            list: &l [a, b]
            copy: *l
            merged:
              <<: *base
              asn: 65020
            """
        let (docs, diags) = read(text)
        #expect(diags.isEmpty)
        let root = try #require(docs.first?.root)
        #expect(root["copy"]?.sequence?.count == 2)
        #expect(root["merged"]?["asn"]?.scalar?.text == "65020")  // explicit key wins
        #expect(root["merged"]?["prefer"]?.scalar?.text == "true")
        // The alias node reports where the alias is written.
        #expect(root["copy"]?.mark == Mark(line: 3, column: 7))
    }

    @Test func billionLaughsFailsFastInBoundedMemory() {
        var text = "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
        for level in 1...9 {
            let refs = Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ")
            text += "a\(level): &a\(level) [\(refs)]\n"
        }
        let (_, diags) = read(text)
        // Refused at the first alias over the limit, before anything is expanded: a5 alone
        // would be 1,111,111 nodes, a9 billions.
        #expect(diags.map(\.rule) == [.yamlAliasLimit])
        #expect(diags.first?.location.line == 6)
    }

    @Test func undefinedAliasIsAnError() {
        let (_, diags) = read("a: *nope\n")
        #expect(diags.map(\.rule) == [.yamlAlias])
    }

    @Test func tabsGiveLibyamlsPositionAndAHint() throws {
        let (_, diags) = read("spec:\n\tname: x\n")
        let d = try #require(diags.first)
        #expect(d.rule == .yamlSyntax)
        #expect(d.location.line == 2)
        #expect(d.hint?.contains("tabs") == true)
    }

    @Test func badIndentationGivesAPosition() throws {
        let (_, diags) = read("spec:\n  a: 1\n b: 2\n")
        let d = try #require(diags.first)
        #expect(d.rule == .yamlSyntax)
        #expect(d.location.line == 3)
    }

    @Test func nonUTF8GivesTheOffendingPosition() throws {
        var bytes = Array("a: ok\nb: caf".utf8)
        bytes.append(0xE9)  // Latin-1 é
        bytes.append(contentsOf: Array("\n".utf8))
        let (_, diags) = YAMLReader.read(bytes, file: "t.yaml")
        let d = try #require(diags.first)
        #expect(d.rule == .yamlEncoding)
        #expect(d.location == Spec.SourceLocation(file: "t.yaml", line: 2, column: 7))
    }

    @Test func nonScalarKeysAreRefused() {
        let (_, diags) = read("? [a, b]\n: 1\n")
        #expect(diags.map(\.rule) == [.yamlKey])
    }

    @Test func documentsBeforeASyntaxErrorAreKept() {
        let (docs, diags) = read("a: 1\n---\nb: [\n")
        #expect(docs.count == 1)
        #expect(diags.map(\.rule) == [.yamlSyntax])
    }

    @Test func emptyInputHasNoDocuments() {
        let (docs, diags) = read("")
        #expect(docs.isEmpty)
        #expect(diags.isEmpty)
    }

    @Test func byteOffsetsMapToScalarColumns() {
        let bytes = Array("ab\n東x".utf8)
        #expect(YAMLReader.markForByteOffset(6, in: bytes) == Mark(line: 2, column: 2))
        #expect(YAMLReader.markForByteOffset(0, in: bytes) == Mark(line: 1, column: 1))
    }
}
