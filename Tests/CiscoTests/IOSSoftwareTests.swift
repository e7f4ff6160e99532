import Cisco
import Spec
import Testing

/// Which releases take `algorithm-type scrypt` (type 9 secrets), the fact behind
/// `device-password-hash` and `device-password-weak`.
@Suite("IOS software facts")
struct IOSSoftwareTests {
    @Test(
        arguments: [
            (Platform.ios, "15.4(1)T1", true),
            (.ios, "15.3(3)M", true),
            (.ios, "15.3(3)M10", true),
            (.ios, "15.9(3)M4", true),
            (.ios, "15.3(2)T4", false),
            (.ios, "15.2(4)M11", false),
            (.ios, "15.1(4)M12a", false),
            (.ios, "12.4(24)T8", false),
            (.iosXE, "16.9.4", true),
            (.iosXE, "17.03.04a", true),
            (.iosXE, "3.16.5S", true),
            (.iosXE, "03.09.02.S", false),
        ] as [(Platform, String, Bool)]
    )
    func knownReleases(_ platform: Platform, _ software: String, _ scrypt: Bool) {
        #expect(IOSSoftware.hasScrypt(platform: platform, software: software) == scrypt)
    }

    /// A release that does not say (a switch train with backports, no software on classic IOS,
    /// text that is no release) is neither warned about nor refused.
    @Test func unknownReleasesAreNil() {
        #expect(IOSSoftware.hasScrypt(platform: .ios, software: nil) == nil)
        #expect(IOSSoftware.hasScrypt(platform: .ios, software: "15.2(4)E8") == nil)
        #expect(IOSSoftware.hasScrypt(platform: .ios, software: "latest") == nil)
        #expect(IOSSoftware.hasScrypt(platform: .iosXE, software: nil) == true)
    }
}
