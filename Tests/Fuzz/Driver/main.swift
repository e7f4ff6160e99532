// reconcile-fuzz TARGET [options] [corpus directories or files]
//
// TARGET is yaml, spec or ios (`FuzzTarget`). Built by `.ci/fuzz` with libFuzzer's coverage
// instrumentation and `-DLIBFUZZER`, the options are libFuzzer's. A plain `swift build` gives
// the fallback: a seeded random mutator over the same corpus, for machines where libFuzzer
// does not build (`--seconds N`, `--seed N`, `--timeout N`).
import FuzzTargets

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writes to standard error (the C `stderr` variable is shared mutable state to Swift 6).
func printError(_ text: String) {
    var text = text
    text.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
}

var arguments = CommandLine.arguments
guard arguments.count >= 2, let target = FuzzTarget(rawValue: arguments[1]) else {
    let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: "|")
    printError("usage: reconcile-fuzz \(names) [options] [corpus...]\n")
    exit(64)
}
arguments.remove(at: 1)

/// The target libFuzzer's callback runs (a C callback captures nothing).
nonisolated(unsafe) var selected = target

/// Runs the target; a broken property is a crash, so the fuzzer keeps the input.
func check(_ bytes: [UInt8]) {
    let problems = selected.run(bytes)
    if !problems.isEmpty {
        printError(problems.joined(separator: "\n") + "\n")
        abort()
    }
}

#if LIBFUZZER
    @_silgen_name("LLVMFuzzerRunDriver")
    func runDriver(
        _ argc: UnsafeMutablePointer<CInt>,
        _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
        _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
    ) -> CInt

    var cArguments: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
    var argc = CInt(arguments.count)
    let status = cArguments.withUnsafeMutableBufferPointer { buffer in
        var argv = buffer.baseAddress
        return runDriver(&argc, &argv) { data, size in
            check(size == 0 ? [] : Array(UnsafeBufferPointer(start: data, count: size)))
            return 0
        }
    }
    exit(status)
#else
    exit(RandomMutator.main(Array(arguments.dropFirst()), check: check))
#endif
