import ArgumentParser
import Foundation
import Spec

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Where the spec is and how to read it.
struct SpecOptions: ParsableArguments {
    @Argument(help: "A spec directory (every *.yaml/*.yml below it) or a single file.")
    var path: String = "."

    @Flag(help: "Accept literal values in secret fields (for throwaway labs only).")
    var allowPlaintextSecrets = false

    var loadOptions: LoadOptions { LoadOptions(allowPlaintextSecrets: allowPlaintextSecrets) }
}

/// Colour when standard error or output is a terminal, unless NO_COLOR or --no-color.
struct ColorOptions: ParsableArguments {
    @Flag(help: "Never colour the output (NO_COLOR is honoured too).")
    var noColor = false

    func enabled(for stream: Int32) -> Bool {
        !noColor && getenv("NO_COLOR") == nil && isatty(stream) == 1
    }
}

enum Output {
    static func out(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    static func err(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }

    /// Prints diagnostics to standard error for people.
    static func report(_ spec: ValidatedSpec, color: ColorOptions) {
        let renderer = DiagnosticRenderer(sources: spec.loaded.sources, color: color.enabled(for: STDERR_FILENO))
        err(renderer.text(spec.diagnostics))
    }
}
