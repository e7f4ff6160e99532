internal import Foundation

/// The bytes of every file read, kept for printing source snippets under diagnostics.
public struct SourceFiles: Sendable {
    public private(set) var files: [String: [UInt8]] = [:]
    /// The byte range of each line of each file, built once when the file is added.
    ///
    /// A snippet under each of 10,000 diagnostics must not scan the file from byte 0 each time
    /// (that took 183 s). Lines break where libyaml's marks break them.
    private(set) var lineRanges: [String: [Range<Int>]] = [:]

    public init() {}

    /// Keeps a file's bytes and indexes its lines.
    public mutating func add(_ file: String, _ bytes: [UInt8]) {
        files[file] = bytes
        lineRanges[file] = LineBreaks.lines(bytes)
    }

    /// The text of a 1-based line, without its line break.
    public func line(_ number: Int, of file: String) -> String? {
        guard number > 0, let bytes = files[file], let ranges = lineRanges[file], number <= ranges.count else {
            return nil
        }
        return String(decoding: bytes[ranges[number - 1]], as: UTF8.self)
    }

    /// How many lines a file has (0 for a file not read).
    public func lineCount(of file: String) -> Int {
        lineRanges[file]?.count ?? 0
    }
}

/// Options that change how a spec is read.
public struct LoadOptions: Sendable {
    public var allowPlaintextSecrets: Bool
    public var yamlLimits: YAMLReader.Limits
    /// The kinds the spec's plugins bring, by kind name (known once they are started).
    public var pluginKinds: [String: PluginKind]

    public init(
        allowPlaintextSecrets: Bool = false,
        yamlLimits: YAMLReader.Limits = .init(),
        pluginKinds: [String: PluginKind] = [:]
    ) {
        self.allowPlaintextSecrets = allowPlaintextSecrets
        self.yamlLimits = yamlLimits
        self.pluginKinds = pluginKinds
    }
}

/// A spec as read and decoded: the topology, what was wrong with it, and its source text.
public struct LoadedSpec: Sendable {
    public var topology: Topology
    public var diagnostics: Diagnostics
    public var sources: SourceFiles
    /// The spec files read, in the order read (sorted path order).
    public var files: [String]
    /// With field tracking on (tests only): every "Schema.field" the decoders read.
    var accessedFields: Set<String> = []
}

/// Reads a spec directory (every `*.yaml`/`*.yml` below it, in sorted path order, hidden
/// folders skipped) or a single file, and decodes its documents.
public enum SpecLoader {
    public static func load(_ path: String, options: LoadOptions = LoadOptions()) -> LoadedSpec {
        var diagnostics = Diagnostics()
        var files: [(String, [UInt8])] = []
        for file in specFiles(at: path, diagnostics: &diagnostics) {
            // One byte past the limit is enough for the reader to refuse the file; reading
            // the rest would spend memory on a file that is refused anyway.
            guard let handle = FileHandle(forReadingAtPath: file),
                case .success(let data) = Result(catching: {
                    try handle.read(upToCount: options.yamlLimits.maxFileBytes + 1)
                })
            else {
                diagnostics.error(.ioRead, "cannot read \(file)", at: .whole(file))
                continue
            }
            try? handle.close()
            // An empty file reads as nil: it has no bytes, not an error.
            files.append((file, data.map { [UInt8]($0) } ?? []))
        }
        var loaded = load(files: files, root: path, options: options)
        loaded.diagnostics.append(contentsOf: diagnostics.all)
        return loaded
    }

    /// Decodes in-memory text as one file (used by tests and tools that build specs).
    public static func load(text: String, file: String, options: LoadOptions = LoadOptions()) -> LoadedSpec {
        load(files: [(file, Array(text.utf8))], root: file, options: options)
    }

    /// Decodes files already in memory, as (path, bytes) in the order given.
    public static func load(
        files: [(String, [UInt8])],
        root: String,
        options: LoadOptions = LoadOptions()
    ) -> LoadedSpec {
        load(files: files, root: root, options: options, trackAccess: false)
    }

    static func load(
        files: [(String, [UInt8])],
        root: String,
        options: LoadOptions,
        trackAccess: Bool
    ) -> LoadedSpec {
        struct FileInput: Sendable {
            var file: String
            var bytes: [UInt8]
        }
        struct FileResult: Sendable {
            var builder: TopologyBuilder
            var diagnostics: [Diagnostic]
            var accessed: Set<String>
        }
        // Files are independent until their objects are merged: read and decode them on all cores.
        let inputs = files.map { FileInput(file: $0.0, bytes: $0.1) }
        let results = Parallel.map(inputs, minimumPerChunk: 8) { input -> FileResult in
            let context = DecodeContext(
                allowPlaintextSecrets: options.allowPlaintextSecrets,
                pluginKinds: options.pluginKinds,
                trackAccess: trackAccess
            )
            var builder = TopologyBuilder()
            let (documents, yamlDiagnostics) = YAMLReader.read(
                input.bytes,
                file: input.file,
                limits: options.yamlLimits
            )
            context.diagnostics.append(contentsOf: yamlDiagnostics)
            let decoder = ObjectDecoder(context: context)
            for document in documents {
                decoder.decode(document, into: &builder)
            }
            return FileResult(builder: builder, diagnostics: context.diagnostics.all, accessed: context.accessed ?? [])
        }
        var diagnostics = Diagnostics()
        var merged = TopologyBuilder()
        var accessed = Set<String>()
        var sources = SourceFiles()
        for (input, result) in zip(inputs, results) {
            sources.add(input.file, input.bytes)
            diagnostics.append(contentsOf: result.diagnostics)
            diagnostics.append(contentsOf: merged.merge(result.builder))
            accessed.formUnion(result.accessed)
        }
        var loaded = LoadedSpec(
            topology: merged.build(root: root),
            diagnostics: diagnostics,
            sources: sources,
            files: files.map(\.0)
        )
        loaded.accessedFields = accessed
        return loaded
    }

    private static func specFiles(at path: String, diagnostics: inout Diagnostics) -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            diagnostics.error(.ioRead, "no such file or directory: \(path)", at: .whole(path))
            return []
        }
        guard isDirectory.boolValue else { return [path] }
        var found: [String] = []
        collect(path, into: &found, diagnostics: &diagnostics)
        if found.isEmpty {
            diagnostics.error(
                .ioNoSpec,
                "\(path) holds no *.yaml or *.yml file",
                at: .whole(path),
                hint: "point reconcile at the directory that holds the spec"
            )
        }
        return found.sorted()
    }

    /// Lists the spec files below `directory`, following links to files but never links to
    /// directories: `ln -s . X` would make the walk endless, and a spec that
    /// reaches outside its directory is one the reviewer of the directory did not see.
    private static func collect(_ directory: String, into found: inout [String], diagnostics: inout Diagnostics) {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return }
        for entry in entries.sorted() where !entry.hasPrefix(".") {
            let full = directory.hasSuffix("/") ? directory + entry : directory + "/" + entry
            let isSpecName = entry.hasSuffix(".yaml") || entry.hasSuffix(".yml")
            let type = (try? FileManager.default.attributesOfItem(atPath: full))?[.type] as? FileAttributeType
            var isDirectory: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory)
            if type == .typeSymbolicLink {
                if exists && isDirectory.boolValue {
                    diagnostics.warning(
                        .ioSymlink,
                        "skipped \(full): a link to a directory is not followed",
                        at: .whole(full),
                        hint: "move or copy the files into the spec directory"
                    )
                    continue
                }
                if !exists {
                    if isSpecName {
                        diagnostics.warning(
                            .ioSymlink,
                            "skipped \(full): the link leads nowhere (its target is missing or a loop of links)",
                            at: .whole(full)
                        )
                    }
                    continue
                }
            }
            guard exists else { continue }
            if isDirectory.boolValue {
                collect(full, into: &found, diagnostics: &diagnostics)
            } else if isSpecName {
                found.append(full)
            }
        }
    }
}
