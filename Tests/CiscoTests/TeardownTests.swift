import Cisco
import Foundation
import IOSSimulator
import Spec
import TestSupport
import Testing

/// Giving a router back: what `default interface` leaves on a port, and that remediation then
/// leaves it alone (docs/ios.md, "Tearing down").
@Suite("IOS teardown")
struct TeardownTests {
    /// `default interface` returns a routed port to its factory lines, as IOS shows it, and a
    /// port at its factory lines is not defaulted again: destroy without a baseline converged
    /// never ("still different: default interface GigabitEthernet8").
    @Test func aDefaultedPortShowsItsFactoryLinesAndIsLeftAlone() throws {
        let device = IOSDevice(config: IOSDevice.dayZero(model: "C891FJ-K9"))
        let session = IOSSession(device: device, privileged: true, enableSecret: "s3cret")
        SimulatorSessionTests.push(
            ["interface GigabitEthernet8", "pppoe enable group global", "no shutdown", "exit"],
            to: session
        )
        SimulatorSessionTests.push(["default interface GigabitEthernet8"], to: session)
        let running = try SimulatorSessionTests.running(session)
        let port = running.lines.first { $0.text == "interface GigabitEthernet8" }
        #expect(port?.children.map(\.text) == ["no ip address", "shutdown"])
        let left = Remediation.commands(
            running: running,
            intended: IOSConfig(),
            scope: { $0 == "interface GigabitEthernet8" }
        )
        #expect(left.lines.isEmpty, "\(left.render())")
    }

    /// IOS prints `service password-encryption` turned off as its `no` form, where it stood.
    @Test func passwordEncryptionTurnedOffPrintsItsNoForm() throws {
        let device = IOSDevice(config: IOSDevice.dayZero(model: "C891FJ-K9"))
        let session = IOSSession(device: device, privileged: true, enableSecret: "s3cret")
        let before = try SimulatorSessionTests.running(session).render()
        SimulatorSessionTests.push(["service password-encryption"], to: session)
        #expect(!(try SimulatorSessionTests.running(session).render().contains("no service password-encryption")))
        SimulatorSessionTests.push(["no service password-encryption"], to: session)
        #expect(try SimulatorSessionTests.running(session).render() == before)
    }
}
