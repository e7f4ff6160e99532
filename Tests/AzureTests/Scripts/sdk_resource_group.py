"""Creates, reads and deletes a resource group in the Azure model with Microsoft's own
resource SDK (azure-mgmt-resource), at the api-version that SDK sends by default: the
newest one Azure publishes, which the model must accept as ARM does.

usage: python3 sdk_resource_group.py http://127.0.0.1:PORT
"""
import sys

from azure.core.credentials import AccessToken

try:  # azure-mgmt-resource 24 and later
    from azure.mgmt.resource.resources import ResourceManagementClient
except ImportError:  # earlier releases
    from azure.mgmt.resource import ResourceManagementClient

BASE = sys.argv[1]
SUB = "00000000-0000-0000-0000-000000000000"


class LabCredential:
    """Any token will do: the model checks that one is sent."""

    def get_token(self, *scopes, **kwargs):
        return AccessToken("lab-token", 4102444800)


# The SDK refuses bearer tokens over plain HTTP; enforce_https=False is the documented way
# round for a loopback endpoint.
plain = {"enforce_https": False}
client = ResourceManagementClient(LabCredential(), SUB, base_url=BASE, polling_interval=0.05)
version = client._config.api_version
group = client.resource_groups.create_or_update("rg-sdk-resource", {"location": "japaneast"}, **plain)
assert group.name == "rg-sdk-resource", group.name
assert group.location == "japaneast", group.location
assert client.resource_groups.get("rg-sdk-resource", **plain).properties.provisioning_state == "Succeeded"
client.resource_groups.begin_delete("rg-sdk-resource", **plain).result()
print(f"sdk resource group OK at api-version {version}")
