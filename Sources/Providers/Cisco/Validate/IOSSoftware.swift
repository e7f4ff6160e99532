public import Spec

/// What a router's software can do, judged from the spec's `platform` and `software`.
///
/// Only what the tool renders differently by release; nil means the release does not say
/// (an unknown train, or no `software` on classic IOS), and callers then neither warn nor
/// refuse.
public enum IOSSoftware {
    /// Whether the image takes `username U algorithm-type scrypt secret P` (type 9).
    ///
    /// Cisco added type 8 and 9 secrets in IOS 15.3(3)M and IOS-XE 3.10S (the Type 4 password
    /// security response of 2013); 15.4 and later trains carry them. Earlier M and T trains
    /// and 12.x lack them. Other 15.0–15.2 trains (E, SY…) took backports, so they are unknown.
    /// IOS-XE without a release is taken as a current one.
    public static func hasScrypt(platform: Platform, software: String?) -> Bool? {
        guard let software else { return platform == .iosXE ? true : nil }
        if platform == .iosXE, let (major, minor) = xeRelease(software) {
            return major >= 16 || (major == 3 && minor >= 10)
        }
        guard let release = Release(software) else { return platform == .iosXE ? true : nil }
        if release.major != 15 { return release.major > 15 }
        if release.minor > 3 || (release.minor == 3 && release.maintenance >= 3) { return true }
        if release.minor == 3 || release.train.hasPrefix("M") || release.train.hasPrefix("T") { return false }
        return nil
    }

    /// IOS-XE's dotted release, `16.9.4`, `17.03.04a`, `3.16.5S` or `03.16.05.S`: its first two numbers.
    static func xeRelease(_ text: String) -> (Int, Int)? {
        let parts = text.split(separator: ".")
        guard parts.count >= 2, !text.contains("("), let major = Int(parts[0]) else { return nil }
        let digits = parts[1].prefix { $0.isASCII && $0.isNumber }
        guard let minor = Int(digits) else { return nil }
        return (major, minor)
    }

    /// Classic IOS's `15.4(1)T1`: major, minor, the number in brackets and the train after it.
    struct Release {
        var major: Int
        var minor: Int
        var maintenance: Int
        var train: Substring

        init?(_ text: String) {
            guard let open = text.firstIndex(of: "("), let close = text.firstIndex(of: ")"), open < close else {
                return nil
            }
            let numbers = text[..<open].split(separator: ".")
            guard numbers.count == 2, let major = Int(numbers[0]), let minor = Int(numbers[1]),
                let maintenance = Int(text[text.index(after: open)..<close].prefix { $0.isASCII && $0.isNumber })
            else { return nil }
            self.major = major
            self.minor = minor
            self.maintenance = maintenance
            self.train = text[text.index(after: close)...]
        }
    }
}
