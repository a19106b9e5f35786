// App code "on vm1": its managed identity reads a Key Vault secret and signs in to Azure SQL. No secret, no
// connection string with a password; the same code runs on an Azure VM.
import { ManagedIdentityCredential } from "@azure/identity";
import { SecretClient } from "@azure/keyvault-secrets";
import { query } from "./azure-sql.mjs";

const credential = new ManagedIdentityCredential(); // the VM's system-assigned identity, from IMDS

const token = await credential.getToken("https://vault.azure.net/.default");
const claims = JSON.parse(Buffer.from(token.token.split(".")[1], "base64url").toString());
console.log(`token from IMDS: aud ${claims.aud}, appid ${claims.appid}`);

const secrets = new SecretClient("https://kv1.vault.azure.net", credential);
const secret = await secrets.getSecret("greeting");
console.log(`Key Vault: greeting = ${secret.value}`);

const rows = await query({ type: "azure-active-directory-msi-vm", options: {} },
  "SELECT SUSER_SNAME() AS who, USER_NAME() AS dbuser, DB_NAME() AS db");
console.log(`Azure SQL: signed in as ${rows[0].who}, user ${rows[0].dbuser} in ${rows[0].db}`);
