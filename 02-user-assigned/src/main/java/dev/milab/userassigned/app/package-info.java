/**
 * The app that runs on each of VM1..VM5: the code to copy. It reads the stock list from Azure SQL as the
 * user-assigned identity {@code MyUserIdentity}, which every VM carries; {@code azure.client-id} in
 * {@code app.properties} says which of the VM's identities to use. No secret anywhere. Only the Azure SDK
 * (azure-identity), the JDBC driver (mssql-jdbc) and the pool (HikariCP).
 */
package dev.milab.userassigned.app;
