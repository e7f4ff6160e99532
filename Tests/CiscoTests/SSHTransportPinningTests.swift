import Cisco
import Foundation
import IOSSimulator
import TestSupport
import Testing

/// Host key pinning's messages: nothing pinned is not a mismatch (an empty
/// `knownHostsFile` reported "the router's key is not the pinned one").
@Suite("SSH transport host key pinning", .serialized)
struct SSHTransportPinningTests {
    @Test func anEmptyKnownHostsFileSaysNothingIsPinned() throws {
        let server = try SSHTransportTests.server()
        defer { server.stop() }
        let hosts = try SSHTransportTests.knownHosts(server)
        defer { try? FileManager.default.removeItem(at: hosts.deletingLastPathComponent()) }
        try Data().write(to: hosts)
        do {
            _ = try SSHTransport(SSHTransportTests.options(server, knownHosts: hosts))
            Issue.record("logged in with nothing pinned")
        } catch let failure as SSHTransport.Failure {
            let text = failure.description
            #expect(text.contains("no key for 127.0.0.1 is pinned (\(hosts.path) has none for it)"), "\(text)")
            #expect(text.contains("`ssh-keyscan -p \(server.port) 127.0.0.1`"), "\(text)")
            #expect(!text.contains("not the pinned one"))
        }
    }
}
