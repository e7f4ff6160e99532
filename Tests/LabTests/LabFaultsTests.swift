import AzureModel
import Lab
import Testing

/// `RECONCILE_LAB_FAULTS`, as chaos runs set it.
@Suite("Lab faults")
struct LabFaultsTests {
    @Test func everyNameSetsItsFault() throws {
        let faults = try LabFaults.parse("throttle=9, error=13,drop=17,conflict=11,ssh-drop=4")
        #expect(faults.azure.throttleEvery == 9)
        #expect(faults.azure.serverErrorEvery == 13)
        #expect(faults.azure.dropEvery == 17)
        #expect(faults.azure.conflictEvery == 11)
        #expect(faults.sshDropEvery == 4)
        #expect(try LabFaults.parse(nil).sshDropEvery == nil)
        #expect(try LabFaults.parse("").azure.throttleEvery == nil)
    }

    @Test(arguments: ["throttle", "throttle=0", "throttle=x", "slow=3", "ssh-drop=-1"])
    func aMalformedItemIsNamed(_ item: String) {
        #expect(throws: LabFaults.Failure.unknown(item)) { try LabFaults.parse("error=3,\(item)") }
    }
}
