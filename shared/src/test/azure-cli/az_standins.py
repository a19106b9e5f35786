#!/usr/bin/env python3
"""Stand-ins for the Azure CLI commands that Debian's azure-cli 2.45 package cannot run.

The package (bookworm, with python3-azure 20230112) fails inside az, before it sends any request, for:

  az vm ...                  "API version 2022-11-01 does not have operation group 'virtual_machines'"
  az role assignment create  "'RoleAssignmentsOperations' object has no attribute 'config'"
  az keyvault secret set     "No module named 'azure.keyvault.v7_0'"
  az ad sp create-for-rbac --role ... --scopes ...   (the same role assignment code, after it made the app)

(its CLI expects SDK versions the package does not ship; every CLI profile fails the same way). The tests that run
the demos' azure/setup.sh scripts unchanged against the lab, and a learner rehearsing them there with that package
(shared/README.md, "Rehearse a demo's azure/setup.sh on the lab"), put a shell function `az` in front of the real
one that calls this program. It sends, through the real az (`az rest`, signed in as the script's user), the REST requests
that a working az sends for these commands, prints what az prints (`--query` and `-o` included), and hands every
other command to the real az untouched. `az vm create` sends the ARM template deployment that az's own template
builder (azure.cli.command_modules.vm._template_builder, which imports fine) makes for the arguments: a virtual
network (or the group's existing subnet), a network security group, a public IP, a NIC and the VM.

Only for Debian's az 2.45 against the lab: no app code uses it, and with another az it is not needed.
"""

import io
import json
import os
import subprocess
import sys
import time
import uuid

import jmespath

REAL_AZ = os.environ.get("MILAB_REAL_AZ", "/usr/bin/az")
ARM = "https://management.azure.com"
COMPUTE = "2022-11-01"          # the CLI's 'latest' profile for Microsoft.Compute
NETWORK = "2022-01-01"          # the CLI's 'latest' profile for Microsoft.Network (and its templates' public IPs)
RESOURCES = "2022-09-01"        # the CLI's 'latest' profile for Microsoft.Resources (deployments)
AUTHORIZATION = "2022-04-01"    # az role assignment create (2.45) for role assignments and definitions
KEY_VAULT = "7.0"               # the CLI's 'latest' profile for the Key Vault data plane
STAND_IN = "(lab stand-in for Debian's az 2.45)"


def main(argv):
    command = [a for a in argv[:3]]
    if command[:2] == ["vm", "create"]:
        return vm_create(argv[2:])
    if command[:3] == ["vm", "identity", "assign"]:
        return vm_identity(argv[3:], assign=True)
    if command[:3] == ["vm", "identity", "remove"]:
        return vm_identity(argv[3:], assign=False)
    if command[:2] == ["vm", "delete"]:
        return vm_delete(argv[2:])
    if command[:2] == ["vm", "open-port"]:
        return vm_open_port(argv[2:])
    if command[:3] == ["role", "assignment", "create"]:
        return role_assignment_create(argv[3:])
    if command[:3] == ["keyvault", "secret", "set"]:
        return keyvault_secret_set(argv[3:])
    if command[:3] == ["ad", "sp", "create-for-rbac"] and ("--role" in argv or "--scopes" in argv):
        return create_for_rbac_with_role(argv[3:])
    os.execv(REAL_AZ, [REAL_AZ] + argv)


# ---- options -------------------------------------------------------------------------------------------------

class Options:
    """The options of one command: `-g x`, `--name=x`, flags, repeated lists (`--identities a b`)."""

    ALIASES = {"-g": "--resource-group", "-n": "--name", "-l": "--location", "-o": "--output", "-p": "--plan"}

    def __init__(self, args, flags=()):
        self.values = {}
        i = 0
        current = None
        while i < len(args):
            a = args[i]
            if a.startswith("-") and a != "-" and not _is_number(a):
                name, _, inline = a.partition("=")
                name = self.ALIASES.get(name, name)
                if name in flags:
                    self.values[name] = [True]
                    current = None
                else:
                    self.values.setdefault(name, [])
                    current = name
                    if inline:
                        self.values[name].append(inline)
                        current = None
            elif current is not None:
                self.values[current].append(a)
            else:
                fail("unrecognized argument: " + a)
            i += 1

    def one(self, name, default=None, required=False):
        v = self.values.get(name)
        if not v:
            if required:
                fail("the following arguments are required: " + name)
            return default
        return v[-1]

    def many(self, name):
        return self.values.get(name)

    def has(self, name):
        return name in self.values


def _is_number(text):
    try:
        float(text)
        return True
    except ValueError:
        return False


def fail(message, code=2):
    sys.stderr.write("ERROR: " + message + " " + STAND_IN + "\n")
    sys.exit(code)


# ---- the real az, for the requests -----------------------------------------------------------------------------

def rest(method, url, body=None, resource=None):
    """`az rest`, run by the real az's own code in this process (a new az process per request costs a second)."""
    args = ["rest", "--method", method, "--url", url, "-o", "json"]
    if body is not None:
        args += ["--body", json.dumps(body), "--headers", "Content-Type=application/json"]
    if resource:
        args += ["--resource", resource]
    from azure.cli.core import get_default_cli
    out = io.StringIO()
    code = get_default_cli().invoke(args, out_file=out)
    if code != 0:
        sys.exit(code)
    text = out.getvalue()
    return json.loads(text) if text.strip() else None


def subscription_id():
    """The default subscription of the signed-in profile, as az keeps it (no request)."""
    config = os.environ.get("AZURE_CONFIG_DIR", os.path.expanduser("~/.azure"))
    with open(os.path.join(config, "azureProfile.json"), encoding="utf-8-sig") as f:
        profile = json.load(f)
    for s in profile.get("subscriptions", []):
        if s.get("isDefault"):
            return s["id"]
    fail("Please run 'az login' to setup account.", 1)


def vm_url(opts):
    group = opts.one("--resource-group", required=True)
    name = opts.one("--name", required=True)
    return (f"{ARM}/subscriptions/{subscription_id()}/resourceGroups/{group}/providers/Microsoft.Compute/"
            f"virtualMachines/{name}?api-version={COMPUTE}")


def emit(result, opts):
    """Prints like az: --query (JMESPath), then -o json (default), tsv or none."""
    query = opts.one("--query")
    if query:
        result = jmespath.search(query, result)
    output = opts.one("--output", "json")
    if output == "none" or result is None:
        return 0
    if output == "tsv":
        rows = result if isinstance(result, list) else [result]
        for row in rows:
            if isinstance(row, dict):
                print("\t".join(_tsv(v) for v in row.values() if not isinstance(v, (dict, list))))
            else:
                print(_tsv(row))
        return 0
    print(json.dumps(result, indent=2))
    return 0


def _tsv(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "True" if value else "False"
    return str(value)


# ---- az vm -------------------------------------------------------------------------------------------------------

IMAGES = {  # az's image aliases (its aliases.json) for the images the scripts name
    "ubuntu2204": {"publisher": "Canonical", "offer": "0001-com-ubuntu-server-jammy", "sku": "22_04-lts-gen2",
                   "version": "latest"},
}


def vm_create(args):
    """What az vm create sends: the group (for its location), the group's virtual networks (a VM joins the first
    subnet it finds), the image's latest version and that version, then the ARM template deployment az's own builder
    makes, polled to its end; then it reads the VM (instance view), its NIC and public IP for what it prints."""
    opts = Options(args, flags=("--generate-ssh-keys", "--no-wait", "--yes"))
    group = opts.one("--resource-group", required=True)
    name = opts.one("--name", required=True)
    image = opts.one("--image", required=True)
    sub = subscription_id()
    rg_url = f"{ARM}/subscriptions/{sub}/resourceGroups/{group}"
    location = opts.one("--location")
    if location is None:
        location = rest("GET", f"{ARM}/subscriptions/{sub}/resourcegroups/{group}?api-version={RESOURCES}")["location"]
    existing_subnet = None
    if not opts.has("--vnet-name") and not opts.has("--subnet"):
        for vnet in rest("GET", f"{rg_url}/providers/Microsoft.Network/virtualNetworks?api-version={NETWORK}")["value"]:
            subnets = [x for x in (vnet.get("properties") or {}).get("subnets") or []
                       if x["name"].lower() != "gatewaysubnet"]
            if vnet.get("location") == location and subnets:
                existing_subnet = (vnet["name"], subnets[0]["name"])
                break
    reference = IMAGES.get(image.lower())
    if reference is None:
        fail(f"image '{image}' is not one the stand-in knows (it knows {', '.join(IMAGES)})")
    versions = (f"{ARM}/subscriptions/{sub}/providers/Microsoft.Compute/locations/{location}/publishers/"
                f"{reference['publisher']}/artifacttypes/vmimage/offers/{reference['offer']}/skus/{reference['sku']}/"
                f"versions")
    latest = rest("GET", f"{versions}?%24top=1&%24orderby=name%20desc&api-version={COMPUTE}")
    if not latest:
        fail(f"Can't resolve the version of '{reference['publisher']}:{reference['offer']}:{reference['sku']}'", 1)
    rest("GET", f"{versions}/{latest[0]['name']}?api-version={COMPUTE}")
    template = vm_create_template(sub, group, name, location, image, opts.one("--size", "Standard_DS1_v2"),
                                  opts.one("--admin-username", "azureuser"), ssh_public_key(opts),
                                  public_ip_sku=opts.one("--public-ip-sku"),
                                  public_ip_address=opts.one("--public-ip-address"),
                                  nsg_rule=opts.one("--nsg-rule"), assign_identity=opts.many("--assign-identity"),
                                  existing_subnet=existing_subnet)
    deployment = f"vm_deploy_{uuid.uuid4().hex}"
    sys.stderr.write(f"WARNING: {STAND_IN} az vm create sends an ARM template deployment ({deployment}) made by "
                     f"az's own template builder.\n")
    url = f"{rg_url}/providers/Microsoft.Resources/deployments/{deployment}?api-version={RESOURCES}"
    done = rest("PUT", url, {"properties": {"template": template, "parameters": {}, "mode": "incremental"}})
    if opts.has("--no-wait"):
        return 0
    # az polls the deployment's Azure-AsyncOperation; `az rest` shows no headers, so this polls the deployment itself
    for attempt in range(120):
        if (done.get("properties") or {}).get("provisioningState") in ("Succeeded", "Failed", "Canceled"):
            break
        if attempt:
            time.sleep(1)
        done = rest("GET", url)
    if (done.get("properties") or {}).get("provisioningState") != "Succeeded":
        error = (done.get("properties") or {}).get("error") or {}
        fail(f"Deployment failed. {json.dumps({'status': 'Failed', 'error': error})}", 1)
    vm = rest("GET", vm_url(opts) + "&%24expand=instanceView")
    result = vm_details(vm, group, location)
    if opts.has("--assign-identity"):
        result["identity"] = _construct_identity_info(vm.get("identity") or {})
    return emit(result, opts)


def vm_details(vm, group, location):
    """az's get_vm_details: the power state from the instance view, addresses from the NICs and their public IPs."""
    macs, private, public, fqdns = [], [], [], []
    for ref in ((vm.get("properties") or {}).get("networkProfile") or {}).get("networkInterfaces") or []:
        nic = rest("GET", f"{ARM}{ref['id']}?api-version={NETWORK}")
        props = nic.get("properties") or {}
        if props.get("macAddress"):
            macs.append(props["macAddress"])
        for config in props.get("ipConfigurations") or []:
            cp = config.get("properties") or {}
            if cp.get("privateIPAddress"):
                private.append(cp["privateIPAddress"])
            if cp.get("publicIPAddress"):
                ip = rest("GET", f"{ARM}{cp['publicIPAddress']['id']}?api-version={NETWORK}").get("properties") or {}
                if ip.get("ipAddress"):
                    public.append(ip["ipAddress"])
                if (ip.get("dnsSettings") or {}).get("fqdn"):
                    fqdns.append(ip["dnsSettings"]["fqdn"])
    statuses = (((vm.get("properties") or {}).get("instanceView") or {}).get("statuses") or [])
    power = ",".join(s.get("displayStatus", "") for s in statuses if s.get("code", "").startswith("PowerState/"))
    return {"fqdns": ",".join(fqdns), "id": vm["id"], "location": location, "macAddress": ",".join(macs),
            "powerState": power, "privateIpAddress": ",".join(private), "publicIpAddress": ",".join(public),
            "resourceGroup": group, "zones": ""}


def ssh_public_key(opts):
    """--ssh-key-values, else ~/.ssh/id_rsa.pub as az reads it; with --generate-ssh-keys and no key there, az's own
    key generator makes one, kept in the az config directory (not ~/.ssh, so tests leave the home alone)."""
    given = opts.one("--ssh-key-values")
    if given:
        return open(os.path.expanduser(given)).read().strip() if os.path.exists(os.path.expanduser(given)) else given
    home = os.path.expanduser("~/.ssh/id_rsa.pub")
    if os.path.exists(home):
        return open(home).read().strip()
    if not opts.has("--generate-ssh-keys"):
        fail("An RSA key file or key value must be supplied to SSH Key Value. You can use --generate-ssh-keys to let "
             "CLI generate one for you", 1)
    from azure.cli.core.keys import generate_ssh_keys
    config = os.environ.get("AZURE_CONFIG_DIR", os.path.expanduser("~/.azure"))
    private = os.path.join(config, "ssh", "id_rsa")
    os.makedirs(os.path.dirname(private), exist_ok=True)
    return generate_ssh_keys(private, private + ".pub").strip()


class _TemplateCommand:
    """What az's template builder asks of its `cmd`: the cloud profile and api-versions (the CLI's 'latest' profile)."""

    class _Context:
        class cloud:  # noqa: N801 - mirrors cli_ctx.cloud
            profile = "latest"

    cli_ctx = _Context()

    @staticmethod
    def get_api_version(resource_type=None, operation_group=None):
        return COMPUTE

    @staticmethod
    def supported_api_version(resource_type=None, min_api=None, max_api=None, operation_group=None):
        return min_api is None or NETWORK >= min_api


def vm_create_template(subscription, group, name, location, image, size, admin_username, ssh_key,
                       public_ip_sku=None, public_ip_address=None, nsg_rule=None, assign_identity=None,
                       existing_subnet=None):
    """The template `az vm create` deploys, made by az's own builder (azure.cli.command_modules.vm._template_builder)
    with the values az's validators give the scripts' arguments; `existing_subnet` (vnet, subnet) is the subnet az
    finds in the group (the validator lists the group's virtual networks) and uses instead of a new network."""
    from azure.cli.core.commands.arm import ArmTemplateBuilder
    from azure.cli.command_modules.vm._template_builder import (build_vm_resource, build_nic_resource,
                                                                build_vnet_resource, build_nsg_resource,
                                                                build_public_ip_resource, StorageProfile)
    from azure.cli.command_modules.vm._vm_utils import normalize_disk_info
    cmd = _TemplateCommand()
    reference = IMAGES.get(image.lower())
    if reference is None:
        fail(f"image '{image}' is not one the stand-in knows (it knows {', '.join(IMAGES)})")
    network = f"/subscriptions/{subscription}/resourceGroups/{group}/providers/Microsoft.Network"
    template = ArmTemplateBuilder()
    tags = {}
    nic_name = f"{name}VMNic"
    nic_dependencies = []
    if existing_subnet:
        vnet_name, subnet = existing_subnet
    else:
        vnet_name, subnet = f"{name}VNET", f"{name}Subnet"
        nic_dependencies.append(f"Microsoft.Network/virtualNetworks/{vnet_name}")
        template.add_resource(build_vnet_resource(cmd, vnet_name, location, tags, "10.0.0.0/16", subnet,
                                                  "10.0.0.0/24"))
    nsg = f"{name}NSG"
    nic_dependencies.append(f"Microsoft.Network/networkSecurityGroups/{nsg}")
    template.add_resource(build_nsg_resource(cmd, nsg, location, tags, nsg_rule or "SSH"))
    if public_ip_address != "":
        public_ip_address = public_ip_address or f"{name}PublicIP"
        nic_dependencies.append(f"Microsoft.Network/publicIpAddresses/{public_ip_address}")
        # az's validator: a Standard public IP is static; Basic keeps the parameter's default, dynamic
        allocation = "static" if (public_ip_sku or "").lower() == "standard" else "dynamic"
        template.add_resource(build_public_ip_resource(cmd, public_ip_address, location, tags, allocation, None,
                                                       public_ip_sku, None))
    nic = build_nic_resource(cmd, nic_name, location, tags, name, f"{network}/virtualNetworks/{vnet_name}/subnets/"
                             f"{subnet}", None, f"{network}/networkSecurityGroups/{nsg}",
                             f"{network}/publicIPAddresses/{public_ip_address}" if public_ip_address else None)
    nic["dependsOn"] = nic_dependencies
    template.add_resource(nic)
    vm = build_vm_resource(
        cmd=cmd, name=name, location=location, tags=tags, size=size, storage_profile=StorageProfile.ManagedPirImage,
        nics=[{"id": f"{network}/networkInterfaces/{nic_name}", "properties": {"deleteOption": None}}],
        admin_username=admin_username, ssh_key_values=[ssh_key],
        ssh_key_path=f"/home/{admin_username}/.ssh/authorized_keys", authentication_type="ssh",
        os_publisher=reference["publisher"], os_offer=reference["offer"], os_sku=reference["sku"],
        os_version=reference["version"], custom_image_os_type="linux",
        disk_info=normalize_disk_info(size=size, image_data_disks=[], data_disk_sizes_gb=None, attach_data_disks=[],
                                      storage_sku=None, os_disk_caching=None))
    vm["dependsOn"] = [f"Microsoft.Network/networkInterfaces/{nic_name}"]
    if assign_identity is not None:
        vm["identity"] = identity_body(assign_identity, current=None, separator=",")
    template.add_resource(vm)
    return template.build()


def identity_body(identities, current, separator=", "):
    """The identity block az sends: [system] (or none given) is the system-assigned one, the rest are resource ids."""
    system = not identities or any(i.lower() == "[system]" for i in identities)
    user = [i for i in identities if i.lower() != "[system]"]
    current_type = ((current or {}).get("type") or "None").replace(" ", "").lower()
    system = system or "systemassigned" in current_type
    kept_user = "userassigned" in current_type
    types = [t for t, on in (("SystemAssigned", system), ("UserAssigned", bool(user) or kept_user)) if on]
    body = {"type": separator.join(types) if types else "None"}
    if user:
        body["userAssignedIdentities"] = {i: {} for i in user}
    return body


def _construct_identity_info(identity):
    return {"systemAssignedIdentity": identity.get("principalId") or "",
            "userAssignedIdentities": identity.get("userAssignedIdentities") or {}}


def vm_identity(args, assign):
    opts = Options(args)
    url = vm_url(opts)
    vm = rest("GET", url)
    current = vm.get("identity")
    identities = opts.many("--identities") or []
    if assign:
        body = identity_body(identities, current)
    else:
        if not identities:
            fail("the following arguments are required: --identities")
        remaining = {k: v for k, v in ((current or {}).get("userAssignedIdentities") or {}).items()
                     if not any(k.lower() == i.lower() for i in identities)}
        system = "systemassigned" in ((current or {}).get("type") or "").replace(" ", "").lower() and not any(
            i.lower() == "[system]" for i in identities)
        types = [t for t, on in (("SystemAssigned", system), ("UserAssigned", bool(remaining))) if on]
        body = {"type": ", ".join(types) if types else "None"}
        if remaining:
            body["userAssignedIdentities"] = {i: None for i in identities if not i.lower() == "[system]"}
    rest("PATCH", url, {"identity": body})
    vm = rest("GET", url)
    if not assign:
        return emit((vm.get("identity") or {}).get("userAssignedIdentities"), opts)
    return emit(_construct_identity_info(vm.get("identity") or {}), opts)


def vm_delete(args):
    opts = Options(args, flags=("--yes", "-y", "--no-wait"))
    rest("DELETE", vm_url(opts))
    return 0


def vm_open_port(args):
    """az vm open-port: the VM, its one NIC, its NSG (made and attached when it has none), then the rule's PUT."""
    opts = Options(args)
    port = opts.one("--port", required=True)
    priority = int(opts.one("--priority", "900"))
    vm = rest("GET", vm_url(opts))
    nics = ((vm.get("properties") or {}).get("networkProfile") or {}).get("networkInterfaces") or []
    if len(nics) > 1:
        fail("Multiple NICs is not supported for this command. Create rules on the NSG directly.", 1)
    if not nics:
        fail(f"No NIC associated with VM '{opts.one('--name')}'", 1)
    nic_url = f"{ARM}{nics[0]['id']}?api-version={NETWORK}"
    nic = rest("GET", nic_url)
    nsg_ref = (nic.get("properties") or {}).get("networkSecurityGroup")
    group = opts.one("--resource-group")
    if nsg_ref:
        nsg_id = nsg_ref["id"]
    else:
        name = opts.one("--nsg-name", f"{opts.one('--name')}NSG")
        nsg_id = (f"/subscriptions/{subscription_id()}/resourceGroups/{group}/providers/Microsoft.Network/"
                  f"networkSecurityGroups/{name}")
        rest("PUT", f"{ARM}{nsg_id}?api-version={NETWORK}", {"location": vm["location"]})
    rule = "open-port-all" if port == "*" else f"open-port-{port.replace(',', '_')}"
    ports = {"destinationPortRange": port} if "," not in port else {"destinationPortRanges": port.split(",")}
    rest("PUT", f"{ARM}{nsg_id}/securityRules/{rule}?api-version={NETWORK}",
         {"name": rule, "properties": dict(protocol="*", access="allow", direction="inbound", sourcePortRange="*",
                                           priority=priority, sourceAddressPrefix="*",
                                           destinationAddressPrefix="*", **ports)})
    if not nsg_ref:
        nic["properties"]["networkSecurityGroup"] = {"id": nsg_id}
        rest("PUT", nic_url, nic)
    return emit(rest("GET", f"{ARM}{nsg_id}?api-version={NETWORK}"), opts)


# ---- az role assignment create -----------------------------------------------------------------------------------

def role_assignment_create(args):
    opts = Options(args)
    if opts.has("--assignee"):
        fail("the stand-in takes --assignee-object-id (with --assignee-principal-type), as the scripts do")
    principal = opts.one("--assignee-object-id", required=True)
    role = opts.one("--role", required=True)
    scope = opts.one("--scope")
    if scope is None:
        group = opts.one("--resource-group")
        scope = f"/subscriptions/{subscription_id()}" + (f"/resourceGroups/{group}" if group else "")
    if role.startswith("/"):
        role_id = role
    else:
        definitions = rest("GET", f"{ARM}{scope}/providers/Microsoft.Authorization/roleDefinitions?$filter="
                           f"roleName%20eq%20'{role.replace(' ', '%20')}'&api-version={AUTHORIZATION}")
        found = definitions.get("value") or []
        if not found:
            fail(f"Role '{role}' doesn't exist.", 1)
        role_id = found[0]["id"]
    properties = {"roleDefinitionId": role_id, "principalId": principal}
    if opts.has("--assignee-principal-type"):
        properties["principalType"] = opts.one("--assignee-principal-type")
    assignment = rest("PUT", f"{ARM}{scope}/providers/Microsoft.Authorization/roleAssignments/{uuid.uuid4()}"
                      f"?api-version={AUTHORIZATION}", {"properties": properties})
    flat = dict(assignment.get("properties") or {})
    flat.update({k: v for k, v in assignment.items() if k != "properties"})
    return emit(flat, opts)


# ---- az ad sp create-for-rbac --role R --scopes S ------------------------------------------------------------------

def create_for_rbac_with_role(args):
    """The real az makes the application, its service principal and password; then the role assignment, as az does."""
    kept, role, scopes, i = [], None, [], 0
    while i < len(args):
        if args[i] == "--role":
            role = args[i + 1]
            i += 2
        elif args[i] == "--scopes":
            i += 1
            while i < len(args) and not args[i].startswith("-"):
                scopes.append(args[i])
                i += 1
        else:
            kept.append(args[i])
            i += 1
    if role is None or not scopes:
        fail("usage error: --role and --scopes must be used together")
    done = subprocess.run([REAL_AZ, "ad", "sp", "create-for-rbac"] + kept, capture_output=True, text=True)
    sys.stderr.write(done.stderr)
    if done.returncode != 0:
        sys.stdout.write(done.stdout)
        return done.returncode
    app_id = json.loads(done.stdout)["appId"]
    principal = subprocess.run([REAL_AZ, "ad", "sp", "show", "--id", app_id, "--query", "id", "-o", "tsv"],
                               capture_output=True, text=True, check=True).stdout.strip()
    for scope in scopes:
        with open(os.devnull, "w") as quiet:
            saved, sys.stdout = sys.stdout, quiet
            try:
                role_assignment_create(["--assignee-object-id", principal, "--assignee-principal-type",
                                        "ServicePrincipal", "--role", role, "--scope", scope, "-o", "none"])
            finally:
                sys.stdout = saved
    sys.stdout.write(done.stdout)
    return 0


# ---- az keyvault secret set --------------------------------------------------------------------------------------

def keyvault_secret_set(args):
    opts = Options(args)
    vault = opts.one("--vault-name", required=True)
    name = opts.one("--name", required=True)
    value = opts.one("--value")
    if value is None:
        fail("the stand-in takes --value")
    secret = rest("PUT", f"https://{vault}.vault.azure.net/secrets/{name}?api-version={KEY_VAULT}",
                  {"value": value}, resource="https://vault.azure.net")
    return emit({"attributes": secret.get("attributes"), "id": secret.get("id"), "name": name,
                 "value": secret.get("value"), "tags": secret.get("tags")}, opts)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
