#!/usr/bin/env bash
# Demo 03 on real Azure: what the lab creates, created in your subscription. Run on your workstation after 'az login'.
# Costs money while it exists (a B1s VM, a B1 App Service plan); 'az group delete -n "$RG"' removes everything, and
# 'az ad app delete --id "$app_id"' the app registration.
set -euo pipefail

RG=${RG:-rg-milab-03}
LOCATION=${LOCATION:-westeurope}
KV=${KV:-kv1-$RANDOM}                 # vault names are global: kv1 is surely taken
VM=${VM:-vm1}
WEB=${WEB:-web1-$RANDOM}
APP=${APP:-kv-reader-onprem}
UAMI=${UAMI:-MyUserIdentity}
IDP_ISSUER=${IDP_ISSUER:-https://idp.contoso.example}   # your identity provider's issuer (must be reachable by Entra ID)
IDP_SUBJECT=${IDP_SUBJECT:-svc-orders@onprem-fed}       # the 'sub' of the tokens it issues for the workload

me_id=$(az ad signed-in-user show --query id -o tsv)
tenant=$(az account show --query tenantId -o tsv)

az group create -n "$RG" -l "$LOCATION" -o none

# kv1 with Azure RBAC as its permission model; you write secrets as Key Vault Secrets Officer (Owner has no data actions).
az keyvault create -g "$RG" -n "$KV" -l "$LOCATION" --enable-rbac-authorization true -o none
kv_id=$(az keyvault show -n "$KV" --query id -o tsv)
az role assignment create --assignee-object-id "$me_id" --assignee-principal-type User \
  --role "Key Vault Secrets Officer" --scope "$kv_id" -o none
read -rsp "The database password to store as db-password: " db_password; echo
az keyvault secret set --vault-name "$KV" -n db-password --value "$db_password" -o none

# Step 2: VM1 and its system-assigned identity, Key Vault Secrets User on kv1.
az vm create -g "$RG" -n "$VM" --image Ubuntu2204 --size Standard_B1s --admin-username azureuser \
  --generate-ssh-keys --public-ip-sku Standard -o none
vm_principal=$(az vm identity assign -g "$RG" -n "$VM" --query systemAssignedIdentity -o tsv)
az role assignment create --assignee-object-id "$vm_principal" --assignee-principal-type ServicePrincipal \
  --role "Key Vault Secrets User" --scope "$kv_id" -o none

# Step 7: an App Service app with its system-assigned identity, the same role.
az appservice plan create -g "$RG" -n "$WEB-plan" --is-linux --sku B1 -o none
az webapp create -g "$RG" -p "$WEB-plan" -n "$WEB" --runtime "JAVA:17-java17" -o none
web_principal=$(az webapp identity assign -g "$RG" -n "$WEB" --query principalId -o tsv)
az role assignment create --assignee-object-id "$web_principal" --assignee-principal-type ServicePrincipal \
  --role "Key Vault Secrets User" --scope "$kv_id" -o none

# Steps 3 and 4: a service principal with a client secret (180 days), then a certificate (its private key stays here).
sp=$(az ad sp create-for-rbac -n "$APP" --role "Key Vault Secrets User" --scopes "$kv_id" --years 1 -o json)
app_id=$(echo "$sp" | python3 -c 'import json,sys; print(json.load(sys.stdin)["appId"])')
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$APP.key" -out "$APP.crt" -days 365 -subj "/CN=$APP" 2>/dev/null
cat "$APP.key" "$APP.crt" > "$APP.pem" && chmod 600 "$APP.pem" "$APP.key"
az ad app credential reset --id "$app_id" --cert "@$APP.crt" --append -o none

# Step 6: MyUserIdentity, trusting your identity provider's tokens about the workload.
az identity create -g "$RG" -n "$UAMI" -o none
uami_client=$(az identity show -g "$RG" -n "$UAMI" --query clientId -o tsv)
uami_principal=$(az identity show -g "$RG" -n "$UAMI" --query principalId -o tsv)
az identity federated-credential create -g "$RG" --identity-name "$UAMI" -n onprem-fed --issuer "$IDP_ISSUER" \
  --subject "$IDP_SUBJECT" --audiences api://AzureADTokenExchange -o none
az role assignment create --assignee-object-id "$uami_principal" --assignee-principal-type ServicePrincipal \
  --role "Key Vault Secrets User" --scope "$kv_id" -o none

cat <<TEXT

Created: $RG / $KV (https://$KV.vault.azure.net), $VM, $WEB, app registration $APP ($app_id), $UAMI ($uami_client).
app.properties on every host:
  db.url=jdbc:postgresql://db1.contoso.internal:5432/orders
  db.user=orders_app
  keyvault.url=https://$KV.vault.azure.net
  keyvault.secret=db-password
Option 1, a server's environment (the secret is in the JSON above, shown once; keep it out of files you share):
  AZURE_TENANT_ID=$tenant AZURE_CLIENT_ID=$app_id AZURE_CLIENT_SECRET=<password from create-for-rbac>
Option 2, a server's environment (copy $APP.pem there, readable by the app's user only):
  AZURE_TENANT_ID=$tenant AZURE_CLIENT_ID=$app_id AZURE_CLIENT_CERTIFICATE_PATH=/path/to/$APP.pem
Option 3, on your own server, as root: install the Connected Machine agent (portal: Azure Arc > Servers > Add), then
  azcmagent connect --resource-group "$RG" --tenant-id "$tenant" --location "$LOCATION" --subscription-id "$(az account show --query id -o tsv)"
  and on the workstation:
  az role assignment create --assignee-object-id "\$(az connectedmachine show -g $RG -n <server> --query identity.principalId -o tsv)" \\
    --assignee-principal-type ServicePrincipal --role "Key Vault Secrets User" --scope "$kv_id"
  Run the app as a user in the himds group.
Option 4, a server's environment (your IdP keeps a fresh token about '$IDP_SUBJECT', audience api://AzureADTokenExchange, in the file):
  AZURE_TENANT_ID=$tenant AZURE_CLIENT_ID=$uami_client AZURE_FEDERATED_TOKEN_FILE=/path/to/token
TEXT
