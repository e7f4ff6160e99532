import Foundation
import TestSupport
import Testing

@testable import Spec

@Suite("Schema and docs stay in step with the code")
struct SchemaAndDocsTests {
    /// schemas/reconcile.schema.json is generated from the declarations the decoder uses;
    /// this fails when someone changes one without regenerating the other.
    @Test func committedSchemaMatchesTheDecoder() {
        Fixture.assertGolden(JSONSchemaExporter.generate(), "schemas/reconcile.schema.json")
    }

    @Test func rulesPageMatchesTheCatalogue() {
        Fixture.assertGolden(RuleID.markdownCatalogue(), "docs/rules.md")
        let ids = RuleID.catalogue.map(\.id)
        #expect(Set(ids).count == ids.count, "duplicate rule IDs")
    }

    @Test func everySchemaAdditionIsDocumented() throws {
        let doc = try String(contentsOfFile: Fixture.path("docs/spec-additions.md"), encoding: .utf8)
        var missing: [String] = []
        func walk(_ schema: ObjectSchema) {
            for field in schema.fields {
                if field.summary.hasPrefix("(addition)") && !doc.contains("\(field.name)`") {
                    missing.append(field.name)
                }
                var type = field.type
                while case .list(let element) = type { type = element }
                if case .object(let nested) = type { walk(nested) }
            }
        }
        SpecSchema.specs.values.forEach(walk)
        #expect(missing.isEmpty, "docs/spec-additions.md does not list: \(missing)")
    }

    /// docs/spec.md, the users' reference, names every field of every kind the decoder reads.
    @Test func theSpecReferenceNamesEveryField() throws {
        let doc = try String(contentsOfFile: Fixture.path("docs/spec.md"), encoding: .utf8)
        var missing: [String] = []
        func walk(_ schema: ObjectSchema, _ path: String) {
            for field in schema.fields {
                if !doc.contains("`\(field.name)`") && !doc.contains(".\(field.name)`") {
                    missing.append(path + field.name)
                }
                var type = field.type
                while case .list(let element) = type { type = element }
                if case .object(let nested) = type { walk(nested, path + field.name + ".") }
            }
        }
        for (kind, schema) in SpecSchema.specs.sorted(by: { $0.key < $1.key }) {
            #expect(doc.contains("\n## \(kind.rawValue)\n"), "no section for \(kind.rawValue)")
            walk(schema, "\(kind.rawValue).")
        }
        #expect(missing.isEmpty, "docs/spec.md does not name: \(missing)")
    }
}
