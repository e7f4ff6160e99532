import Azure
import Testing

/// ARM's error messages echo what a request held; printed, they are text, never terminal codes.
@Suite("ARM errors as text")
struct ARMErrorTests {
    @Test func aMessageWithControlCharactersIsShownNotActedOn() {
        let error = ARMError(
            status: 400,
            code: "InvalidResourceName",
            message: "name 'a\u{1B}[2Jb\u{202E}c' is invalid"
        )
        #expect(!error.description.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x202E })
        #expect(error.description.contains("a\\u{1B}[2Jb\\u{202E}c"))
    }
}
