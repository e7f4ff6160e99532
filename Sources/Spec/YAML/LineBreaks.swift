/// YAML's line breaks as libyaml counts them: LF, CR LF, a lone CR, and NEL, LS and PS.
///
/// Marks come from libyaml, so every line number computed on our side (snippets, size limits,
/// encoding errors) must split lines the same way: a file with lone CRs used to get marks
/// on line 103 of a file whose snippets knew 6 lines (found by the fuzzer).
enum LineBreaks {
    /// The length in bytes of the line break at `index`, or 0 when there is none.
    static func length(at index: Int, in bytes: [UInt8]) -> Int {
        switch bytes[index] {
        case 0x0A: return 1
        case 0x0D: return index + 1 < bytes.count && bytes[index + 1] == 0x0A ? 2 : 1
        case 0xC2: return index + 1 < bytes.count && bytes[index + 1] == 0x85 ? 2 : 0
        case 0xE2:
            guard index + 2 < bytes.count, bytes[index + 1] == 0x80 else { return 0 }
            return bytes[index + 2] == 0xA8 || bytes[index + 2] == 0xA9 ? 3 : 0
        default: return 0
        }
    }

    /// The byte range of each line's text, without its break.
    ///
    /// A break at the very end starts no further line; an empty input has no line.
    static func lines(_ bytes: [UInt8]) -> [Range<Int>] {
        var result: [Range<Int>] = []
        var start = 0
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            // Only these bytes can start a break; everything else moves on at once.
            guard byte == 0x0A || byte == 0x0D || byte == 0xC2 || byte == 0xE2 else {
                index += 1
                continue
            }
            let length = length(at: index, in: bytes)
            if length == 0 {
                index += 1
                continue
            }
            result.append(start..<index)
            index += length
            start = index
        }
        if start < bytes.count { result.append(start..<bytes.count) }
        return result
    }
}
