import Foundation
import Reconciler
import Spec

/// What `reconcile import` tells the user: the files, the variables to set, what it could not
/// express, and what the adoption left.
struct ImportReport {
    var out: String
    var files: [String]
    var secrets: [ImportSecrets.Variable]
    var unmanaged: [UnmanagedLine]
    var notes: [String]
    var requests: [(provider: String, count: Int)]
    var adopted: Int
    var differences: [PlannedChange]

    var text: String {
        var out = "Wrote \(files.count) file(s) in \(self.out): \(files.joined(separator: ", "))\n"
        out += "Read: " + requests.map { "\($0.provider) \($0.count) request(s)" }.joined(separator: ", ") + "\n"
        if !secrets.isEmpty {
            out += "\nSecrets (set these variables; no value was written):\n"
            for variable in secrets {
                var line = "  \(variable.name)"
                switch variable.source {
                case .given: line += " (a variable you named holds the value read)"
                case .generated:
                    line +=
                        variable.readable
                        ? " (generated name)" : " (generated name; its value could not be read: set it)"
                }
                out += line + "\n"
                for origin in variable.origins { out += "      read from \(origin)\n" }
                for end in variable.ends {
                    out +=
                        end.agrees
                        ? "      agrees with \(end.origin)\n"
                        : "      DIFFERS from \(end.origin): the two ends do not hold the same key\n"
                }
            }
        }
        if !unmanaged.isEmpty { out += "\n" + Self.unmanagedText(unmanaged) }
        if !notes.isEmpty {
            out += "\nNotes:\n" + notes.map { "  - \($0)\n" }.joined()
        }
        if differences.isEmpty {
            out += "\nAdopted \(adopted) resource(s) into state; nothing was changed on Azure or the routers.\n"
            let names = secrets.map(\.name)
            out += "Next: "
            if !names.isEmpty { out += "set " + names.joined(separator: ", ") + ", then " }
            out += "reconcile diff \(self.out)"
            if !names.isEmpty { out += " --allow-secret " + names.joined(separator: ",") }
            out += "\n"
        } else {
            out += "\nAdopted \(adopted) resource(s) into state; nothing was changed on Azure or the routers.\n"
            out += "Not adopted: the written spec differs from what exists in \(differences.count) place(s):\n"
            for change in differences {
                out +=
                    "  \(change.address) (\(change.action.rawValue)): "
                    + (change.changes.map(\.path).joined(separator: ", ").nonEmpty ?? "it does not exist as written")
                    + "\n"
            }
            out += "`reconcile plan \(self.out)` shows what apply would change to make them the spec.\n"
        }
        return out
    }

    /// The lines the spec cannot express, by object.
    static func unmanagedText(_ lines: [UnmanagedLine]) -> String {
        var out = "Not managed (\(lines.count), kept as they are; drift lists them as unmanaged):\n"
        let byObject = Dictionary(grouping: lines) { "\($0.provider):\($0.object)" }
        for object in byObject.keys.sorted() {
            out += "  \(object)\n"
            for line in byObject[object] ?? [] { out += "    \(line.text)\n" }
        }
        return out
    }
}

extension String {
    fileprivate var nonEmpty: String? { isEmpty ? nil : self }
}
