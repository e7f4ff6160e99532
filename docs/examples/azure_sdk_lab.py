"""A worked example: Microsoft's Python SDK against the lab's bare Azure model.

    reconcile lab serve                      # prints the endpoint, e.g. http://127.0.0.1:PORT
    pip install azure-mgmt-network azure-mgmt-resource
    python3 docs/examples/azure_sdk_lab.py http://127.0.0.1:PORT

The same calls work against management.azure.com with a real credential
(azure.identity.DefaultAzureCredential) and no base_url / enforce_https arguments.
"""
import sys

from azure.core.credentials import AccessToken
from azure.mgmt.network import NetworkManagementClient
from azure.mgmt.network.models import AddressSpace, Route, RouteTable, Subnet, VirtualNetwork

try:  # azure-mgmt-resource 24 and later
    from azure.mgmt.resource.resources import ResourceManagementClient
except ImportError:  # earlier releases
    from azure.mgmt.resource import ResourceManagementClient

ENDPOINT = sys.argv[1]
SUBSCRIPTION = "00000000-0000-0000-0000-000000000000"  # the model accepts any


class LabCredential:
    """The model checks that a bearer token is sent, not what it says."""

    def get_token(self, *scopes, **kwargs):
        return AccessToken("lab-token", 4102444800)


# The SDK refuses to send a bearer token over plain HTTP unless told it is fine (loopback).
plain = {"enforce_https": False}
resources = ResourceManagementClient(LabCredential(), SUBSCRIPTION, base_url=ENDPOINT)
network = NetworkManagementClient(LabCredential(), SUBSCRIPTION, base_url=ENDPOINT, polling_interval=0.1)

resources.resource_groups.create_or_update("rg-example", {"location": "japaneast"}, **plain)

vnet = network.virtual_networks.begin_create_or_update(
    "rg-example", "example-vnet",
    VirtualNetwork(location="japaneast", address_space=AddressSpace(address_prefixes=["10.10.0.0/16"]),
                   subnets=[Subnet(name="app", address_prefix="10.10.1.0/24")]),
    **plain).result()
print("vnet", vnet.name, "subnets", [s.name for s in vnet.subnets])

# A subnet is one object with two views: added at its own path, it shows in the VNet.
network.subnets.begin_create_or_update(
    "rg-example", "example-vnet", "db", Subnet(address_prefix="10.10.2.0/24"), **plain).result()
vnet = network.virtual_networks.get("rg-example", "example-vnet", **plain)
print("after adding db", [s.name for s in vnet.subnets])

table = network.route_tables.begin_create_or_update(
    "rg-example", "example-rt",
    RouteTable(location="japaneast",
               routes=[Route(name="default", address_prefix="0.0.0.0/0", next_hop_type="Internet")]),
    **plain).result()
print("route", table.routes[0].id)

print("vnets in the subscription", [v.name for v in network.virtual_networks.list_all(**plain)])

# Deleting the group deletes what it holds (a long-running operation the SDK polls).
resources.resource_groups.begin_delete("rg-example", **plain).result()
print("azure sdk lab example OK")
