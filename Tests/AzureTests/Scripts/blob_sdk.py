"""Drives the lab's Blob endpoint with Microsoft's azure-storage-blob (pip install azure-storage-blob).

Usage: blob_sdk.py BLOB_URL ACCOUNT_KEY   (BLOB_URL: http://127.0.0.1:PORT, the lab's Blob listener)
Prints one line per step and "blob sdk OK" at the end; exits non-zero at the first surprise.
"""

import base64
import sys
from datetime import datetime, timedelta, timezone

from azure.core import MatchConditions
from azure.core.exceptions import (
    ClientAuthenticationError,
    HttpResponseError,
    ResourceExistsError,
    ResourceModifiedError,
    ResourceNotFoundError,
)
from azure.storage.blob import BlobSasPermissions, BlobServiceClient, BlobClient, generate_blob_sas

base, key = sys.argv[1], sys.argv[2]
account = "labstate"
connection = (
    f"DefaultEndpointsProtocol=http;AccountName={account};AccountKey={key};BlobEndpoint={base}/{account};"
)
service = BlobServiceClient.from_connection_string(connection)


def step(text):
    print("ok:", text, flush=True)


def refused(call, error_type, code):
    try:
        call()
    except error_type as error:
        assert error.error_code == code, f"expected {code}, got {error.error_code}: {error}"
        return
    raise AssertionError(f"expected {code}, the call succeeded")


container = service.create_container("state")
refused(lambda: service.create_container("state"), ResourceExistsError, "ContainerAlreadyExists")
step("container created, a second create refused")

blob = container.get_blob_client("tokyo.json")
blob.upload_blob(b'{"serial": 1}', overwrite=False)
refused(lambda: blob.upload_blob(b'{"serial": 2}', overwrite=False), ResourceExistsError, "BlobAlreadyExists")
step("upload with overwrite=False, the second refused")

first = blob.get_blob_properties().etag
blob.upload_blob(b'{"serial": 2}', overwrite=True, etag=first, match_condition=MatchConditions.IfNotModified)
refused(
    lambda: blob.upload_blob(
        b'{"serial": 3}', overwrite=True, etag=first, match_condition=MatchConditions.IfNotModified
    ),
    ResourceModifiedError,
    "ConditionNotMet",
)
assert blob.download_blob().readall() == b'{"serial": 2}'
step("conditional upload on the current etag accepted, on a stale one refused")

journal = container.get_blob_client("tokyo.json.journal")
journal.create_append_blob()
journal.append_block(b"line 1\n")
journal.append_block(b"line 2\n", appendpos_condition=7)
refused(lambda: journal.append_block(b"torn\n", appendpos_condition=7), HttpResponseError, "AppendPositionConditionNotMet")
properties = journal.get_blob_properties()
assert properties.blob_type == "AppendBlob", properties.blob_type
assert properties.append_blob_committed_block_count == 2, properties.append_blob_committed_block_count
assert journal.download_blob().readall() == b"line 1\nline 2\n"
step("append blob: two appends, a stale append position refused")

lease = blob.acquire_lease(lease_duration=15)
refused(lambda: blob.upload_blob(b"x", overwrite=True), HttpResponseError, "LeaseIdMissing")
blob.upload_blob(b'{"serial": 3}', overwrite=True, lease=lease)
refused(lambda: blob.acquire_lease(lease_duration=15), ResourceExistsError, "LeaseAlreadyPresent")
lease.renew()
assert blob.get_blob_properties().lease.state == "leased"
assert lease.break_lease(lease_break_period=0) == 0
assert blob.get_blob_properties().lease.state == "broken"
taken = blob.acquire_lease(lease_duration=-1)
assert blob.get_blob_properties().lease.duration == "infinite"
taken.release()
assert blob.get_blob_properties().lease.state == "available"
step("lease acquired, a write without it refused, renewed, broken, taken again and released")

downloaded = blob.download_blob().readall()
assert downloaded == b'{"serial": 3}', downloaded
names = [b.name for b in container.list_blobs()]
assert names == ["tokyo.json", "tokyo.json.journal"], names
assert "state" in [c.name for c in service.list_containers()]
step("download, list blobs and list containers")

sas = generate_blob_sas(
    account_name=account,
    container_name="state",
    blob_name="tokyo.json",
    account_key=key,
    permission=BlobSasPermissions(read=True),
    expiry=datetime.now(timezone.utc) + timedelta(hours=1),
)
reader = BlobClient.from_blob_url(f"{base}/{account}/state/tokyo.json?{sas}")
assert reader.download_blob().readall() == b'{"serial": 3}'
refused(lambda: reader.upload_blob(b"x", overwrite=True), HttpResponseError, "AuthorizationPermissionMismatch")
step("a read-only SAS reads and cannot write")

wrong = base64.b64encode(b"not the lab's key, 32 bytes long").decode()
stranger = BlobServiceClient(f"{base}/{account}", credential={"account_name": account, "account_key": wrong})
refused(lambda: stranger.get_container_client("state").get_container_properties(), ClientAuthenticationError, "AuthenticationFailed")
step("a SharedKey signed with another key refused")

service.delete_container("state")
refused(lambda: container.get_container_properties(), ResourceNotFoundError, "ContainerNotFound")
refused(lambda: blob.download_blob(), ResourceNotFoundError, "ContainerNotFound")
step("container deleted")
print("blob sdk OK")
