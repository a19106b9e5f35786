// The admin workstation: lets vm1's system-assigned identity read the secret "greeting" in key vault kv1 and sign
// in to database db1 of sql1. The admin is whoever DefaultAzureCredential finds (in the lab: milab-admin, from
// admin.env). Nothing here is lab-specific; the same script provisions a real subscription.
import { randomUUID } from "node:crypto";
import { DefaultAzureCredential } from "@azure/identity";
import { AuthorizationManagementClient } from "@azure/arm-authorization";
import { ComputeManagementClient } from "@azure/arm-compute";
import { SqlManagementClient } from "@azure/arm-sql";
import { SecretClient } from "@azure/keyvault-secrets";
import { query } from "./azure-sql.mjs";

const subscription = process.env.AZURE_SUBSCRIPTION_ID;
const group = "rg-lab";
const credential = new DefaultAzureCredential();
const vaultId = `/subscriptions/${subscription}/resourceGroups/${group}/providers/Microsoft.KeyVault/vaults/kv1`;
const role = (id) => `/subscriptions/${subscription}/providers/Microsoft.Authorization/roleDefinitions/${id}`;
const KEY_VAULT_SECRETS_USER = role("4633458b-17de-408a-b874-0445c86b69e6");
const KEY_VAULT_SECRETS_OFFICER = role("b86a8fe4-44ce-4948-aee5-eccb2c155cd7");

const vm1 = await new ComputeManagementClient(credential, subscription).virtualMachines.get(group, "vm1");
console.log(`vm1's identity: principalId ${vm1.identity.principalId}`);

const arm = await credential.getToken("https://management.azure.com/.default");
const admin = JSON.parse(Buffer.from(arm.token.split(".")[1], "base64url").toString());

const authorization = new AuthorizationManagementClient(credential, subscription);
async function grant(principalId, roleDefinitionId, who) {
  try {
    await authorization.roleAssignments.create(vaultId, randomUUID(),
      { principalId, roleDefinitionId, principalType: "ServicePrincipal" });
    console.log(`granted ${who} on kv1`);
  } catch (e) {
    if (e.code !== "RoleAssignmentExists") throw e;
    console.log(`${who} on kv1 was granted before`);
  }
}
await grant(admin.oid, KEY_VAULT_SECRETS_OFFICER, "Key Vault Secrets Officer to the admin");
await grant(vm1.identity.principalId, KEY_VAULT_SECRETS_USER, "Key Vault Secrets User to vm1");

const secrets = new SecretClient("https://kv1.vault.azure.net", credential);
const secret = await secrets.setSecret("greeting", "Hello from kv1");
console.log(`set secret greeting, version ${secret.properties.version}`);

await new SqlManagementClient(credential, subscription).serverAzureADAdministrators.beginCreateOrUpdateAndWait(
  group, "sql1", "ActiveDirectory",
  { administratorType: "ActiveDirectory", login: "milab-admin", sid: admin.appid, tenantId: admin.tid });
console.log("sql1's Microsoft Entra admin: milab-admin");

const asAdmin = {
  type: "azure-active-directory-service-principal-secret",
  options: {
    clientId: process.env.AZURE_CLIENT_ID,
    clientSecret: process.env.AZURE_CLIENT_SECRET,
    tenantId: process.env.AZURE_TENANT_ID,
  },
};
try {
  await query(asAdmin, "CREATE USER [vm1] FROM EXTERNAL PROVIDER");
} catch (e) {
  if (e.number !== 15023) throw e; // the user exists already
}
await query(asAdmin, "ALTER ROLE db_datareader ADD MEMBER [vm1]");
console.log("db1: user vm1, member of db_datareader");
