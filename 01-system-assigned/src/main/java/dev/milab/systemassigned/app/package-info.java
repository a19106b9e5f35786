/**
 * The app that runs on VM1: the code to copy. It reads orders from Azure SQL and holds no secret: the VM's managed
 * identity gets a token from the instance metadata endpoint (IMDS), and the database lets that identity in because
 * its admin made it a database user. Only the Azure SDK (azure-identity), the JDBC driver (mssql-jdbc) and the pool
 * (HikariCP); everything that differs between the lab and Azure is in {@code app.properties}.
 */
package dev.milab.systemassigned.app;
