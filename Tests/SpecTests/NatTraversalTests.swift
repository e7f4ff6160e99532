import Spec
import TestSupport
import Testing

/// What the behindNat warning says about NAT in front of the router.
@Suite("NAT in front of the device")
struct NatTraversalTests {
    /// The seed saw tunnels through NAT drop; Azure's VPN Gateway FAQ now supports NAT-T when the
    /// on-premises device initiates, and the warning says so instead.
    @Test func theWarningSaysWhatAzureSupportsToday() throws {
        let spec = try #require(
            ValidationRuleTests.apply([("device: tokyo-rtr1\n", "device: tokyo-rtr1\n  behindNat: true\n")])
        )
        let found = Fixture.run(spec).diagnostics.filter { $0.rule.rawValue == "site-behind-nat" }
        let text = found.map { "\($0.summary) \($0.hint ?? "")" }.joined()
        #expect(found.count == 1)
        #expect(text.contains("UDP 4500") && text.contains("starts the tunnel"))
        #expect(!text.contains("drop") && !text.contains("does not support"))
    }
}
