"""Drives the Azure model with Microsoft's own Python SDK (azure-mgmt-network), a client
this project did not write: the same calls it makes against management.azure.com.

usage: python3 sdk_roundtrip.py http://127.0.0.1:PORT
"""
import json
import sys
import urllib.request

from azure.core.credentials import AccessToken
from azure.core.exceptions import HttpResponseError, ResourceNotFoundError
from azure.mgmt.network import NetworkManagementClient
from azure.mgmt.network.models import (
    AddressSpace, PublicIPAddress, PublicIPAddressSku, Subnet, SubResource, VirtualNetwork,
    VirtualNetworkGateway, VirtualNetworkGatewayIPConfiguration, VirtualNetworkGatewaySku,
)

BASE = sys.argv[1]
SUB = "00000000-0000-0000-0000-000000000000"
RG = "rg-sdk"


class LabCredential:
    """Any token will do: the model checks that one is sent."""

    def get_token(self, *scopes, **kwargs):
        return AccessToken("lab-token", 4102444800)


# The SDK refuses bearer tokens over plain HTTP; enforce_https=False on each call is the
# documented way round for a loopback endpoint (carried into LRO polling).
plain = {"enforce_https": False}

# Resource groups live in another SDK (azure-mgmt-resource): one raw ARM call instead.
request = urllib.request.Request(
    f"{BASE}/subscriptions/{SUB}/resourcegroups/{RG}?api-version=2021-04-01",
    data=json.dumps({"location": "japaneast"}).encode(), method="PUT",
    headers={"Authorization": "Bearer lab-token", "Content-Type": "application/json"},
)
assert urllib.request.urlopen(request).status in (200, 201)

client = NetworkManagementClient(LabCredential(), SUB, base_url=BASE, polling_interval=0.05)

vnet = client.virtual_networks.begin_create_or_update(
    RG, "sdk-vnet",
    VirtualNetwork(location="japaneast", address_space=AddressSpace(address_prefixes=["10.50.0.0/16"]),
                   subnets=[Subnet(name="GatewaySubnet", address_prefix="10.50.255.0/27")]),
    **plain).result()
assert vnet.provisioning_state == "Succeeded", vnet.provisioning_state
assert [s.name for s in vnet.subnets] == ["GatewaySubnet"]

pip = client.public_ip_addresses.begin_create_or_update(
    RG, "sdk-pip",
    PublicIPAddress(location="japaneast", sku=PublicIPAddressSku(name="Standard"), public_ip_allocation_method="Static"),
    **plain).result()
assert pip.ip_address, "no public IP assigned"

# A gateway is a long-running operation: the SDK polls Azure-AsyncOperation, then GETs.
gateway = client.virtual_network_gateways.begin_create_or_update(RG, "sdk-gw", VirtualNetworkGateway(
    location="japaneast", gateway_type="Vpn", vpn_type="RouteBased",
    sku=VirtualNetworkGatewaySku(name="VpnGw1AZ", tier="VpnGw1AZ"),
    ip_configurations=[VirtualNetworkGatewayIPConfiguration(
        name="ipconfig1", subnet=SubResource(id=vnet.id + "/subnets/GatewaySubnet"),
        public_ip_address=SubResource(id=pip.id))],
), **plain).result()
assert gateway.provisioning_state == "Succeeded", gateway.provisioning_state
assert gateway.bgp_settings.asn == 65515

# Route reads are POST actions answered 202 + Location; the SDK's poller collects the result.
learned = client.virtual_network_gateways.begin_get_learned_routes(RG, "sdk-gw", **plain).result()
assert "10.50.0.0/16" in [r.network for r in learned.value], learned.value
advertised = client.virtual_network_gateways.begin_get_advertised_routes(
    RG, "sdk-gw", peer="192.0.2.1", **plain).result()
assert [r.network for r in advertised.value] == ["10.50.0.0/16"], advertised.value

names = sorted(v.name for v in client.virtual_networks.list(RG, **plain))
assert names == ["sdk-vnet"], names

try:
    client.virtual_networks.begin_create_or_update(
        RG, "bad-vnet",
        VirtualNetwork(location="japaneast", address_space=AddressSpace(address_prefixes=["10.60.0.0/16"]),
                       subnets=[Subnet(name="s", address_prefix="10.61.0.0/24")]),
        **plain).result()
    raise SystemExit("a subnet outside its VNet was accepted")
except HttpResponseError as error:
    assert error.error.code == "NetcfgSubnetRangeOutsideVnet", error.error.code

try:
    client.virtual_networks.get(RG, "missing", **plain)
    raise SystemExit("a missing VNet was found")
except ResourceNotFoundError:
    pass

print("sdk round trip OK")
