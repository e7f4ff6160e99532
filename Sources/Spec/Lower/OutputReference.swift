/// A reference to one output of a resource (`azure:publicIPAddresses/hub-vpngw-pip1` → `ipAddress`).
public struct OutputReference: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var address: ResourceAddress
    public var output: String

    public init(_ address: ResourceAddress, _ output: String) {
        self.address = address
        self.output = output
    }

    public var description: String { "\(address).\(output)" }

    public static func < (lhs: OutputReference, rhs: OutputReference) -> Bool {
        (lhs.address, lhs.output) < (rhs.address, rhs.output)
    }
}
