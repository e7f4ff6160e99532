import Cisco
import Foundation
import TestSupport
import Testing

/// The running-config parser against the real configs in `Tests/CiscoTests/Corpus` (with their
/// sources and licences) and the cases IOS prints.
@Suite("IOS running-config parser")
struct IOSParserTests {
    static let corpus: [String] = {
        let directory = Fixture.path("Tests/CiscoTests/Corpus")
        return ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
            .filter { $0.hasSuffix(".cfg") }.sorted()
    }()

    static func read(_ name: String) -> String {
        let data = FileManager.default.contents(atPath: Fixture.path("Tests/CiscoTests/Corpus/\(name)")) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    /// The tree without source line numbers, to compare two parses of different text.
    static func shape(_ lines: [IOSLine]) -> [IOSLine] {
        lines.map { IOSLine($0.text, children: shape($0.children)) }
    }

    /// The documented normalisation, written independently of the parser: each meaningful
    /// line trimmed and collapsed, ETX shown as `^C`, separators, comments and the header dropped.
    static func meaningfulLines(_ text: String) -> [String] {
        text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).compactMap { raw in
            let line = raw.replacingOccurrences(of: "\u{03}", with: "^C")
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard let first = words.first, !first.hasPrefix("!") else { return nil }
            let collapsed = words.joined(separator: " ")
            let topLevel = !(raw.first == " " || raw.first == "\t")
            if topLevel
                && (collapsed == "end" || collapsed.hasPrefix("Building configuration")
                    || collapsed.hasPrefix("Current configuration :"))
            {
                return nil
            }
            return collapsed
        }.sorted()
    }

    @Test func theCorpusIsThere() {
        #expect(Self.corpus.count == 41)
    }

    @Test(arguments: corpus)
    func everyCorpusFileParsesAndPrintsBackTheSameLines(_ name: String) throws {
        let text = Self.read(name)
        let config = try IOSParser.parse(text)
        #expect(!config.lines.isEmpty)
        let printed = config.render()
        // No line lost, none invented, whatever the indentation, padding or line endings.
        #expect(Self.meaningfulLines(printed) == Self.meaningfulLines(text))
        // Printing is a fixed point: the printed config reads back to the same tree.
        let again = try IOSParser.parse(printed)
        #expect(Self.shape(again.lines) == Self.shape(config.lines))
        #expect(again.render() == printed)
    }

    @Test func indentationBuildsTheTreeWhateverTheWidth() throws {
        let text = """
            Building configuration...

            Current configuration : 200 bytes
            !
            crypto ikev2 keyring azure-keyring
             peer azure-gw
              address 198.51.100.20
              pre-shared-key secret
             !
            !
            router bgp 65010
              bgp log-neighbor-changes
              address-family ipv4
                neighbor 10.10.255.254 activate
                exit-address-family
            crypto ikev2 proposal azure-proposal\u{20}\u{20}
             encryption   aes-cbc-256
            end
            """
        let config = try IOSParser.parse(text)
        #expect(
            config.lines.map(\.text) == [
                "crypto ikev2 keyring azure-keyring", "router bgp 65010", "crypto ikev2 proposal azure-proposal",
            ]
        )
        let peer = try #require(config.lines.first?.children.first)
        #expect(peer.text == "peer azure-gw" && peer.line == 6)
        #expect(peer.children.map(\.text) == ["address 198.51.100.20", "pre-shared-key secret"])
        let bgp = config.lines[1]
        #expect(bgp.children.map(\.text) == ["bgp log-neighbor-changes", "address-family ipv4"])
        #expect(bgp.children[1].children.map(\.text) == ["neighbor 10.10.255.254 activate", "exit-address-family"])
        #expect(config.lines[2].children.map(\.text) == ["encryption aes-cbc-256"])
        #expect(
            config.render() == """
                crypto ikev2 keyring azure-keyring
                 peer azure-gw
                  address 198.51.100.20
                  pre-shared-key secret
                router bgp 65010
                 bgp log-neighbor-changes
                 address-family ipv4
                  neighbor 10.10.255.254 activate
                  exit-address-family
                crypto ikev2 proposal azure-proposal
                 encryption aes-cbc-256

                """
        )
    }

    @Test func bannersKeepTheirTextAndAnyDelimiter() throws {
        let text =
            "hostname r1\r\nbanner motd \u{03}\r\n  Authorised   use only\r\n!not a comment here\r\n\u{03}\r\n"
            + "banner login #one line#\nbanner exec ^C\n^C\nline vty 0 4\n vacant-message ^Cgone\n  fishing^C\n login\n"
        let config = try IOSParser.parse(text)
        #expect(
            config.lines.map(\.text) == [
                "hostname r1", "banner motd ^C\n  Authorised   use only\n!not a comment here\n^C",
                "banner login #one line#", "banner exec ^C\n^C", "line vty 0 4",
            ]
        )
        #expect(config.lines[4].children.map(\.text) == ["vacant-message ^Cgone\n  fishing^C", "login"])
    }

    /// What the parser prints reads back the same (found by `.ci/fuzz`): an
    /// ETX-delimited banner holding the characters `^C` keeps ETX (printed as `^C`, it closed
    /// early), and a tab before the delimiter is not the delimiter (trimmed off, it left the
    /// banner open).
    @Test func bannersWithAwkwardDelimitersReadBackTheSame() throws {
        let text = "banner motd \u{03}\nPress ^C to stop\n\u{03}\nhostname r1\n"
        let config = try IOSParser.parse(text)
        #expect(config.lines.map(\.text) == ["banner motd \u{03}\nPress ^C to stop\n\u{03}", "hostname r1"])
        #expect(try IOSParser.parse(config.render()) == config)
        // A tab before the delimiter is blank, not the delimiter.
        let tabbed = try IOSParser.parse("banner exec \t#hi  \t#\t \n")
        #expect(tabbed.lines.map(\.text) == ["banner exec #hi  \t#"])
        #expect(try IOSParser.parse(tabbed.render()) == tabbed)
        // CRs before a line break go, however many: each print and read lost one.
        let crs = try IOSParser.parse("\r\r\r\nhostname r1\r\r\nbanner motd #\nhi\r\r\n#\n")
        #expect(crs.lines.map(\.text) == ["hostname r1", "banner motd #\nhi\n#"])
    }

    /// A CR is blank like a space or a tab, wherever it is (found by `.ci/fuzz`): a line ending
    /// in CR then a tab kept the CR, which the line break dropped when the printed config was
    /// read back.
    @Test func aCRIsBlankLikeASpaceOrATab() throws {
        let config = try IOSParser.parse("hostname r1\r\t\ninterface\rTunnel1 \r\n \r ip mtu 1400\r\t\r\n\r\t\n")
        #expect(config.lines.map(\.text) == ["hostname r1", "interface Tunnel1"])
        #expect(config.lines[1].children.map(\.text) == ["ip mtu 1400"])
        #expect(config.render() == "hostname r1\ninterface Tunnel1\n ip mtu 1400\n")
        #expect(IOSParser.collapse("\r show\r\tversion \r") == "show version")
        // Nor is a CR a banner's delimiter: closing a line, it was dropped like a line break.
        let banner = try IOSParser.parse("banner motd \r#hi\r\t\nthere#\n")
        #expect(banner.lines.map(\.text) == ["banner motd #hi\nthere#"])
        #expect(try IOSParser.parse(banner.render()) == banner)
    }

    /// Keywords are read as the printed config will be: with the words of a line collapsed,
    /// and `end` or the header dropped at the top of the tree, however indented (an indented
    /// `end` with nothing above it printed as `end` and vanished; found by `.ci/fuzz`).
    @Test func keywordsAreMatchedOnTheCollapsedLine() throws {
        let config = try IOSParser.parse(
            " end\nbanner\tmotd #\nhi\n#\nbanner  login #one#\nhostname r1\n end\n"
                + "crypto pki certificate chain T\n certificate\t01\n  AB\n  quit\n"
        )
        #expect(
            config.lines.map(\.text) == [
                "banner motd #\nhi\n#", "banner login #one#", "hostname r1", "crypto pki certificate chain T",
            ]
        )
        // An indented `end` under a line is that line's child, as before.
        #expect(config.lines[2].children.map(\.text) == ["end"])
        #expect(config.lines[3].children.first?.children.map(\.text) == ["AB", "quit"])
        #expect(Self.shape(try IOSParser.parse(config.render()).lines) == Self.shape(config.lines))
    }

    @Test func aCertificateIsKeptWholeUpToItsQuit() throws {
        let text = """
            crypto pki certificate chain TP-self-signed-1
             certificate self-signed 01
              3082022B 30820194
              A0030201 02020101
              \tquit
            license udi pid C891FJ-K9 sn FGL0000
            """
        let config = try IOSParser.parse(text)
        let certificate = try #require(config.lines.first?.children.first)
        #expect(certificate.children.map(\.text) == ["3082022B 30820194", "A0030201 02020101", "quit"])
        #expect(config.lines.last?.text == "license udi pid C891FJ-K9 sn FGL0000")
    }

    @Test func aFileCutShortInsideABannerOrCertificateIsAnErrorAtItsLine() {
        #expect(throws: IOSParseError(line: 2, column: 1, message: "banner motd is not closed: no ^C before the end")) {
            try IOSParser.parse("hostname r1\nbanner motd ^C\nhello\n")
        }
        #expect(throws: IOSParseError(line: 2, column: 2, message: "certificate has no closing 'quit' before the end"))
        {
            try IOSParser.parse("crypto pki certificate chain T\n certificate 01\n  AB12\n")
        }
    }

    @Test func theCommandPrintsTheTreeOrSaysWhereTheFileIsBroken() throws {
        let directory = try Fixture.temporaryDirectory("ios-parse")
        defer { try? FileManager.default.removeItem(at: directory) }
        let good = directory.appendingPathComponent("r1.cfg")
        try Data("hostname r1\n!\ninterface Tunnel1\n ip mtu 1400\nend\n".utf8).write(to: good)
        let json = try Fixture.run("reconcile", ["ios", "parse", good.path, "--format", "json"])
        #expect(json.status == 0, "\(json.stderr)")
        let decoded = try JSONDecoder().decode(IOSConfig.self, from: Data(json.stdout.utf8))
        #expect(decoded.lines.map(\.text) == ["hostname r1", "interface Tunnel1"])
        #expect(decoded.lines[1].children == [IOSLine("ip mtu 1400", line: 4)])
        let text = try Fixture.run("reconcile", ["ios", "parse", good.path])
        #expect(text.stdout == "hostname r1\ninterface Tunnel1\n ip mtu 1400\n")
        let bad = directory.appendingPathComponent("cut.cfg")
        try Data("hostname r1\nbanner login #\nno end".utf8).write(to: bad)
        let broken = try Fixture.run("reconcile", ["ios", "parse", bad.path])
        #expect(broken.status == 1)
        #expect(broken.stderr == "\(bad.path):2:1: error: banner login is not closed: no # before the end\n")
        #expect(broken.stdout.isEmpty)
    }
}
