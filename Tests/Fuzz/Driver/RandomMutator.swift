#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The fallback fuzzer: seeded random mutations of the corpus, no coverage feedback.
///
/// Slower to find anything than libFuzzer, but it builds everywhere. A crash kills the process
/// as under libFuzzer; the input that was running is in `fuzz-current.bin` (rewritten before
/// each run) and the seed and iteration are printed, so a run can be repeated.
enum RandomMutator {
    /// A small, fast, reproducible generator (xorshift64*): the same seed, the same inputs.
    struct Generator {
        var state: UInt64

        mutating func next() -> UInt64 {
            state ^= state >> 12
            state ^= state << 25
            state ^= state >> 27
            return state &* 2_685_821_657_736_338_717
        }

        mutating func below(_ bound: Int) -> Int {
            bound <= 1 ? 0 : Int(next() % UInt64(bound))
        }
    }

    /// Tokens that reach deeper than random bytes: YAML indicators and IOS keywords.
    static let tokens: [String] = [
        ": ", "- ", "---\n", "&a ", "*a", "<<: ", "{", "}", "[", "]", "'", "\"", "|\n", ">-\n", "? ", "!!str ",
        "\t", "\n  ", "#", "\\u0000", "kind: ", "metadata: {name: x}\n", "spec:\n  ", "fromEnv: ", "banner motd ^C",
        "^C", "\u{03}", "crypto pki certificate chain X\n certificate 01\n", "quit\n", "interface Tunnel1\n",
        " ip address 10.0.0.1 255.255.255.0\n", "end\n", "!\n",
    ]

    static func main(_ arguments: [String], check: ([UInt8]) -> Void) -> Int32 {
        var seconds = 60.0
        var seed: UInt64 = 1
        var timeout = 2.0
        var paths: [String] = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            switch argument {
            case "--seconds" where index < arguments.count:
                seconds = Double(arguments[index]) ?? seconds
                index += 1
            case "--timeout" where index < arguments.count:
                timeout = Double(arguments[index]) ?? timeout
                index += 1
            case "--seed" where index < arguments.count:
                seed = UInt64(arguments[index]) ?? seed
                index += 1
            default:
                if !argument.hasPrefix("-") { paths.append(argument) }
            }
        }
        var corpus = paths.flatMap(files).compactMap(read)
        if corpus.isEmpty { corpus = [[]] }
        var random = Generator(state: seed == 0 ? 1 : seed)
        let start = now()
        var runs = 0
        while now() - start < seconds {
            var input = corpus[random.below(corpus.count)]
            for _ in 0...random.below(8) { mutate(&input, corpus: corpus, random: &random) }
            write(input, to: "fuzz-current.bin")
            let began = now()
            check(input)
            if now() - began > timeout {
                print("reconcile-fuzz: one run took over \(timeout) s (seed \(seed), run \(runs)): fuzz-current.bin")
                return 1
            }
            runs += 1
        }
        print("reconcile-fuzz (random mutator, seed \(seed)): \(runs) runs in \(Int(seconds)) s, no finding")
        return 0
    }

    static func mutate(_ input: inout [UInt8], corpus: [[UInt8]], random: inout Generator) {
        let at = random.below(input.count + 1)
        switch random.below(6) {
        case 0 where !input.isEmpty:
            input[min(at, input.count - 1)] = UInt8(truncatingIfNeeded: random.next())
        case 1:
            input.insert(contentsOf: tokens[random.below(tokens.count)].utf8, at: at)
        case 2 where !input.isEmpty:
            let end = min(input.count, at + 1 + random.below(64))
            input.removeSubrange(min(at, input.count - 1)..<end)
        case 3 where at < input.count:
            let end = min(input.count, at + 1 + random.below(256))
            input.insert(contentsOf: input[at..<end], at: random.below(input.count + 1))
        case 4:
            let other = corpus[random.below(corpus.count)]
            let from = random.below(other.count + 1)
            input.insert(contentsOf: other[from..<min(other.count, from + random.below(512))], at: at)
        default:
            input.insert(UInt8(truncatingIfNeeded: random.next()), at: at)
        }
    }

    static func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    /// The regular files under a path (itself when it is one), recursively, in sorted order.
    static func files(_ path: String) -> [String] {
        guard let directory = opendir(path) else { return [path] }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) {
                String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self)
            }
            if !name.hasPrefix(".") { names.append(name) }
        }
        return names.sorted().flatMap { files(path + "/" + $0) }
    }

    static func read(_ path: String) -> [UInt8]? {
        guard let file = fopen(path, "rb") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = fread(&buffer, 1, buffer.count, file)
            if count <= 0 { break }
            bytes += buffer[0..<count]
        }
        return bytes
    }

    static func write(_ bytes: [UInt8], to path: String) {
        guard let file = fopen(path, "wb") else { return }
        _ = bytes.withUnsafeBufferPointer { fwrite($0.baseAddress, 1, $0.count, file) }
        fclose(file)
    }
}
