#!/usr/bin/env bash
# Demo 02 on real Azure: one user-assigned identity (MyUserIdentity) on VM1..VM5, one database user in SQL1's db1.
#
# Needs: az (signed in with 'az login' to the subscription to use), rights to create resources there.
# It costs money while it runs: five small VMs and a Basic database. Remove everything with:
#   az group delete -n "$RG" --yes
#
# Settings (environment variables): RG, LOCATION, SQL_SERVER (globally unique), VM_SIZE, VM_IMAGE.
set -euo pipefail

RG=${RG:-rg-milab-02}
LOCATION=${LOCATION:-westeurope}
IDENTITY=MyUserIdentity
SQL_SERVER=${SQL_SERVER:-sql1-milab-$RANDOM}
DATABASE=db1
VM_SIZE=${VM_SIZE:-Standard_B1s}
VM_IMAGE=${VM_IMAGE:-Ubuntu2204}

echo "== Resource group $RG in $LOCATION"
az group create --name "$RG" --location "$LOCATION" --output none

echo "== Step 1: $IDENTITY, on its own"
az identity create --resource-group "$RG" --name "$IDENTITY" --location "$LOCATION" --output none
IDENTITY_ID=$(az identity show --resource-group "$RG" --name "$IDENTITY" --query id --output tsv)
CLIENT_ID=$(az identity show --resource-group "$RG" --name "$IDENTITY" --query clientId --output tsv)
PRINCIPAL_ID=$(az identity show --resource-group "$RG" --name "$IDENTITY" --query principalId --output tsv)
echo "   clientId    $CLIENT_ID   (azure.client-id in app.properties)"
echo "   principalId $PRINCIPAL_ID   (the object id; not what the app names)"

echo "== Step 2: VM1..VM5 with $IDENTITY attached (no public IP: connect with Bastion or 'az vm run-command')"
for n in 1 2 3 4 5; do
  az vm create --resource-group "$RG" --name "vm$n" --image "$VM_IMAGE" --size "$VM_SIZE" \
    --assign-identity "$IDENTITY_ID" --admin-username azureuser --generate-ssh-keys \
    --public-ip-address "" --nsg-rule NONE --output none
  # For a VM that exists already: az vm identity assign --resource-group "$RG" --name "vm$n" --identities "$IDENTITY_ID"
done

echo "== SQL1 ($SQL_SERVER) with you as its Microsoft Entra admin, Entra-only authentication, and $DATABASE"
ADMIN_ID=$(az ad signed-in-user show --query id --output tsv)
ADMIN_NAME=$(az ad signed-in-user show --query userPrincipalName --output tsv)
az sql server create --resource-group "$RG" --name "$SQL_SERVER" --location "$LOCATION" \
  --enable-ad-only-auth --external-admin-principal-type User \
  --external-admin-name "$ADMIN_NAME" --external-admin-sid "$ADMIN_ID" --output none
az sql db create --resource-group "$RG" --server "$SQL_SERVER" --name "$DATABASE" --service-objective Basic --output none
# The VMs reach SQL1 over Azure's network: allow Azure services (0.0.0.0). A private endpoint is the stricter choice.
az sql server firewall-rule create --resource-group "$RG" --server "$SQL_SERVER" --name AllowAzureServices \
  --start-ip-address 0.0.0.0 --end-ip-address 0.0.0.0 --output none

cat <<SQL

== Step 3: as the database's Entra admin ($ADMIN_NAME), run in $DATABASE (portal query editor, or
   sqlcmd -S $SQL_SERVER.database.windows.net -d $DATABASE --authentication-method ActiveDirectoryDefault):

CREATE USER [$IDENTITY] FROM EXTERNAL PROVIDER;
ALTER ROLE db_datareader ADD MEMBER [$IDENTITY];
CREATE TABLE dbo.Inventory (Sku nvarchar(8) PRIMARY KEY, Name nvarchar(40), OnHand int);
INSERT INTO dbo.Inventory VALUES (N'A-100', N'Hex bolts M8', 1200), (N'B-220', N'Wing nuts M6', 640),
  (N'C-310', N'Washers 8 mm', 3000);
SQL

cat <<PROPERTIES

== app.properties on each VM (the same file on all five; no secret in it):

sql.url=jdbc:sqlserver://$SQL_SERVER.database.windows.net:1433;databaseName=$DATABASE;encrypt=true;hostNameInCertificate=*.database.windows.net;loginTimeout=30
sql.authentication=managed-identity
azure.client-id=$CLIENT_ID

Then, on each VM: java -cp <the app and its dependencies> dev.milab.userassigned.app.InventoryApp --config app.properties
(the app's dependencies: azure-identity with its default HTTP client azure-core-http-netty, mssql-jdbc, HikariCP)

Pitfalls to try:
  a second identity on VM2, and a config without azure.client-id there:
    az identity create -g $RG -n MyBatchIdentity
    az vm identity assign -g $RG -n vm2 --identities \$(az identity show -g $RG -n MyBatchIdentity --query id -o tsv)
  a role for an identity created a moment ago (principalType avoids PrincipalNotFound during replication):
    az role assignment create --assignee-object-id <principalId> --assignee-principal-type ServicePrincipal \\
      --role Reader --scope \$(az sql server show -g $RG -n $SQL_SERVER --query id -o tsv)
  detach from VM3:       az vm identity remove -g $RG -n vm3 --identities $IDENTITY_ID
  delete VM1, then it:   az vm delete -g $RG -n vm1 --yes; az identity delete -g $RG -n $IDENTITY
PROPERTIES
