public import Spec

/// The physical ports a router model has, so a spec naming one it lacks fails at `validate`,
/// not halfway through an apply.
///
/// One table for the validator and the simulator's day-0 configs. Models it does not know are
/// not judged.
public enum IOSHardware {
    /// How a model names its physical ports.
    public enum Ports: Equatable, Sendable {
        /// Exactly these names (the 891FJ: eight switch ports and a WAN port).
        case exactly([String])
        /// IOS-XE's slot/subslot/port, `GigabitEthernet0/0/0`.
        case slotSubslotPort
    }

    /// The ports of `model` on `platform`, or nil when the table does not know the model.
    public static func ports(model: String?, platform: Platform) -> Ports? {
        if let model, model.hasPrefix("C891") || model.hasPrefix("C892") {
            // GigabitEthernet0–7 are the LAN switch's ports, GigabitEthernet8 the WAN port.
            return .exactly((0...8).map { "GigabitEthernet\($0)" })
        }
        return platform == .iosXE ? .slotSubslotPort : nil
    }

    /// Whether an interface type names a physical port (a Vlan, Dialer or Tunnel does not).
    public static func isPhysical(_ name: String) -> Bool {
        let type = name.prefix { !$0.isNumber }
        return ["GigabitEthernet", "FastEthernet", "TenGigabitEthernet", "Ethernet"].contains(String(type))
            && !name.contains(".")
    }

    /// Whether `name`, a physical port's name, is one the model has.
    public static func has(_ name: String, ports: Ports) -> Bool {
        switch ports {
        case .exactly(let names): return names.contains(name)
        case .slotSubslotPort:
            let numbers = name.drop { !$0.isNumber }.split(separator: "/", omittingEmptySubsequences: false)
            return numbers.count == 3 && numbers.allSatisfy { !$0.isEmpty && $0.allSatisfy(\.isNumber) }
        }
    }
}
