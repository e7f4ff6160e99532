internal import CYAML

/// Reads YAML text into `YAMLNode` trees with libyaml's event API.
///
/// Strict where YAML is loose: duplicate keys are errors, keys must be scalars, alias
/// expansion is bounded, and scalars keep their exact text (typing is the schema's job).
/// A syntax error ends the file (libyaml cannot resume) but earlier documents are kept.
public enum YAMLReader {
    /// What one file may cost: a spec is read from a repository anyone can open a pull
    /// request against, so a hostile file must end in a clear error, not in minutes of work.
    public struct Limits: Sendable {
        /// The largest spec file read, 8 MiB.
        ///
        /// A generated file holding all of a 1,000-site spec is about 1.5 MB (the benchmark
        /// writes one file per site, each under 2 KB); before this limit a 50 MB file took
        /// 41 s and 444 MB.
        public static let defaultMaxFileBytes = 8 << 20
        /// The longest line, 16 KiB.
        ///
        /// The longest legitimate lines are a root certificate's base64 (`publicCertData`,
        /// about 1.8 KB for RSA-4096) and flow lists of prefixes; a 10 MB line took 6.6 s,
        /// and every diagnostic prints its line.
        public static let defaultMaxLineBytes = 16 << 10
        /// The largest value, 64 KiB.
        ///
        /// A multi-line block such as a banner or a certificate chain is the largest
        /// legitimate one; diagnostics quote values only in part.
        public static let defaultMaxScalarBytes = 64 << 10

        /// The most nodes one document may expand to, counting every alias as a copy.
        public var maxExpandedNodes: Int
        /// The deepest nesting accepted.
        public var maxDepth: Int
        /// The largest file, in bytes; a larger one is refused before it is parsed.
        public var maxFileBytes: Int
        /// The longest line, in bytes (between YAML line breaks).
        public var maxLineBytes: Int
        /// The largest scalar value, in bytes.
        public var maxScalarBytes: Int

        public init(
            maxExpandedNodes: Int = 1_000_000,
            maxDepth: Int = 256,
            maxFileBytes: Int = defaultMaxFileBytes,
            maxLineBytes: Int = defaultMaxLineBytes,
            maxScalarBytes: Int = defaultMaxScalarBytes
        ) {
            self.maxExpandedNodes = maxExpandedNodes
            self.maxDepth = maxDepth
            self.maxFileBytes = maxFileBytes
            self.maxLineBytes = maxLineBytes
            self.maxScalarBytes = maxScalarBytes
        }
    }

    /// Parses every document of `bytes`, which came from `file`.
    public static func read(
        _ bytes: [UInt8],
        file: String,
        limits: Limits = Limits()
    ) -> (documents: [YAMLDocument], diagnostics: [Diagnostic]) {
        if let oversize = sizeProblem(bytes, file: file, limits: limits) {
            return ([], [oversize])
        }
        var builder = TreeBuilder(file: file, limits: limits)
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else {
            return ([], [Diagnostic(.error, .ioRead, "libyaml could not allocate a parser", at: .whole(file))])
        }
        defer { yaml_parser_delete(&parser) }
        // libyaml needs a valid pointer even for empty input.
        let input = bytes.isEmpty ? [0] : bytes
        input.withUnsafeBufferPointer { buffer in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, bytes.count)
            yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
            var event = yaml_event_t()
            while true {
                guard yaml_parser_parse(&parser, &event) == 1 else {
                    builder.fail(parserError(parser, bytes: bytes, file: file))
                    return
                }
                let done = event.type == YAML_STREAM_END_EVENT
                builder.handle(&event)
                yaml_event_delete(&event)
                if done || builder.stopped { return }
            }
        }
        return (builder.documents, builder.diagnostics)
    }

    /// The file or its first line that is over the limits, before libyaml sees any of it.
    static func sizeProblem(_ bytes: [UInt8], file: String, limits: Limits) -> Diagnostic? {
        if bytes.count > limits.maxFileBytes {
            return Diagnostic(
                .error,
                .ioSizeLimit,
                "the file is larger than \(sizeText(limits.maxFileBytes)), the most a spec file may be",
                at: SourceLocation(file: file, line: 1, column: 1),
                hint: "split the spec into several files"
            )
        }
        for (number, range) in LineBreaks.lines(bytes).enumerated() where range.count > limits.maxLineBytes {
            // The column of the character the limit falls in (columns count Unicode scalars).
            let at = range.lowerBound + limits.maxLineBytes
            let column = bytes[range.lowerBound...at].reduce(0) { $0 + ($1 & 0xC0 != 0x80 ? 1 : 0) }
            return Diagnostic(
                .error,
                .ioSizeLimit,
                "line \(number + 1) is longer than \(sizeText(limits.maxLineBytes)), the most a line may be",
                at: SourceLocation(file: file, line: number + 1, column: column),
                hint: "break the value over several lines (a block scalar or a block list)"
            )
        }
        return nil
    }

    /// A size as people read it: `16 KiB` for whole KiB or MiB, else bytes.
    static func sizeText(_ bytes: Int) -> String {
        if bytes >= 1 << 20 && bytes % (1 << 20) == 0 { return "\(bytes >> 20) MiB" }
        if bytes >= 1 << 10 && bytes % (1 << 10) == 0 { return "\(bytes >> 10) KiB" }
        return "\(bytes) bytes"
    }

    private static func parserError(_ parser: yaml_parser_t, bytes: [UInt8], file: String) -> Diagnostic {
        let problem = parser.problem.map { String(cString: $0) } ?? "unknown error"
        if parser.error == YAML_READER_ERROR {
            let mark = markForByteOffset(parser.problem_offset, in: bytes)
            return Diagnostic(
                .error,
                .yamlEncoding,
                "not valid UTF-8: \(problem) (byte 0x\(hex(parser.problem_value)) at offset \(parser.problem_offset))",
                at: mark.located(in: file),
                hint: "save the file as UTF-8"
            )
        }
        if parser.error == YAML_MEMORY_ERROR {
            return Diagnostic(.error, .yamlSyntax, "libyaml ran out of memory", at: .whole(file))
        }
        let mark = Mark(line: parser.problem_mark.line + 1, column: parser.problem_mark.column + 1)
        var message = problem
        if let context = parser.context.map({ String(cString: $0) }) {
            let line = parser.context_mark.line + 1
            let column = parser.context_mark.column + 1
            let elsewhere = line != Int(mark.line) || column != Int(mark.column)
            message = "\(problem) \(context)" + (elsewhere ? " (started at line \(line), column \(column))" : "")
        }
        var hint: String?
        if lineContainsTab(bytes, line: Int(mark.line)) {
            hint = "YAML does not allow tabs for indentation; indent with spaces"
        } else if problem.contains("mapping values are not allowed") {
            hint = "a value containing ': ' must be quoted, or the indentation is off"
        } else if problem.contains("did not find expected key") || problem.contains("expected <block end>") {
            hint = "check the indentation of this line against the lines above it"
        }
        return Diagnostic(.error, .yamlSyntax, message, at: mark.located(in: file), hint: hint)
    }

    private static func hex(_ value: Int32) -> String {
        let s = String(UInt8(truncatingIfNeeded: value), radix: 16, uppercase: true)
        return s.count == 1 ? "0" + s : s
    }

    /// The 1-based line and Unicode-scalar column of a byte offset.
    static func markForByteOffset(_ offset: Int, in bytes: [UInt8]) -> Mark {
        var line = 1
        var start = 0
        for (index, range) in LineBreaks.lines(bytes).enumerated() {
            if range.lowerBound > offset { break }
            line = index + 1
            start = range.lowerBound
        }
        let column = bytes[start..<max(start, min(offset, bytes.count))].reduce(1) { $0 + ($1 & 0xC0 != 0x80 ? 1 : 0) }
        return Mark(line: line, column: column)
    }

    private static func lineContainsTab(_ bytes: [UInt8], line: Int) -> Bool {
        let lines = LineBreaks.lines(bytes)
        guard line >= 1 && line <= lines.count else { return false }
        return bytes[lines[line - 1]].contains(0x09)
    }
}

/// Builds trees from events; one instance per file.
private struct TreeBuilder {
    struct Frame {
        var isMapping: Bool
        var mark: Mark
        var anchor: String?
        var items: [YAMLNode] = []
        var pairs: [YAMLPair] = []
        var pendingKey: (YAMLScalar, Mark)?
        /// Set after a non-scalar key: its value is read and dropped.
        var skipNextValue = false
        var size = 1
    }

    let file: String
    let limits: YAMLReader.Limits
    var documents: [YAMLDocument] = []
    var diagnostics: [Diagnostic] = []
    var stopped = false
    var stack: [Frame] = []
    var anchors: [String: (node: YAMLNode, size: Int)] = [:]
    var expanded = 0
    var documentIndex = 0
    var root: YAMLNode?

    init(file: String, limits: YAMLReader.Limits) {
        self.file = file
        self.limits = limits
    }

    mutating func fail(_ diagnostic: Diagnostic) {
        diagnostics.append(diagnostic)
        stopped = true
    }

    mutating func handle(_ event: inout yaml_event_t) {
        let mark = Mark(line: event.start_mark.line + 1, column: event.start_mark.column + 1)
        switch event.type {
        case YAML_DOCUMENT_START_EVENT:
            anchors.removeAll(keepingCapacity: true)
            expanded = 0
            root = nil
        case YAML_DOCUMENT_END_EVENT:
            if let root {
                documents.append(YAMLDocument(file: file, root: root, index: documentIndex))
            }
            documentIndex += 1
        case YAML_SCALAR_EVENT:
            let data = event.data.scalar
            if data.length > limits.maxScalarBytes {
                fail(
                    Diagnostic(
                        .error,
                        .ioSizeLimit,
                        "this value is \(data.length) bytes, more than \(YAMLReader.sizeText(limits.maxScalarBytes)), the most a value may be",
                        at: mark.located(in: file)
                    )
                )
                return
            }
            let text = String(decoding: UnsafeBufferPointer(start: data.value, count: data.length), as: UTF8.self)
            let style: YAMLScalar.Style
            switch data.style {
            case YAML_SINGLE_QUOTED_SCALAR_STYLE: style = .singleQuoted
            case YAML_DOUBLE_QUOTED_SCALAR_STYLE: style = .doubleQuoted
            case YAML_LITERAL_SCALAR_STYLE: style = .literal
            case YAML_FOLDED_SCALAR_STYLE: style = .folded
            default: style = .plain
            }
            let node = YAMLNode(.scalar(YAMLScalar(text, style: style)), mark: mark)
            if let anchor = string(data.anchor) {
                anchors[anchor] = (node, 1)
            }
            add(node, size: 1)
        case YAML_ALIAS_EVENT:
            let name = string(event.data.alias.anchor) ?? ""
            guard let target = anchors[name] else {
                let inProgress = stack.contains { $0.anchor == name }
                diagnostics.append(
                    Diagnostic(
                        .error,
                        .yamlAlias,
                        inProgress
                            ? "alias *\(Excerpt.of(name)) refers to a node that contains it (recursive alias)"
                            : "alias *\(Excerpt.of(name)) refers to no anchor &\(Excerpt.of(name)) defined before it",
                        at: mark.located(in: file)
                    )
                )
                add(YAMLNode(.scalar(YAMLScalar("")), mark: mark), size: 1)
                return
            }
            var copy = target.node
            copy.mark = mark
            add(copy, size: target.size)
        case YAML_SEQUENCE_START_EVENT:
            let data = event.data.sequence_start
            push(Frame(isMapping: false, mark: mark, anchor: string(data.anchor)))
        case YAML_MAPPING_START_EVENT:
            let data = event.data.mapping_start
            push(Frame(isMapping: true, mark: mark, anchor: string(data.anchor)))
        case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
            guard let frame = stack.popLast() else { return }
            let node: YAMLNode
            if frame.isMapping {
                node = YAMLNode(.mapping(finishMapping(frame.pairs)), mark: frame.mark)
            } else {
                node = YAMLNode(.sequence(frame.items), mark: frame.mark)
            }
            if let anchor = frame.anchor {
                anchors[anchor] = (node, frame.size)
            }
            add(node, size: frame.size, countSelf: false)
        default:
            break
        }
    }

    private func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        guard let pointer else { return nil }
        return String(cString: pointer)
    }

    private mutating func push(_ frame: Frame) {
        if stack.count >= limits.maxDepth {
            fail(
                Diagnostic(
                    .error,
                    .yamlSyntax,
                    "nesting deeper than \(limits.maxDepth) levels",
                    at: frame.mark.located(in: file)
                )
            )
            return
        }
        expanded += 1
        stack.append(frame)
    }

    /// Attaches a finished node to its parent (or makes it the document's root).
    private mutating func add(_ node: YAMLNode, size: Int, countSelf: Bool = true) {
        if countSelf {
            expanded += size
        }
        if expanded > limits.maxExpandedNodes {
            fail(
                Diagnostic(
                    .error,
                    .yamlAliasLimit,
                    "aliases expand this document past \(limits.maxExpandedNodes) nodes; refusing to expand further",
                    at: node.mark.located(in: file),
                    hint: "this looks like a \"billion laughs\" file; use fewer nested aliases"
                )
            )
            return
        }
        guard !stack.isEmpty else {
            root = node
            return
        }
        let top = stack.count - 1
        stack[top].size += size
        if !stack[top].isMapping {
            stack[top].items.append(node)
            return
        }
        if stack[top].skipNextValue {
            stack[top].skipNextValue = false
            return
        }
        if let (key, keyMark) = stack[top].pendingKey {
            stack[top].pairs.append(YAMLPair(key: key, keyMark: keyMark, value: node))
            stack[top].pendingKey = nil
            return
        }
        guard let key = node.scalar else {
            diagnostics.append(
                Diagnostic(
                    .error,
                    .yamlKey,
                    "a mapping key must be a plain string, not \(node.shapeDescription)",
                    at: node.mark.located(in: file)
                )
            )
            stack[top].skipNextValue = true
            return
        }
        stack[top].pendingKey = (key, node.mark)
    }

    /// Rejects duplicate keys and applies `<<` merge keys (explicit keys win).
    private mutating func finishMapping(_ pairs: [YAMLPair]) -> [YAMLPair] {
        // Most mappings are small and clean: check them without hashing or copying.
        var clean = true
        for i in pairs.indices where clean {
            if pairs[i].key.text == "<<" && pairs[i].key.style == .plain { clean = false }
            for j in 0..<i where pairs[j].key.text == pairs[i].key.text { clean = false }
            if i > 16 { clean = false }
        }
        if clean { return pairs }
        var explicit: [YAMLPair] = []
        explicit.reserveCapacity(pairs.count)
        var merges: [YAMLPair] = []
        var firstSeen: [String: Mark] = [:]
        for pair in pairs {
            if pair.key.text == "<<" && pair.key.style == .plain {
                merges.append(pair)
                continue
            }
            if let first = firstSeen[pair.key.text] {
                diagnostics.append(
                    Diagnostic(
                        .error,
                        .yamlDuplicateKey,
                        "duplicate key '\(Excerpt.of(pair.key.text))'",
                        at: pair.keyMark.located(in: file),
                        hint: "remove one of the two; YAML would silently keep only the last",
                        notes: [.init("'\(Excerpt.of(pair.key.text))' first appears here", at: first.located(in: file))]
                    )
                )
                continue
            }
            firstSeen[pair.key.text] = pair.keyMark
            explicit.append(pair)
        }
        for merge in merges {
            let sources: [YAMLNode]
            switch merge.value.content {
            case .mapping: sources = [merge.value]
            case .sequence(let items): sources = items
            case .scalar:
                sources = []
                diagnostics.append(
                    Diagnostic(
                        .error,
                        .yamlKey,
                        "the merge key << needs a mapping or a list of mappings",
                        at: merge.keyMark.located(in: file)
                    )
                )
            }
            for source in sources {
                guard let sourcePairs = source.mapping else {
                    diagnostics.append(
                        Diagnostic(
                            .error,
                            .yamlKey,
                            "the merge key << needs a mapping, not \(source.shapeDescription)",
                            at: source.mark.located(in: file)
                        )
                    )
                    continue
                }
                for pair in sourcePairs where firstSeen[pair.key.text] == nil {
                    firstSeen[pair.key.text] = pair.keyMark
                    explicit.append(pair)
                }
            }
        }
        return explicit
    }
}
