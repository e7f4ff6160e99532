"""Tests of the strongSwan plugin and the host's two bad plugins, over real pipes.

Each test starts the executable as the host does (a minimal environment, the spec's directory as
working directory) and speaks protocol version 1 to it, line by line.

    python3 -m unittest discover -s examples/plugins/strongswan -p 'test_*.py'
"""

import copy
import hashlib
import hmac
import importlib.machinery
import importlib.util
import json
import os
import shutil
import stat
import subprocess
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
PLUGIN = os.path.join(HERE, "reconcile-provider-strongswan")
TEST_PLUGINS = os.path.join(HERE, "..", "..", "..", "Tests", "Plugins")
CRASHY = os.path.join(TEST_PLUGINS, "reconcile-provider-crashy")
GARBAGE = os.path.join(TEST_PLUGINS, "reconcile-provider-garbage")

PSK = 'correct "horse" battery'
PEER = {"$ref": {"address": "azure:publicIPAddresses/hub-gw-pip1", "output": "ipAddress"}}
CRYPTO = {
    "ikeEncryption": "AES256", "ikeIntegrity": "SHA256", "dhGroup": "DHGroup14",
    "ipsecEncryption": "GCMAES256", "ipsecIntegrity": "GCMAES256", "pfsGroup": "None",
    "saLifetimeSeconds": 27000, "saDataSizeKilobytes": 102400000,
}
SITES = {
    "osaka": {
        "name": "osaka",
        "addressSpace": ["192.168.20.0/24"],
        "publicIp": "203.0.113.20",
        "bgp": None,
        "tunnels": [{
            "name": "osaka-vpn", "connection": "osaka-vpn", "instance": 0, "ikeVersion": "IKEv2",
            "crypto": CRYPTO, "sharedKey": {"$secret": "env:OSAKA_PSK"}, "peer": PEER,
            "staticPrefixes": ["10.10.0.0/16"], "bgp": None,
        }],
    }
}
DOCUMENT = {"kind": "StrongSwanRouter", "name": "osaka-gw", "labels": {},
            "spec": {"site": "osaka", "configDir": "out/osaka"}}
SWANCTL = "strongswan:osaka-gw/swanctl"
CONN = "strongswan:osaka-gw/conn/osaka-vpn"


def load_plugin_module():
    """The plugin's code as a module, for its pure functions (the file has no .py suffix)."""
    loader = importlib.machinery.SourceFileLoader("reconcile_provider_strongswan", PLUGIN)
    spec = importlib.util.spec_from_loader(loader.name, loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


class Plugin:
    """One plugin process, as the host runs it."""

    def __init__(self, executable, root, name="strongswan", path=None):
        self.stderr = tempfile.TemporaryFile()
        env = {"PATH": path or os.environ.get("PATH", "/usr/bin:/bin"), "HOME": root, "LANG": "C.UTF-8",
               "TMPDIR": tempfile.gettempdir(), "RECONCILE_PLUGIN_PROTOCOL": "1"}
        self.process = subprocess.Popen([executable], cwd=root, env=env, stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=self.stderr)
        self.next_id = 0
        self.root, self.name = root, name

    def send(self, method, params=None):
        """Sends a request and returns the raw line that answers it."""
        self.next_id += 1
        request = {"jsonrpc": "2.0", "id": self.next_id, "method": method}
        if params is not None:
            request["params"] = params
        self.process.stdin.write((json.dumps(request) + "\n").encode())
        self.process.stdin.flush()
        return self.process.stdout.readline()

    def call(self, method, params=None):
        """The response object, checked to answer this request."""
        response = json.loads(self.send(method, params))
        assert response["jsonrpc"] == "2.0" and response["id"] == self.next_id, response
        return response

    def result(self, method, params=None):
        response = self.call(method, params)
        assert "error" not in response, response
        return response["result"]

    def initialize(self):
        return self.result("initialize", {"protocol": 1, "name": self.name, "root": self.root})

    def close(self):
        """Closes stdin as the host does; returns (exit status, stderr text)."""
        self.process.stdin.close()
        status = self.process.wait(timeout=10)
        self.process.stdout.close()
        self.stderr.seek(0)
        text = self.stderr.read().decode()
        self.stderr.close()
        return status, text


def resolved(attributes, remote="20.1.2.3", psk=PSK):
    """Attributes as apply gets them: references resolved, the secret's value wrapped."""
    attributes = copy.deepcopy(attributes)
    if "remoteAddress" in attributes:
        attributes["remoteAddress"] = remote
    if "psk" in attributes:
        attributes["psk"] = {"$sensitive": psk}
    return attributes


class StrongSwanPluginTests(unittest.TestCase):
    def setUp(self):
        self.root = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, self.root)
        self.plugin = Plugin(PLUGIN, self.root)
        self.addCleanup(self.close)
        self.plugin.initialize()

    def close(self):
        if self.plugin.process.stdin.closed:
            return
        status, stderr = self.plugin.close()
        self.assertEqual(status, 0)
        self.assertNotIn("horse", stderr, "a secret reached the plugin's log")

    def lower(self, documents=(DOCUMENT,), sites=SITES):
        return self.plugin.result("lower", {"documents": list(documents), "sites": sites})

    def apply_all(self, psk=PSK):
        resources = self.lower()["resources"]
        changes = [{"address": r["address"], "type": r["type"], "action": "create",
                    "attributes": resolved(r["attributes"], psk=psk), "prior": None} for r in resources]
        return resources, self.plugin.result("apply", {"changes": changes})

    def read(self, resources):
        return self.plugin.result("read", {"resources": [
            {"address": r["address"], "type": r["type"], "known": r["attributes"]} for r in resources]})

    def conn_file(self):
        return os.path.join(self.root, "out", "osaka", "conf.d", "osaka-vpn.conf")

    # -- initialize and lower -------------------------------------------------------------------

    def test_initialize_declares_the_kind_and_types(self):
        result = self.plugin.initialize()
        self.assertEqual((result["protocol"], result["name"]), (1, "strongswan"))
        self.assertEqual([k["kind"] for k in result["kinds"]], ["StrongSwanRouter"])
        self.assertEqual(result["kinds"][0]["schema"]["required"], ["site", "configDir"])
        types = {t["type"]: {a["name"]: a for a in t["attributes"]} for t in result["resourceTypes"]}
        self.assertTrue(types["strongswan.connection"]["psk"]["sensitive"])
        self.assertTrue(types["strongswan.connection"]["configDir"]["forcesReplacement"])
        self.assertEqual(set(result["capabilities"]), {"preview", "unmanaged", "import", "facts"})

    def test_initialize_refuses_another_protocol_version(self):
        error = self.plugin.call("initialize", {"protocol": 2, "name": "strongswan", "root": self.root})["error"]
        self.assertEqual(error["code"], -32602)
        self.assertIn("2", error["message"])
        self.assertIn("1", error["message"])

    def test_lower_maps_a_site_tunnel_to_a_connection(self):
        result = self.lower()
        self.assertEqual(result["diagnostics"], [])
        swanctl, conn = result["resources"]
        self.assertEqual(swanctl["address"], SWANCTL)
        self.assertEqual(conn["address"], CONN)
        self.assertEqual(conn["dependencies"], [SWANCTL])
        self.assertEqual(conn["attributes"], {
            "configDir": "out/osaka", "site": "osaka", "localAddress": "203.0.113.20", "remoteAddress": PEER,
            "ikeVersion": 2, "ikeProposal": "aes256-sha256-modp2048", "espProposal": "aes256gcm16",
            "localTs": ["192.168.20.0/24"], "remoteTs": ["10.10.0.0/16"], "psk": {"$secret": "env:OSAKA_PSK"},
            "rekeyTime": 24300, "lifetime": 27000, "localId": None,
        })

    def test_lower_is_deterministic(self):
        params = {"documents": [DOCUMENT], "sites": SITES}
        first, second = self.plugin.send("lower", params), self.plugin.send("lower", params)
        # Keys are sorted, so the id comes first: the rest must be the same bytes.
        self.assertTrue(first.startswith(b'{"id":2,'))
        self.assertEqual(first.split(b",", 1)[1], second.split(b",", 1)[1])

    def test_lower_maps_crypto_names(self):
        cases = [
            ({"pfsGroup": "PFS2048"}, "aes256-sha256-modp2048", "aes256gcm16-modp2048"),
            ({"pfsGroup": "PFS24", "dhGroup": "DHGroup24"}, "aes256-sha256-modp2048s256", "aes256gcm16-modp2048s256"),
            ({"ikeEncryption": "AES128", "ikeIntegrity": "SHA1", "dhGroup": "DHGroup2", "ipsecEncryption": "AES256",
              "ipsecIntegrity": "SHA256", "pfsGroup": "ECP384"}, "aes128-sha1-modp1024", "aes256-sha256-ecp384"),
            ({"ikeEncryption": "GCMAES256", "ikeIntegrity": "SHA384", "dhGroup": "ECP384", "pfsGroup": "ECP256"},
             "aes256gcm16-prfsha384-ecp384", "aes256gcm16-ecp256"),
            ({"dhGroup": "ECP256", "pfsGroup": "PFSMM"}, "aes256-sha256-ecp256", "aes256gcm16-ecp256"),
        ]
        for change, ike, esp in cases:
            sites = copy.deepcopy(SITES)
            sites["osaka"]["tunnels"][0]["crypto"].update(change)
            attributes = self.lower(sites=sites)["resources"][1]["attributes"]
            self.assertEqual((attributes["ikeProposal"], attributes["espProposal"]), (ike, esp), change)

    def test_lower_without_a_policy_uses_azures_default_proposals(self):
        sites = copy.deepcopy(SITES)
        sites["osaka"]["tunnels"][0]["crypto"] = None
        attributes = self.lower(sites=sites)["resources"][1]["attributes"]
        self.assertEqual(attributes["ikeProposal"], "aes256-sha1-modp1024,aes128-sha1-modp1024,3des-sha1-modp1024")
        self.assertEqual((attributes["espProposal"], attributes["lifetime"]), ("aes256-sha1", None))

    def test_lower_reports_errors_at_spec_site(self):
        missing = dict(DOCUMENT, spec={"site": "kyoto", "configDir": "out/kyoto"})
        bgp = copy.deepcopy(SITES)
        bgp["osaka"]["tunnels"][0]["bgp"] = {"peer": PEER, "asn": 65515}
        bgp["osaka"]["tunnels"][0]["staticPrefixes"] = None
        unknown = copy.deepcopy(SITES)
        unknown["osaka"]["tunnels"][0]["crypto"]["ikeIntegrity"] = "SHA512"
        for documents, sites, words in [
            ([missing], SITES, "no Site named \"kyoto\""),
            ([DOCUMENT], bgp, "strongSwan alone does not speak BGP; use static routing for connection osaka-vpn"),
            ([DOCUMENT], unknown, "ikeIntegrity \"SHA512\""),
        ]:
            result = self.lower(documents, sites)
            [diagnostic] = result["diagnostics"]
            self.assertEqual((diagnostic["severity"], diagnostic["document"], diagnostic["path"]),
                             ("error", "osaka-gw", "spec.site"))
            self.assertIn(words, diagnostic["message"])
            self.assertNotIn(CONN, [r["address"] for r in result["resources"]])

    # -- apply, read, drift ---------------------------------------------------------------------

    def test_apply_then_read_gives_back_what_was_applied(self):
        resources, result = self.apply_all()
        path = self.conn_file()
        self.assertEqual(result["outputs"][CONN], {"id": path})
        self.assertEqual(stat.S_IMODE(os.stat(path).st_mode), 0o600)
        self.assertEqual(stat.S_IMODE(os.stat(os.path.dirname(path)).st_mode), 0o700)
        with open(path) as f:
            text = f.read()
        self.assertIn("StrongSwanRouter osaka-gw (site osaka)", text.splitlines()[0])
        self.assertIn("remote_addrs = 20.1.2.3", text)
        with open(os.path.join(self.root, "out", "osaka", "swanctl.conf")) as f:
            self.assertIn("include conf.d/*.conf\n", f.read())

        read = {r["address"]: r for r in self.read(resources)["resources"]}
        for resource in resources:
            self.assertEqual(read[resource["address"]]["attributes"], resolved(resource["attributes"]))
            self.assertEqual(read[resource["address"]]["outputs"], result["outputs"][resource["address"]])

    def test_apply_writes_the_same_bytes_for_the_same_input(self):
        self.apply_all()
        with open(self.conn_file(), "rb") as f:
            first = f.read()
        self.apply_all()
        with open(self.conn_file(), "rb") as f:
            self.assertEqual(f.read(), first)

    def test_keys_swanctl_would_misread_round_trip(self):
        for psk in ['quote " and \\ backslash', "0x1234", "0sabc", "ключ", " padded "]:
            resources, _ = self.apply_all(psk=psk)
            conn = self.read(resources)["resources"][1]
            self.assertEqual(conn["attributes"]["psk"], {"$sensitive": psk})

    def test_an_edited_file_reads_back_different(self):
        resources, _ = self.apply_all()
        with open(self.conn_file()) as f:
            text = f.read()
        with open(self.conn_file(), "w") as f:
            f.write(text.replace("aes256-sha256-modp2048", "aes128-sha1-modp1024").replace("10.10.0.0/16",
                                                                                         "10.10.0.0/16,10.99.0.0/16"))
        conn = self.read(resources)["resources"][1]["attributes"]
        self.assertEqual(conn["ikeProposal"], "aes128-sha1-modp1024")
        self.assertEqual(conn["remoteTs"], ["10.10.0.0/16", "10.99.0.0/16"])

    def test_a_broken_file_reads_what_it_can_and_logs_the_line(self):
        resources, _ = self.apply_all()
        with open(self.conn_file()) as f:
            lines = f.read().splitlines()
        with open(self.conn_file(), "w") as f:
            f.write("\n".join(lines[:8] + ["this is not swanctl"] + lines[8:]) + "\n")
        conn = self.read(resources)["resources"][1]["attributes"]
        self.assertEqual(conn["remoteAddress"], "20.1.2.3")
        self.assertIsNone(conn["espProposal"])
        self.assertNotIn("psk", conn)
        _, stderr = self.plugin.close()
        self.assertIn("%s:9: expected key = value" % self.conn_file(), stderr)

    def test_a_missing_file_reads_as_absent(self):
        resources = self.lower()["resources"]
        self.assertEqual(self.read(resources)["resources"], [])

    def test_delete_removes_the_file(self):
        resources, _ = self.apply_all()
        conn = resources[1]
        result = self.plugin.result("apply", {"changes": [{
            "address": CONN, "type": conn["type"], "action": "delete", "attributes": None,
            "prior": resolved(conn["attributes"])}]})
        self.assertEqual(result["outputs"], {})
        self.assertFalse(os.path.exists(self.conn_file()))
        self.assertEqual([r["address"] for r in self.read(resources)["resources"]], [SWANCTL])

    def test_a_write_error_names_the_path(self):
        with open(os.path.join(self.root, "blocker"), "w") as f:
            f.write("a file where a directory should be\n")
        attributes = resolved(self.lower()["resources"][1]["attributes"])
        attributes["configDir"] = "blocker/osaka"
        error = self.plugin.call("apply", {"changes": [{
            "address": CONN, "type": "strongswan.connection", "action": "create", "attributes": attributes,
            "prior": None}]})["error"]
        self.assertEqual((error["code"], error["data"]), (-32000, {"retryable": False}))
        self.assertIn(os.path.join(self.root, "blocker"), error["message"])

    # -- preview, unmanaged, import -------------------------------------------------------------

    def test_preview_shows_the_file_with_the_key_masked(self):
        conn = self.lower()["resources"][1]
        lines = self.plugin.result("preview", {"change": {
            "address": CONN, "type": conn["type"], "action": "create", "attributes": resolved(conn["attributes"])}})
        self.assertIn("        secret = <sensitive>", lines["lines"])
        self.assertNotIn("horse", json.dumps(lines))
        unresolved = self.plugin.result("preview", {"change": dict(conn, action="create")})["lines"]
        self.assertIn("        remote_addrs = <azure:publicIPAddresses/hub-gw-pip1.ipAddress>", unresolved)
        deleted = self.plugin.result("preview", {"change": dict(conn, action="delete")})
        self.assertEqual(deleted, {"lines": ["rm out/osaka/conf.d/osaka-vpn.conf"]})

    def test_unmanaged_lists_a_stray_file(self):
        self.apply_all()
        with open(os.path.join(self.root, "out", "osaka", "conf.d", "old-vpn.conf"), "w") as f:
            f.write("connections {\n}\n")
        result = self.plugin.result("unmanaged", {"managed": [SWANCTL, CONN]})
        self.assertEqual(result, {"objects": [{"kind": "connection", "name": "osaka-gw/old-vpn"}]})

    def test_import_round_trips(self):
        resources, _ = self.apply_all()
        result = self.plugin.result("import", {"target": "out/osaka"})
        [document] = result["documents"]
        self.assertEqual(document, {"kind": "StrongSwanRouter", "name": "osaka-gw",
                                    "spec": {"site": "osaka", "configDir": "out/osaka"}})
        self.assertEqual(result["secrets"], [{"name": "psk:20.1.2.3", "value": {"$sensitive": PSK}}])
        self.assertEqual(result["unmanaged"], [])
        self.assertTrue(any("osaka-vpn" in note for note in result["notes"]))
        # The imported document lowers to what the files hold.
        relowered = self.lower([dict(document, labels={})])["resources"]
        read = self.read(relowered)["resources"]
        self.assertEqual([r["attributes"] for r in read], [resolved(r["attributes"]) for r in relowered])

    # -- the protocol's errors ------------------------------------------------------------------

    # -- facts ----------------------------------------------------------------------------------

    KEY = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"

    def facts_with(self, path, sites=("osaka",)):
        """facts from a second process whose PATH is `path` (after lower, as the host runs it)."""
        plugin = Plugin(PLUGIN, self.root, path=path)
        try:
            plugin.initialize()
            plugin.result("lower", {"documents": [DOCUMENT], "sites": SITES})
            params = {"fingerprintKey": self.KEY}
            if sites is not None:
                params["sites"] = list(sites)
            line = plugin.send("facts", params)
            self.assertNotIn(b"horse", line, "the key crossed the pipe")
            return json.loads(line)["result"]
        finally:
            status, stderr = plugin.close()
            self.assertEqual(status, 0)
            self.assertNotIn("horse", stderr)

    def fake_swanctl(self, script):
        """A PATH whose first directory holds a `swanctl` that runs `script` (sh)."""
        directory = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, directory)
        program = os.path.join(directory, "swanctl")
        with open(program, "w") as f:
            f.write("#!/bin/sh\n" + script + "\n")
        os.chmod(program, 0o755)
        return os.pathsep.join([directory, os.path.dirname(shutil.which("python3")), "/usr/bin", "/bin"])

    def test_facts_report_the_written_tunnel_with_the_key_only_as_a_fingerprint(self):
        self.apply_all()
        result = self.facts_with(os.path.dirname(shutil.which("python3")))
        (router,) = result["routers"]
        self.assertEqual((router["name"], router["site"]), ("osaka-gw", "osaka"))
        (tunnel,) = router["tunnels"]
        digest = hmac.new(bytes.fromhex(self.KEY), PSK.encode(), hashlib.sha256).hexdigest()
        self.assertEqual(tunnel, {
            "name": "osaka-vpn", "destination": "20.1.2.3", "peerAddress": "20.1.2.3", "identity": None,
            "wanAddress": "203.0.113.20", "ikeVersion": "IKEv2",
            "sharedKey": {"$fingerprint": "hmac-sha256:" + digest},
            # CRYPTO's choices, read back from the file's proposals in the spec's names.
            "proposals": {"ikeEncryption": ["AES256"], "ikeIntegrity": ["SHA256"], "dhGroup": ["DHGroup14"],
                          "ipsecEncryption": ["GCMAES256"], "ipsecIntegrity": ["GCMAES256"]},
            # No swanctl beside python3: the state is unknown, never guessed.
            "state": "unknown", "stateDetail": "swanctl is not on PATH",
        })
        # Another site's routers are not asked for; without sites, every router.
        self.assertEqual(self.facts_with(os.path.dirname(shutil.which("python3")), sites=["kyoto"]),
                         {"routers": []})
        self.assertEqual(len(self.facts_with(os.path.dirname(shutil.which("python3")), sites=None)["routers"]), 1)

    def test_facts_report_the_proposals_the_file_holds_in_the_spec_names(self):
        plugin = load_plugin_module()
        # What lower writes for a policy reads back as that policy (DHGroup2048 as DHGroup14, the
        # same group); the PFS group in ESP is not a proposal verify compares.
        cases = [
            ("aes256-sha256-modp2048", "aes256gcm16-modp2048",
             (["AES256"], ["SHA256"], ["DHGroup14"], ["GCMAES256"], ["GCMAES256"])),
            ("aes128-sha1-modp1024", "aes256-sha256-ecp384",
             (["AES128"], ["SHA1"], ["DHGroup2"], ["AES256"], ["SHA256"])),
            ("aes256gcm16-prfsha384-ecp384", "aes256gcm16-ecp256",
             (["GCMAES256"], ["SHA384"], ["ECP384"], ["GCMAES256"], ["GCMAES256"])),
            # Azure's defaults, as lower writes them for a tunnel with no policy.
            (plugin.AZURE_DEFAULT_IKE, plugin.AZURE_DEFAULT_ESP,
             (["AES256", "AES128", "DES3"], ["SHA1"], ["DHGroup2"], ["AES256"], ["SHA1"])),
            # A keyword with no spec name is left out; esn is not an algorithm.
            ("aes256-camellia256-sha2_256-modp2048-curve25519", "aes128-sha1-esn",
             (["AES256"], ["SHA256"], ["DHGroup14"], ["AES128"], ["SHA1"])),
        ]
        keys = ("ikeEncryption", "ikeIntegrity", "dhGroup", "ipsecEncryption", "ipsecIntegrity")
        for ike, esp, expected in cases:
            self.assertEqual(plugin.offered(ike, esp), dict(zip(keys, expected)), (ike, esp))
        # Not written, or strongSwan's own defaults: the plugin cannot say, and reports none.
        for ike, esp in [(None, "aes256-sha1"), ("aes256-sha1-modp1024", None), ("default", "aes256-sha1")]:
            self.assertIsNone(plugin.offered(ike, esp))

    def test_facts_report_no_proposals_for_several_that_are_not_every_combination(self):
        plugin = load_plugin_module()
        # Two proposals: their union would offer AES128 with DHGroup14, which neither does, so a
        # policy no proposal offers would pass verify. The plugin reports none instead.
        for ike, esp in [
            ("aes256-sha256-modp2048,aes128-sha1-modp1024", "aes256gcm16"),
            ("aes256-sha256-modp2048", "aes256gcm16,aes128-sha1"),
            ("chacha20poly1305-prfsha256-curve25519,aes256-sha2_256-modp2048", "aes128-sha1-esn"),
        ]:
            self.assertIsNone(plugin.offered(ike, esp), (ike, esp))

    def test_facts_before_apply_give_a_router_with_no_tunnel(self):
        result = self.facts_with(os.path.dirname(shutil.which("python3")))
        self.assertEqual(result, {"routers": [{"name": "osaka-gw", "site": "osaka", "tunnels": []}]})

    def test_facts_read_the_sa_state_from_swanctl(self):
        self.apply_all()
        listing = "\n".join([
            "other-vpn: #2, CONNECTING, IKEv2, 0000000000000002_i* 0000000000000000_r",
            "osaka-vpn: #1, ESTABLISHED, IKEv2, 1c2ba4f3e5d6a7b8_i* 9e8d7c6b5a4f3e2d_r",
            "  local  '203.0.113.20' @ 203.0.113.20[4500]",
            "  remote '20.1.2.3' @ 20.1.2.3[4500]",
            "  osaka-vpn: #1, reqid 1, INSTALLED, TUNNEL-in-UDP, ESP:AES_GCM_16-256",
            "    installed 1500s ago, rekeying in 21000s, expires in 24300s",
            "    in  c2fb6b70 (-|0x00000001),  12345 bytes,    42 packets,     1s ago",
            "    out c8d3e0f1,  23456 bytes,    43 packets,     1s ago",
        ])
        up = self.facts_with(self.fake_swanctl("cat <<'EOF'\n%s\nEOF" % listing))
        tunnel = up["routers"][0]["tunnels"][0]
        self.assertEqual((tunnel["state"], tunnel["packetsDecrypted"], tunnel["packetsEncrypted"]), ("up", 42, 43))
        self.assertNotIn("stateDetail", tunnel)
        # Established IKE without its CHILD_SA is not up.
        half = self.facts_with(self.fake_swanctl("echo 'osaka-vpn: #1, ESTABLISHED, IKEv2, 1_i* 2_r'"))
        self.assertEqual(half["routers"][0]["tunnels"][0]["state"], "down")
        # swanctl that cannot reach charon: unknown, and why.
        failed = self.facts_with(self.fake_swanctl("echo 'connecting failed' >&2; exit 1"))
        tunnel = failed["routers"][0]["tunnels"][0]
        self.assertEqual((tunnel["state"], tunnel["stateDetail"]),
                         ("unknown", "swanctl --list-sas exited with status 1"))

    def test_facts_refuse_a_key_that_is_not_hex(self):
        error = self.plugin.call("facts", {"fingerprintKey": "not hex"})["error"]
        self.assertEqual(error["code"], -32602)

    def test_bad_params_and_unknown_methods(self):
        self.assertEqual(self.plugin.call("lower", {"documents": "osaka"})["error"]["code"], -32602)
        self.assertEqual(self.plugin.call("read", {"resources": [{"address": "azure:x", "known": {}}]})
                         ["error"]["code"], -32602)
        self.assertEqual(self.plugin.call("apply", [1, 2])["error"]["code"], -32602)
        self.assertEqual(self.plugin.call("resize")["error"]["code"], -32601)
        # The session goes on after errors.
        self.assertEqual(self.lower()["diagnostics"], [])

    def test_a_failure_inside_a_handler_is_an_error_not_a_crash(self):
        sites = copy.deepcopy(SITES)
        sites["osaka"]["addressSpace"] = 5
        error = self.plugin.call("lower", {"documents": [DOCUMENT], "sites": sites})["error"]
        self.assertEqual((error["code"], error["data"]), (-32000, {"retryable": False}))
        self.assertEqual(error["message"], "lower failed: TypeError inside the plugin")
        self.assertEqual(self.lower()["diagnostics"], [])

    def test_shutdown_answers_null_and_exits_zero_when_stdin_closes(self):
        self.assertIsNone(self.plugin.result("shutdown"))
        status, _ = self.plugin.close()
        self.assertEqual(status, 0)


class BadPluginTests(unittest.TestCase):
    def setUp(self):
        self.root = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, self.root)

    def test_crashy_dies_in_the_middle_of_an_apply_when_the_marker_is_there(self):
        crashy = Plugin(CRASHY, self.root, name="crashy")
        self.assertEqual(crashy.initialize()["kinds"][0]["kind"], "CrashyRouter")
        document = dict(DOCUMENT, kind="CrashyRouter")
        resources = crashy.result("lower", {"documents": [document], "sites": SITES})["resources"]
        self.assertEqual(resources[1]["address"], "crashy:osaka-gw/conn/osaka-vpn")
        changes = [{"address": r["address"], "type": r["type"], "action": "create",
                    "attributes": resolved(r["attributes"]), "prior": None} for r in resources]
        crashy.result("apply", {"changes": changes[:1]})
        marker = os.path.join(self.root, "out", "osaka", ".crash-on-apply")
        open(marker, "w").close()
        self.assertEqual(crashy.send("apply", {"changes": changes[1:]}), b"")
        status, _ = crashy.close()
        self.assertEqual(status, 9)
        self.assertFalse(os.path.exists(marker))
        path = os.path.join(self.root, "out", "osaka", "conf.d", "osaka-vpn.conf")
        with open(path) as f:
            self.assertNotIn("secrets {", f.read())

        # The next process reads the half file without failing and converges.
        crashy = Plugin(CRASHY, self.root, name="crashy")
        crashy.initialize()
        known = [{"address": r["address"], "type": r["type"], "known": r["attributes"]} for r in resources]
        half = crashy.result("read", {"resources": known})["resources"][1]["attributes"]
        self.assertNotEqual(half, changes[1]["attributes"])
        crashy.result("apply", {"changes": changes[1:]})
        whole = crashy.result("read", {"resources": known})["resources"][1]["attributes"]
        self.assertEqual(whole, changes[1]["attributes"])
        self.assertEqual(crashy.close()[0], 0)

    def test_garbage_answers_garbage(self):
        garbage = Plugin(GARBAGE, self.root, name="garbage")
        self.assertEqual(garbage.initialize()["kinds"][0]["kind"], "GarbageRouter")
        with self.assertRaises(ValueError):
            json.loads(garbage.send("lower", {"documents": [], "sites": {}}))
        response = json.loads(garbage.send("read", {"resources": []}))
        self.assertNotEqual(response["id"], garbage.next_id)
        garbage.close()


if __name__ == "__main__":
    unittest.main()
