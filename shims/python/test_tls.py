"""The CA option: python3 -m unittest discover -s shims/python -v

``ca_file=`` names the CA that signed the TLS front's certificate (README "Across the network"):
the SSL context is built once from it, with verification on; http:// with a CA is refused.
The real handshake against nginx is scripts/e2e-tls.sh.
"""

import os
import ssl
import tempfile
import unittest
from unittest import mock

import glidepath_shim
from glidepath_shim import GlidepathShim, tls_context

# A public certificate only (its key was thrown away): enough to load as a trust anchor.
FIXTURE_CA = """-----BEGIN CERTIFICATE-----
MIIBnzCCAUWgAwIBAgIUAL0o4cVse9xS/ehRSDGpzpZ8gfowCgYIKoZIzj0EAwIw
JDEiMCAGA1UEAwwZZ2xpZGVwYXRoIHRlc3QgZml4dHVyZSBDQTAgFw0yNjEyMDIx
ODE1NTVaGA8yMTI2MTEwODE4MTU1NVowJDEiMCAGA1UEAwwZZ2xpZGVwYXRoIHRl
c3QgZml4dHVyZSBDQTBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABKevc1bcUq4Y
OzizJYskexQiI1sgDTn+Yior2NJpoXJc93CHQ9u6AKt7dYprSr6ISohf7b3TYrg5
E9M2cVMp7uCjUzBRMB0GA1UdDgQWBBSKTpJDQaCEDsd6aiCEYTWZEQxNAzAfBgNV
HSMEGDAWgBSKTpJDQaCEDsd6aiCEYTWZEQxNAzAPBgNVHRMBAf8EBTADAQH/MAoG
CCqGSM49BAMCA0gAMEUCIQDZ9Fg3xcRmItc3iEtxu7ayFVnbSWWrSTPJg3yDiBH/
MgIgOtUFdA09MgZ7763E7d0oaPul3U/iqfQv6y74Vy4OLYU=
-----END CERTIFICATE-----
"""


def subjects(context):
    return [dict(pair[0] for pair in cert["subject"]).get("commonName") for cert in context.get_ca_certs()]


class CAFileTests(unittest.TestCase):
    def setUp(self):
        fd, self.ca_path = tempfile.mkstemp(suffix=".pem")
        with os.fdopen(fd, "w") as f:
            f.write(FIXTURE_CA)

    def tearDown(self):
        os.unlink(self.ca_path)

    def shim(self, server="https://glidepath.example:8443", **kw):
        return GlidepathShim(server, "chat-completions", baseline="openai", candidate="holysheep", **kw)

    def test_context_trusts_exactly_the_named_ca_and_verifies(self):
        context = tls_context(self.ca_path)
        self.assertEqual(subjects(context), ["glidepath test fixture CA"])
        self.assertEqual(context.verify_mode, ssl.CERT_REQUIRED)
        self.assertTrue(context.check_hostname)
        self.assertEqual(context.minimum_version, ssl.TLSVersion.TLSv1_2)

    def test_shim_builds_its_context_from_ca_file(self):
        shim = self.shim(ca_file=self.ca_path)
        self.assertEqual(shim.ca_file, self.ca_path)
        self.assertEqual(subjects(shim.tls_context), ["glidepath test fixture CA"])
        self.assertEqual(shim.tls_context.verify_mode, ssl.CERT_REQUIRED)

    def test_without_ca_file_the_system_store_verifies(self):
        shim = self.shim()
        self.assertIsNone(shim.ca_file)
        self.assertEqual(shim.tls_context.verify_mode, ssl.CERT_REQUIRED)
        self.assertTrue(shim.tls_context.check_hostname)
        self.assertNotIn("glidepath test fixture CA", subjects(shim.tls_context))

    def test_every_https_connection_gets_the_context(self):
        shim = self.shim(ca_file=self.ca_path)
        conn = glidepath_shim._Connection(shim.server, 1.5, shim.tls_context)
        with mock.patch.object(glidepath_shim.http.client, "HTTPSConnection") as https:
            https.return_value.getresponse.return_value.status = 200
            https.return_value.getresponse.return_value.read.return_value = b"{}"
            https.return_value.getresponse.return_value.getheaders.return_value = []
            status, _, _ = conn.request("GET", "/v1/migrations/x/weights", None, {})
        self.assertEqual(status, 200)
        https.assert_called_once_with("glidepath.example", 8443, timeout=1.5, context=shim.tls_context)

    def test_a_missing_ca_file_raises_at_construction(self):
        with self.assertRaises(FileNotFoundError):
            self.shim(ca_file=self.ca_path + ".missing")

    def test_a_file_that_is_no_certificate_raises_at_construction(self):
        with open(self.ca_path, "w") as f:
            f.write("not a certificate\n")
        with self.assertRaises(ssl.SSLError):
            self.shim(ca_file=self.ca_path)

    def test_ca_file_with_plain_http_is_refused(self):
        with self.assertRaisesRegex(ValueError, "not https://: the ingest token would cross in plaintext"):
            self.shim(server="http://10.0.0.5:8470", ca_file=self.ca_path)


if __name__ == "__main__":
    unittest.main()
