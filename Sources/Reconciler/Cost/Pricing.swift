public import Foundation
public import Spec

/// A resource as pricing sees it: desired, recorded in state or observed, all alike.
public struct PricedResource: Sendable {
    public var address: ResourceAddress
    public var type: String
    public var attributes: Attributes

    public init(address: ResourceAddress, type: String, attributes: Attributes) {
        self.address = address
        self.type = type
        self.attributes = attributes
    }
}

/// One metered quantity a resource uses in a month: what the price list prices.
public struct MeterUse: Sendable, Hashable {
    /// The price file's key (`vpnGateway:VpnGw1AZ`).
    public var meter: String
    /// The region the price depends on (ARM name, `japaneast`); nil for a global meter.
    public var region: String?
    public var quantity: Decimal
    /// `h` for hours, `GB` for data.
    public var unit: String
    /// What a person reads (`VPN gateway VpnGw1AZ`).
    public var item: String
    /// What the figure assumes or includes (`30 S2S tunnels included`).
    public var note: String?

    public init(meter: String, region: String?, quantity: Decimal, unit: String, item: String, note: String? = nil) {
        self.meter = meter
        self.region = region
        self.quantity = quantity
        self.unit = unit
        self.item = item
        self.note = note
    }
}

/// What a provider knows about money: which of its resources use which meters, and the
/// price file it ships (docs/cost.md).
///
/// Pure: called by `reconcile cost` with the spec's resources, by `plan` with the world before
/// and after the plan, and by `drift` with what exists; never talks to the provider's API.
public protocol ResourcePricing: Sendable {
    /// The address prefix of the resources it prices (`azure`).
    var provider: String { get }
    /// The text of its built-in price file (the format in docs/cost.md).
    var builtInPrices: String { get }
    /// The meters each resource uses in a month. A resource that costs nothing is absent.
    ///
    /// Gets every resource of the world at once: some meters count other resources (the
    /// tunnels on a gateway).
    func meters(_ resources: [PricedResource], settings: PricingSettings) -> [ResourceAddress: [MeterUse]]
}
