"""App code "on vm1", Python standard library only: a token from IMDS, then a Key Vault secret with it.

The same code runs on an Azure VM. IMDS is http://169.254.169.254 unless AZURE_POD_IDENTITY_AUTHORITY_HOST names
another address (as azure-identity also allows); HTTPS goes through HTTPS_PROXY when it is set, and the ssl module
trusts what SSL_CERT_FILE names (in the lab: the lab CA, through the lab's proxy).
"""
import json
import os
import ssl
import urllib.parse
import urllib.request

IMDS = os.environ.get("AZURE_POD_IDENTITY_AUTHORITY_HOST", "http://169.254.169.254").rstrip("/")
VAULT = "https://kv1.vault.azure.net"


def imds_token(resource):
    query = urllib.parse.urlencode({"api-version": "2018-02-01", "resource": resource})
    request = urllib.request.Request(f"{IMDS}/metadata/identity/oauth2/token?{query}", headers={"Metadata": "true"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


token = imds_token("https://vault.azure.net")
print(f"token from IMDS: resource {token['resource']}, expires in {token['expires_in']} s")

request = urllib.request.Request(f"{VAULT}/secrets/greeting?api-version=7.6",
                                 headers={"Authorization": f"Bearer {token['access_token']}"})
with urllib.request.urlopen(request, timeout=10, context=ssl.create_default_context()) as response:
    print(f"Key Vault: greeting = {json.load(response)['value']}")
