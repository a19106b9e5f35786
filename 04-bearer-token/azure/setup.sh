#!/usr/bin/env bash
# Demo 04 on real Azure: what the lab creates, created in your subscription. Run on your workstation after 'az login'.
# Costs money while it exists (a B1s VM); 'az group delete -n "$RG"' removes it, 'az ad app delete --id "$app_id"'
# the app registration.
set -euo pipefail

RG=${RG:-rg-milab-04}
LOCATION=${LOCATION:-westeurope}
VM=${VM:-vm1}
API=${API:-orders-api}

tenant_id=$(az account show --query tenantId -o tsv)

az group create -n "$RG" -l "$LOCATION" -o none

# VM1 and its system-assigned identity: the caller the API allows.
az vm create -g "$RG" -n "$VM" --image Ubuntu2204 --size Standard_B1s --admin-username azureuser \
  --generate-ssh-keys --public-ip-sku Standard -o none
principal=$(az vm identity assign -g "$RG" -n "$VM" --query systemAssignedIdentity -o tsv)
echo "VM1's identity: principalId $principal"

# The API's app registration, its App ID URI (the audience of its tokens) and its service principal, without which
# IMDS answers AADSTS500011 "The resource principal named api://... was not found in the tenant".
app_id=$(az ad app create --display-name "$API" --query appId -o tsv)
az ad app update --id "$app_id" --identifier-uris "api://$app_id"
az ad sp create --id "$app_id" -o none
echo "The API: appId $app_id, App ID URI api://$app_id"

# The API's port, for VM1 (and for you, if the API runs elsewhere).
az vm open-port -g "$RG" -n "$VM" --port 8443 --priority 900 -o none

cat <<TEXT

Created: $RG / $VM (identity $principal), app registration $API (api://$app_id).

api.properties, on the API's host:
  entra.tenant-id=$tenant_id
  api.audience=api://$app_id
  api.allowed-callers=$principal
  api.clock-skew-seconds=300
  api.port=8443
  api.tls.key-store=/etc/orders/tls.p12
  api.tls.key-store-password=...

client.properties, on $VM:
  api.resource=api://$app_id
  api.url=https://<the API's host name>:8443/orders

On $VM, by hand:
  curl -s -H Metadata:true "http://169.254.169.254/metadata/identity/oauth2/token?api-version=2018-02-01&resource=api://$app_id"
TEXT
