public import Spec

extension ResourceAddress {
    /// An Azure resource's address: `azure:` and its path under the resource group
    /// (`virtualNetworks/hub-vnet`).
    public static func azure(_ path: String) -> ResourceAddress { ResourceAddress(provider: "azure", path: path) }
}
