"""Every resource type the provider manages, driven through Microsoft's own Python SDKs
(azure-mgmt-network, azure-mgmt-resource) against the Azure model, checking what ARM
promises: child resources in both views, nested objects with id/etag/type/state, long-running
operations ending with the resource as a GET returns it, lists by group and by subscription,
and a resource group's delete taking what it holds.

usage: python3 sdk_compat.py http://127.0.0.1:PORT
Prints one line per distinct ARM operation, then 'operations: N' and 'sdk compatibility OK'.
"""
import sys

from azure.core.credentials import AccessToken
from azure.core.exceptions import HttpResponseError, ResourceNotFoundError
from azure.mgmt.network import NetworkManagementClient
from azure.mgmt.network import models as m

try:  # azure-mgmt-resource 24 and later
    from azure.mgmt.resource.resources import ResourceManagementClient
except ImportError:  # earlier releases
    from azure.mgmt.resource import ResourceManagementClient

BASE = sys.argv[1]
SUB = "00000000-0000-0000-0000-000000000000"
RG = "rg-compat"
LOC = "japaneast"


class LabCredential:
    """Any token will do: the model checks that one is sent."""

    def get_token(self, *scopes, **kwargs):
        return AccessToken("lab-token", 4102444800)


plain = {"enforce_https": False}  # the SDK refuses bearer tokens over plain HTTP otherwise
net = NetworkManagementClient(LabCredential(), SUB, base_url=BASE, polling_interval=0.05)
res = ResourceManagementClient(LabCredential(), SUB, base_url=BASE, polling_interval=0.05)
operations = []


def op(name, call, *args, **kwargs):
    """Runs one SDK call (waiting for a long-running one) and counts its ARM operation."""
    result = call(*args, **kwargs, **plain)
    if hasattr(result, "result") and hasattr(result, "done"):
        result = result.result()
    if name not in operations:
        operations.append(name)
        print(f"op {len(operations):2d} {name}")
    return result


def missing(name, call, *args):
    """A GET that must answer 404."""
    try:
        call(*args, **plain)
    except ResourceNotFoundError:
        if name not in operations:
            operations.append(name)
            print(f"op {len(operations):2d} {name} (404)")
        return
    raise SystemExit(f"{name}: still found")


def arm_shaped(item, kind):
    """A nested object as ARM returns it: id, etag, type and provisioningState."""
    kind_seen = getattr(item, "type", kind)  # the SDK's gateway ip configuration has no type
    assert item.id and item.etag and kind_seen == kind and item.provisioning_state == "Succeeded", (
        kind, item.id, item.etag, kind_seen, item.provisioning_state)


# Resource groups (azure-mgmt-resource).
op("resourceGroups.createOrUpdate", res.resource_groups.create_or_update, RG, {"location": LOC})
assert op("resourceGroups.get", res.resource_groups.get, RG).properties.provisioning_state == "Succeeded"
assert RG in [g.name for g in op("resourceGroups.list", lambda **k: list(res.resource_groups.list(**k)))]

# VNets and subnets: one object, two views.
vnet = op("virtualNetworks.createOrUpdate", net.virtual_networks.begin_create_or_update, RG, "hub-vnet",
          m.VirtualNetwork(location=LOC, address_space=m.AddressSpace(address_prefixes=["10.1.0.0/16"]),
                           subnets=[m.Subnet(name="GatewaySubnet", address_prefix="10.1.255.0/27"),
                                    m.Subnet(name="RouteServerSubnet", address_prefix="10.1.254.0/26")]))
assert sorted(s.name for s in vnet.subnets) == ["GatewaySubnet", "RouteServerSubnet"], vnet.subnets
for subnet in vnet.subnets:
    arm_shaped(subnet, "Microsoft.Network/virtualNetworks/subnets")
inline = op("subnets.get", net.subnets.get, RG, "hub-vnet", "GatewaySubnet")
assert inline.address_prefix == "10.1.255.0/27" and inline.id == vnet.id + "/subnets/GatewaySubnet"
op("subnets.createOrUpdate", net.subnets.begin_create_or_update, RG, "hub-vnet", "workload",
   m.Subnet(address_prefix="10.1.1.0/24"))
vnet = op("virtualNetworks.get", net.virtual_networks.get, RG, "hub-vnet")
assert "workload" in [s.name for s in vnet.subnets], vnet.subnets
assert sorted(s.name for s in op("subnets.list", lambda *a, **k: list(net.subnets.list(*a, **k)), RG, "hub-vnet")) \
    == ["GatewaySubnet", "RouteServerSubnet", "workload"]
op("subnets.delete", net.subnets.begin_delete, RG, "hub-vnet", "workload")
assert "workload" not in [s.name for s in net.virtual_networks.get(RG, "hub-vnet", **plain).subnets]
missing("subnets.get", net.subnets.get, RG, "hub-vnet", "workload")
try:
    net.subnets.begin_create_or_update(RG, "hub-vnet", "outside", m.Subnet(address_prefix="10.9.0.0/24"),
                                       **plain).result()
    raise SystemExit("a subnet outside its VNet was accepted at its child path")
except HttpResponseError as error:
    assert error.error.code == "NetcfgSubnetRangeOutsideVnet", error.error.code
assert [v.name for v in op("virtualNetworks.list", lambda *a, **k: list(net.virtual_networks.list(*a, **k)), RG)] \
    == ["hub-vnet"]
assert "hub-vnet" in [v.name for v in op("virtualNetworks.listAll",
                                         lambda **k: list(net.virtual_networks.list_all(**k)))]

# Public IPs.
pip = op("publicIPAddresses.createOrUpdate", net.public_ip_addresses.begin_create_or_update, RG, "gw-pip",
         m.PublicIPAddress(location=LOC, sku=m.PublicIPAddressSku(name="Standard"),
                           public_ip_allocation_method="Static"))
assert pip.ip_address
assert op("publicIPAddresses.get", net.public_ip_addresses.get, RG, "gw-pip").ip_address == pip.ip_address
rs_pip = net.public_ip_addresses.begin_create_or_update(
    RG, "rs-pip", m.PublicIPAddress(location=LOC, sku=m.PublicIPAddressSku(name="Standard"),
                                    public_ip_allocation_method="Static"), **plain).result()

# Route tables and routes: one object, two views.
table = op("routeTables.createOrUpdate", net.route_tables.begin_create_or_update, RG, "rt",
           m.RouteTable(location=LOC, routes=[m.Route(name="default", address_prefix="0.0.0.0/0",
                                                      next_hop_type="Internet")]))
arm_shaped(table.routes[0], "Microsoft.Network/routeTables/routes")
assert op("routes.get", net.routes.get, RG, "rt", "default").next_hop_type == "Internet"
op("routes.createOrUpdate", net.routes.begin_create_or_update, RG, "rt", "onprem",
   m.Route(address_prefix="192.168.0.0/16", next_hop_type="VirtualNetworkGateway"))
assert sorted(r.name for r in op("routeTables.get", net.route_tables.get, RG, "rt").routes) == ["default", "onprem"]
assert len(op("routes.list", lambda *a, **k: list(net.routes.list(*a, **k)), RG, "rt")) == 2
op("routes.delete", net.routes.begin_delete, RG, "rt", "onprem")
assert [r.name for r in net.route_tables.get(RG, "rt", **plain).routes] == ["default"]
assert "rt" in [t.name for t in op("routeTables.listAll", lambda **k: list(net.route_tables.list_all(**k)))]

# VNet gateway, local network gateway, connection and its shared key.
gateway = op("virtualNetworkGateways.createOrUpdate", net.virtual_network_gateways.begin_create_or_update,
             RG, "vpngw", m.VirtualNetworkGateway(
                 location=LOC, gateway_type="Vpn", vpn_type="RouteBased", enable_bgp=True,
                 sku=m.VirtualNetworkGatewaySku(name="VpnGw1AZ", tier="VpnGw1AZ"),
                 ip_configurations=[m.VirtualNetworkGatewayIPConfiguration(
                     name="ipconfig1", subnet=m.SubResource(id=vnet.id + "/subnets/GatewaySubnet"),
                     public_ip_address=m.SubResource(id=pip.id))]))
# The operation ends with the resource as ARM's final GET returns it.
assert gateway.provisioning_state == "Succeeded", gateway.provisioning_state
arm_shaped(gateway.ip_configurations[0], "Microsoft.Network/virtualNetworkGateways/ipConfigurations")
assert op("virtualNetworkGateways.get", net.virtual_network_gateways.get, RG, "vpngw").bgp_settings.asn == 65515
try:
    net.subnets.begin_delete(RG, "hub-vnet", "GatewaySubnet", **plain).result()
    raise SystemExit("a subnet in use by a gateway was deleted")
except HttpResponseError as error:
    assert error.error.code == "InUseSubnetCannotBeDeleted", error.error.code
site = op("localNetworkGateways.createOrUpdate", net.local_network_gateways.begin_create_or_update, RG, "tokyo",
          m.LocalNetworkGateway(location=LOC, gateway_ip_address="203.0.113.10",
                                local_network_address_space=m.AddressSpace(address_prefixes=["192.168.10.0/24"])))
assert op("localNetworkGateways.get", net.local_network_gateways.get, RG, "tokyo").gateway_ip_address == "203.0.113.10"
connection = op("connections.createOrUpdate", net.virtual_network_gateway_connections.begin_create_or_update,
                RG, "to-tokyo", m.VirtualNetworkGatewayConnection(
                    location=LOC, connection_type="IPsec", virtual_network_gateway1=gateway,
                    local_network_gateway2=site, shared_key="first-key"))
assert connection.shared_key is None, "a GET body carried the shared key"
assert op("connections.getSharedKey", net.virtual_network_gateway_connections.get_shared_key,
          RG, "to-tokyo").value == "first-key"
op("connections.setSharedKey", net.virtual_network_gateway_connections.begin_set_shared_key, RG, "to-tokyo",
   m.ConnectionSharedKey(value="second-key"))
assert net.virtual_network_gateway_connections.get_shared_key(RG, "to-tokyo", **plain).value == "second-key"
assert op("connections.get", net.virtual_network_gateway_connections.get, RG, "to-tokyo").connection_type == "IPsec"
learned = op("virtualNetworkGateways.getLearnedRoutes", net.virtual_network_gateways.begin_get_learned_routes,
             RG, "vpngw")
assert "192.168.10.0/24" in [r.network for r in learned.value], learned.value

# Virtual WAN: WAN, hub, hub VNet connection, VPN site, VPN gateway, VPN connection.
wan = op("virtualWans.createOrUpdate", net.virtual_wans.begin_create_or_update, RG, "wan",
         m.VirtualWAN(location=LOC, type="Standard"))
hub = op("virtualHubs.createOrUpdate", net.virtual_hubs.begin_create_or_update, RG, "hub",
         m.VirtualHub(location=LOC, address_prefix="10.100.0.0/23", virtual_wan=m.SubResource(id=wan.id)))
assert hub.provisioning_state == "Succeeded", hub.provisioning_state
spoke = net.virtual_networks.begin_create_or_update(
    RG, "spoke", m.VirtualNetwork(location=LOC, address_space=m.AddressSpace(address_prefixes=["10.2.0.0/16"])),
    **plain).result()
op("hubVirtualNetworkConnections.createOrUpdate", net.hub_virtual_network_connections.begin_create_or_update,
   RG, "hub", "spoke", m.HubVirtualNetworkConnection(remote_virtual_network=m.SubResource(id=spoke.id),
                                                     enable_internet_security=True))
assert op("hubVirtualNetworkConnections.get", net.hub_virtual_network_connections.get, RG, "hub",
          "spoke").remote_virtual_network.id == spoke.id
assert [c.name for c in op("hubVirtualNetworkConnections.list",
                           lambda *a, **k: list(net.hub_virtual_network_connections.list(*a, **k)), RG, "hub")] \
    == ["spoke"]
vpn_site = op("vpnSites.createOrUpdate", net.vpn_sites.begin_create_or_update, RG, "osaka", m.VpnSite(
    location=LOC, virtual_wan=m.SubResource(id=wan.id), address_space=m.AddressSpace(address_prefixes=["192.168.20.0/24"]),
    vpn_site_links=[m.VpnSiteLink(name="link1", ip_address="198.51.100.20",
                                  link_properties=m.VpnLinkProviderProperties(link_speed_in_mbps=100))]))
arm_shaped(vpn_site.vpn_site_links[0], "Microsoft.Network/vpnSites/vpnSiteLinks")
assert op("vpnSites.get", net.vpn_sites.get, RG, "osaka").address_space.address_prefixes == ["192.168.20.0/24"]
vpn_gateway = op("vpnGateways.createOrUpdate", net.vpn_gateways.begin_create_or_update, RG, "hub-vpngw",
                 m.VpnGateway(location=LOC, virtual_hub=m.SubResource(id=hub.id), vpn_gateway_scale_unit=1))
assert vpn_gateway.provisioning_state == "Succeeded", vpn_gateway.provisioning_state
assert op("vpnGateways.get", net.vpn_gateways.get, RG, "hub-vpngw").virtual_hub.id == hub.id
op("vpnConnections.createOrUpdate", net.vpn_connections.begin_create_or_update, RG, "hub-vpngw", "osaka",
   m.VpnConnection(remote_vpn_site=m.SubResource(id=vpn_site.id), vpn_link_connections=[
       m.VpnSiteLinkConnection(name="link1", vpn_site_link=m.SubResource(id=vpn_site.vpn_site_links[0].id),
                               shared_key="wan-key")]))
assert op("vpnConnections.get", net.vpn_connections.get, RG, "hub-vpngw", "osaka").remote_vpn_site.id == vpn_site.id
# One object, two views: the connection is also an item of the gateway's `connections`.
listed = op("vpnGateways.get", net.vpn_gateways.get, RG, "hub-vpngw").connections
assert [(c.name, c.id) for c in listed] == [("osaka", vpn_gateway.id + "/vpnConnections/osaka")], listed
assert listed[0].remote_vpn_site.id == vpn_site.id and listed[0].provisioning_state == "Succeeded", listed[0]
assert [c.name for c in op("vpnConnections.listByVpnGateway",
                           lambda *a, **k: list(net.vpn_connections.list_by_vpn_gateway(*a, **k)), RG, "hub-vpngw")] \
    == ["osaka"]
effective = op("virtualHubs.getEffectiveRoutes", net.virtual_hubs.begin_get_effective_virtual_hub_routes, RG, "hub",
               m.EffectiveRoutesParameters(resource_id=hub.id + "/hubVirtualNetworkConnections/spoke"))
assert effective is not None

# Route Server: a virtual hub in a VNet with an ip configuration and BGP connections.
server = op("virtualHubs.createOrUpdate(routeServer)", net.virtual_hubs.begin_create_or_update, RG, "rs",
            m.VirtualHub(location=LOC, sku="Standard", allow_branch_to_branch_traffic=True))
op("virtualHubIpConfiguration.createOrUpdate", net.virtual_hub_ip_configuration.begin_create_or_update, RG, "rs",
   "ipconfig1", m.HubIpConfiguration(subnet=m.Subnet(id=vnet.id + "/subnets/RouteServerSubnet"),
                                     public_ip_address=m.PublicIPAddress(id=rs_pip.id)))
assert op("virtualHubIpConfiguration.get", net.virtual_hub_ip_configuration.get, RG, "rs", "ipconfig1").subnet.id \
    == vnet.id + "/subnets/RouteServerSubnet"
op("virtualHubBgpConnection.createOrUpdate", net.virtual_hub_bgp_connection.begin_create_or_update, RG, "rs", "nva1",
   m.BgpConnection(peer_ip="10.1.1.4", peer_asn=65010))
assert op("virtualHubBgpConnection.get", net.virtual_hub_bgp_connection.get, RG, "rs", "nva1").peer_asn == 65010
assert [c.name for c in op("virtualHubBgpConnections.list",
                           lambda *a, **k: list(net.virtual_hub_bgp_connections.list(*a, **k)), RG, "rs")] == ["nva1"]
server = op("virtualHubs.get", net.virtual_hubs.get, RG, "rs")
assert [c.id for c in server.bgp_connections] == [server.id + "/bgpConnections/nva1"], server.bgp_connections
assert server.virtual_router_asn == 65515 and server.virtual_router_ips == ["10.1.254.4", "10.1.254.5"]
op("virtualHubBgpConnection.delete", net.virtual_hub_bgp_connection.begin_delete, RG, "rs", "nva1")
assert not net.virtual_hubs.get(RG, "rs", **plain).bgp_connections
missing("virtualHubBgpConnection.get", net.virtual_hub_bgp_connection.get, RG, "rs", "nva1")

# Deletes, then the group and everything in it.
op("vpnConnections.delete", net.vpn_connections.begin_delete, RG, "hub-vpngw", "osaka")
assert not net.vpn_gateways.get(RG, "hub-vpngw", **plain).connections
op("connections.delete", net.virtual_network_gateway_connections.begin_delete, RG, "to-tokyo")
op("localNetworkGateways.delete", net.local_network_gateways.begin_delete, RG, "tokyo")
missing("localNetworkGateways.get", net.local_network_gateways.get, RG, "tokyo")
op("resourceGroups.delete", res.resource_groups.begin_delete, RG)
missing("resourceGroups.get", res.resource_groups.get, RG)
missing("virtualNetworks.get", net.virtual_networks.get, RG, "hub-vnet")
missing("virtualNetworkGateways.get", net.virtual_network_gateways.get, RG, "vpngw")
assert "hub-vnet" not in [v.name for v in net.virtual_networks.list_all(**plain)]

print(f"operations: {len(operations)}")
print("sdk compatibility OK")
