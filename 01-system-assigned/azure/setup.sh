#!/usr/bin/env bash
# Demo 01 on real Azure: what the lab creates, created in your subscription. Run on your workstation after 'az login'.
# Costs money while it exists (a B1s VM, a Basic database); 'az group delete -n "$RG"' removes everything.
set -euo pipefail

RG=${RG:-rg-milab-01}
LOCATION=${LOCATION:-westeurope}
VM=${VM:-vm1}
SQL=${SQL:-sql1-$RANDOM}          # server names are global: sql1 is surely taken
DB=${DB:-db1}

me_id=$(az ad signed-in-user show --query id -o tsv)
me_upn=$(az ad signed-in-user show --query userPrincipalName -o tsv)

az group create -n "$RG" -l "$LOCATION" -o none

# VM1, then its system-assigned identity (step 2): Azure creates a service principal named vm1 with it.
az vm create -g "$RG" -n "$VM" --image Ubuntu2204 --size Standard_B1s --admin-username azureuser \
  --generate-ssh-keys --public-ip-sku Standard -o none
principal=$(az vm identity assign -g "$RG" -n "$VM" --query systemAssignedIdentity -o tsv)
echo "VM1's identity: principalId $principal"

# SQL1 with you as its Microsoft Entra admin. A SQL admin login exists only for step 1's "before" state:
# when you are done with it, run: az sql server ad-only-auth enable -g "$RG" -n "$SQL"
read -rsp "Password for the SQL admin login sqladmin (step 1 only): " sql_password; echo
az sql server create -g "$RG" -n "$SQL" -l "$LOCATION" --admin-user sqladmin --admin-password "$sql_password" -o none
az sql server ad-admin create -g "$RG" -s "$SQL" --display-name "$me_upn" --object-id "$me_id" -o none
az sql db create -g "$RG" -s "$SQL" -n "$DB" --service-objective Basic -o none
# Let Azure services (VM1) through the server's firewall; add your own IP for the query editor or sqlcmd.
az sql server firewall-rule create -g "$RG" -s "$SQL" -n AllowAzureServices \
  --start-ip-address 0.0.0.0 --end-ip-address 0.0.0.0 -o none

# Step 5, what the notes say (it opens the control plane only):
server_id=$(az sql server show -g "$RG" -n "$SQL" --query id -o tsv)
az role assignment create --assignee-object-id "$principal" --assignee-principal-type ServicePrincipal \
  --role Contributor --scope "$server_id" -o none

cat <<TEXT

Created: $RG / $VM (identity $principal), $SQL.database.windows.net / $DB.
Now, signed in as $me_upn, run in $DB (portal: SQL databases > $DB > Query editor, or sqlcmd -G):
  azure/orders.sql                      the table and its rows
  CREATE USER [$VM] FROM EXTERNAL PROVIDER;
  ALTER ROLE db_datareader ADD MEMBER [$VM];
On $VM, app.properties:
  sql.url=jdbc:sqlserver://$SQL.database.windows.net:1433;databaseName=$DB;encrypt=true;loginTimeout=30
  sql.authentication=managed-identity
TEXT
