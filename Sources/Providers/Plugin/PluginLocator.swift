internal import Foundation
internal import Reconciler

#if canImport(Glibc)
    internal import Glibc
#endif

/// Finds a plugin's executable, as a `Plugin` document names it (docs/plugin-protocol.md).
public enum PluginLocator {
    /// The program a plugin named `name` is, on PATH.
    public static func programName(_ name: String) -> String { "reconcile-provider-\(name)" }

    /// The absolute path of the plugin's executable, checked before anything runs.
    ///
    /// Without `path`, `reconcile-provider-NAME` is the first regular executable file of that
    /// name in `searchPath`'s directories, as a shell finds it (pass the process's `PATH`).
    /// With `path` (relative to `root`, or absolute), `sha256` is required and the file's digest
    /// must equal it: a pull request cannot make CI run a program of its choosing. A `sha256`
    /// without a path pins the program found on PATH just the same.
    public static func locate(
        name: String,
        path: String?,
        sha256: String?,
        root: String,
        searchPath: String
    ) throws(PluginError) -> String {
        guard isValidName(name) else { throw .badName(name) }
        if let sha256, !isDigest(sha256) { throw .badDigest(name: name, digest: sha256) }
        let found: String
        if let path {
            guard sha256 != nil else { throw .digestRequired(name: name, path: path) }
            let absolute = path.hasPrefix("/") ? path : (root.hasSuffix("/") ? root : root + "/") + path
            let standardized = URL(fileURLWithPath: absolute).standardizedFileURL.path
            if let why = problem(standardized) { throw .notExecutable(name: name, path: path, why: why) }
            found = standardized
        } else {
            let program = programName(name)
            let directories = searchPath.split(separator: ":", omittingEmptySubsequences: false)
                // An empty entry is the current directory, as for a shell.
                .map { $0.isEmpty ? "." : String($0) }
            guard
                let hit = directories.lazy.map({ URL(fileURLWithPath: $0 + "/" + program).standardizedFileURL.path })
                    .first(where: { problem($0) == nil })
            else { throw .notOnPath(name: name, program: program) }
            found = hit
        }
        if let sha256 {
            guard let bytes = FileManager.default.contents(atPath: found) else {
                throw .notExecutable(name: name, path: found, why: "cannot be read")
            }
            let actual = Digests.sha256(Array(bytes))
            guard actual == sha256 else {
                throw .digestMismatch(name: name, path: found, expected: sha256, actual: actual)
            }
        }
        return found
    }

    /// `^[a-z][a-z0-9-]{0,40}$`: it becomes an address prefix and part of a program's name.
    public static func isValidName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard let first = bytes.first, (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(first), bytes.count <= 41
        else { return false }
        return bytes.dropFirst().allSatisfy {
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0)
                || $0 == UInt8(ascii: "-")
        }
    }

    static func isDigest(_ text: String) -> Bool {
        text.utf8.count == 64
            && text.utf8.allSatisfy {
                (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0)
                    || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains($0)
            }
    }

    /// Why `path` cannot be started (missing, not a regular file, not executable); nil when it can.
    static func problem(_ path: String) -> String? {
        var info = stat()
        guard stat(path, &info) == 0 else { return "does not exist" }
        guard (info.st_mode & S_IFMT) == S_IFREG else { return "is not a regular file" }
        guard access(path, X_OK) == 0 else { return "is not executable" }
        return nil
    }
}
