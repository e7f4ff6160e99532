internal import CYAML
internal import Foundation

/// Writes spec documents as YAML in the examples' style, with libyaml's emitter.
///
/// Block mappings for documents and anything nested or long; a short map of scalars in
/// flow style (`{name: app, prefix: 10.10.1.0/24}`), a short list of scalars too
/// (`[10.10.0.0/16]`). A string YAML would read as something else (`on`, `65020`, `""`)
/// is double-quoted, so it reads back as the string it is. The same documents give the
/// same bytes.
public enum SpecWriter {
    /// One file's text: its header comments, then each document, separated by `---`.
    public static func file(_ documents: [SpecDocument], header: [String] = []) -> String {
        var out = header.map { comment($0) }.joined()
        for (i, document) in documents.enumerated() {
            if i > 0 { out += "---\n" }
            out += document.comments.map { comment($0) }.joined()
            out += emit(document)
        }
        return out
    }

    /// The documents grouped by `file`, each file's text, in the order the files first appear.
    public static func files(_ documents: [SpecDocument], header: [String] = []) -> [(file: String, text: String)] {
        var order: [String] = []
        var byFile: [String: [SpecDocument]] = [:]
        for document in documents {
            if byFile[document.file] == nil { order.append(document.file) }
            byFile[document.file, default: []].append(document)
        }
        return order.map { ($0, file(byFile[$0] ?? [], header: header)) }
    }

    private static func comment(_ line: String) -> String {
        line.isEmpty ? "#\n" : "# \(line)\n"
    }

    // MARK: - Style

    /// The widest a flow collection may be written on one line.
    static let flowWidth = 72

    /// Whether a value is written as one scalar.
    private static func isScalar(_ value: SpecValue) -> Bool {
        switch value {
        case .list, .map: return false
        default: return true
        }
    }

    /// About how wide the value is in flow style; nil when it cannot be written in flow
    /// style (it holds a collection other than `{fromEnv: …}`).
    private static func flowWidth(_ value: SpecValue) -> Int? {
        switch value {
        case .string(let s): return s.utf8.count + (quoting(s) == .plain ? 0 : 2)
        case .int(let i): return String(i).count
        case .bool(let b): return b ? 4 : 5
        case .number(let n): return n.count
        case .fromEnv(let name): return name.count + 11
        case .list(let items):
            guard items.allSatisfy(isScalar) else { return nil }
            return items.reduce(2) { $0 + (flowWidth($1) ?? 0) + 2 }
        case .map(let fields):
            guard fields.allSatisfy({ isScalar($0.value) }) else { return nil }
            return fields.reduce(2) { $0 + $1.key.count + 2 + (flowWidth($1.value) ?? 0) + 2 }
        }
    }

    private static func flow(_ value: SpecValue, indent: Int) -> Bool {
        guard let width = flowWidth(value) else { return false }
        return width + indent <= flowWidth
    }

    enum Quoting { case plain, double }

    /// Plain unless YAML would read the plain text as another type or not at all.
    static func quoting(_ s: String) -> Quoting {
        if s.isEmpty || s != s.trimmingCharacters(in: .whitespaces) { return .double }
        let lower = s.lowercased()
        let words: Set<String> = ["true", "false", "yes", "no", "on", "off", "y", "n", "null", "~"]
        if words.contains(lower) { return .double }
        if looksNumeric(lower) { return .double }
        return .plain
    }

    /// Whether YAML 1.1 or 1.2 would read the plain scalar as a number.
    ///
    /// An integer (decimal, hex, octal, binary, with `_` separators), a float, sexagesimal
    /// (`1:20`), `.inf` or `.nan`. An IPv4 address has three dots and is no number.
    static func looksNumeric(_ s: String) -> Bool {
        var body = Substring(s)
        if body.first == "+" || body.first == "-" { body = body.dropFirst() }
        if [".inf", ".nan"].contains(body) { return true }
        let digits = body.replacingOccurrences(of: "_", with: "")
        if digits.hasPrefix("0x") { return digits.count > 2 && digits.dropFirst(2).allSatisfy(\.isHexDigit) }
        if digits.hasPrefix("0o") || digits.hasPrefix("0b") {
            return digits.count > 2 && digits.dropFirst(2).allSatisfy(\.isNumber)
        }
        if digits.contains(":") {
            return digits.split(separator: ":", omittingEmptySubsequences: false).allSatisfy {
                !$0.isEmpty && $0.allSatisfy(\.isNumber)
            }
        }
        // A float: digits with at most one dot, then an optional exponent.
        var mantissa = Substring(digits)
        if let e = digits.firstIndex(where: { $0 == "e" }) {
            var exponent = digits[digits.index(after: e)...]
            if exponent.first == "+" || exponent.first == "-" { exponent = exponent.dropFirst() }
            guard !exponent.isEmpty, exponent.allSatisfy(\.isNumber) else { return false }
            mantissa = digits[..<e]
        }
        let dots = mantissa.filter { $0 == "." }.count
        return dots <= 1 && mantissa.contains(where: \.isNumber) && mantissa.allSatisfy { $0.isNumber || $0 == "." }
    }

    // MARK: - Emitting

    private final class Output {
        var bytes: [UInt8] = []
    }

    private static func emit(_ document: SpecDocument) -> String {
        let output = Output()
        var emitter = yaml_emitter_t()
        guard yaml_emitter_initialize(&emitter) == 1 else { fatalError("libyaml: cannot initialize an emitter") }
        defer { yaml_emitter_delete(&emitter) }
        yaml_emitter_set_unicode(&emitter, 1)
        yaml_emitter_set_width(&emitter, -1)
        yaml_emitter_set_indent(&emitter, 2)
        yaml_emitter_set_output(
            &emitter,
            { data, buffer, size in
                guard let data, let buffer else { return 0 }
                let output = Unmanaged<Output>.fromOpaque(data).takeUnretainedValue()
                output.bytes.append(contentsOf: UnsafeBufferPointer(start: buffer, count: size))
                return 1
            },
            Unmanaged.passUnretained(output).toOpaque()
        )
        withUnsafeMutablePointer(to: &emitter) { pointer in
            let events = Events(emitter: pointer)
            events.streamStart()
            events.documentStart()
            events.mappingStart(flow: false)
            events.scalar("apiVersion")
            events.scalar(Kind.apiVersion)
            events.scalar("kind")
            events.scalar(document.kind)
            events.scalar("metadata")
            events.mappingStart(flow: false)
            events.scalar("name")
            events.value(.string(document.name), indent: 2)
            events.mappingEnd()
            events.scalar("spec")
            events.value(.map(document.spec), indent: 0, forceBlock: true)
            events.mappingEnd()
            events.documentEnd()
            events.streamEnd()
        }
        withExtendedLifetime(output) {}
        return String(decoding: output.bytes, as: UTF8.self)
    }

    /// Emits events to an emitter that lives as long as it does.
    ///
    /// A refused event is a defect here, not bad input: every value is a Swift string, which
    /// libyaml can always write (it quotes and escapes what plain style cannot hold).
    private struct Events {
        let emitter: UnsafeMutablePointer<yaml_emitter_t>

        private func send(_ make: (UnsafeMutablePointer<yaml_event_t>) -> Int32) {
            var event = yaml_event_t()
            guard make(&event) == 1 else { fatalError("libyaml: cannot make an event") }
            guard yaml_emitter_emit(emitter, &event) == 1 else {
                let problem = emitter.pointee.problem.map { String(cString: $0) } ?? "unknown"
                fatalError("libyaml: cannot emit: \(problem)")
            }
        }

        func streamStart() { send { yaml_stream_start_event_initialize($0, YAML_UTF8_ENCODING) } }
        func streamEnd() { send { yaml_stream_end_event_initialize($0) } }
        func documentStart() { send { yaml_document_start_event_initialize($0, nil, nil, nil, 1) } }
        func documentEnd() { send { yaml_document_end_event_initialize($0, 1) } }

        func mappingStart(flow: Bool) {
            send {
                yaml_mapping_start_event_initialize(
                    $0,
                    nil,
                    nil,
                    1,
                    flow ? YAML_FLOW_MAPPING_STYLE : YAML_BLOCK_MAPPING_STYLE
                )
            }
        }
        func mappingEnd() { send { yaml_mapping_end_event_initialize($0) } }

        func sequenceStart(flow: Bool) {
            send {
                yaml_sequence_start_event_initialize(
                    $0,
                    nil,
                    nil,
                    1,
                    flow ? YAML_FLOW_SEQUENCE_STYLE : YAML_BLOCK_SEQUENCE_STYLE
                )
            }
        }
        func sequenceEnd() { send { yaml_sequence_end_event_initialize($0) } }

        func scalar(_ text: String, quoted: Bool = false) {
            var bytes = Array(text.utf8)
            send { event in
                bytes.withUnsafeMutableBufferPointer { buffer in
                    yaml_scalar_event_initialize(
                        event,
                        nil,
                        nil,
                        buffer.baseAddress,
                        Int32(buffer.count),
                        1,
                        1,
                        quoted ? YAML_DOUBLE_QUOTED_SCALAR_STYLE : YAML_ANY_SCALAR_STYLE
                    )
                }
            }
        }

        func value(_ value: SpecValue, indent: Int, forceBlock: Bool = false) {
            switch value {
            case .string(let s): scalar(s, quoted: SpecWriter.quoting(s) == .double)
            case .int(let i): scalar(String(i))
            case .bool(let b): scalar(b ? "true" : "false")
            case .number(let n): scalar(n)
            case .fromEnv(let name):
                mappingStart(flow: true)
                scalar("fromEnv")
                scalar(name, quoted: SpecWriter.quoting(name) == .double)
                mappingEnd()
            case .list(let items):
                let flow = !forceBlock && SpecWriter.flow(value, indent: indent)
                sequenceStart(flow: flow)
                for item in items { self.value(item, indent: indent + 2) }
                sequenceEnd()
            case .map(let fields):
                let flow = !forceBlock && SpecWriter.flow(value, indent: indent)
                mappingStart(flow: flow)
                for field in fields {
                    scalar(field.key)
                    self.value(field.value, indent: indent + 2)
                }
                mappingEnd()
            }
        }
    }
}
