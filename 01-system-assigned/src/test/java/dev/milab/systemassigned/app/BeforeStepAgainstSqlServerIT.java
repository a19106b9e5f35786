package dev.milab.systemassigned.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.mssqlserver.MSSQLServerContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * Step 1 of demo 01 (the "before": a SQL login whose password sits in the app's config file) against a real SQL
 * Server in Docker, to check the app code against the real engine and not only the lab's. Opt-in: skipped where
 * there is no Docker. Managed identity needs Entra ID and cannot be tried here; that is what the lab is for.
 */
@Testcontainers(disabledWithoutDocker = true)
class BeforeStepAgainstSqlServerIT {

    private static final String PASSWORD = "Orders-App-Passw0rd!";

    @Container
    static final MSSQLServerContainer SQL_SERVER = new MSSQLServerContainer(
        DockerImageName.parse("mcr.microsoft.com/mssql/server:2022-latest")).acceptLicense();

    @TempDir
    static Path disk;

    /** The container's SQL Server; it has a self-signed certificate, so the URL trusts it (never on Azure). */
    private static String url(String database) {
        return "jdbc:sqlserver://" + SQL_SERVER.getHost() + ":" + SQL_SERVER.getMappedPort(
            MSSQLServerContainer.MS_SQL_SERVER_PORT) + ";databaseName=" + database
            + ";encrypt=true;trustServerCertificate=true;loginTimeout=30";
    }

    private static void asSa(String database, String tsql) throws Exception {
        try (Connection c = DriverManager.getConnection(url(database), SQL_SERVER.getUsername(),
            SQL_SERVER.getPassword()); Statement s = c.createStatement()) {
            s.execute(tsql);
        }
    }

    @BeforeAll
    static void theDatabaseHasOrdersAndTheAppsSqlLogin() throws Exception {
        asSa("master", "CREATE DATABASE db1");
        asSa("master", "CREATE LOGIN orders_app WITH PASSWORD = N'" + PASSWORD + "'");
        asSa("db1", "CREATE TABLE dbo.Orders (Id int PRIMARY KEY, Customer nvarchar(50), Total decimal(10,2));"
            + " INSERT INTO dbo.Orders VALUES (1, N'Contoso', 120.50), (2, N'Fabrikam', 89.90),"
            + " (3, N'Northwind', 240.00);"
            + " CREATE USER orders_app FOR LOGIN orders_app;"
            + " ALTER ROLE db_datareader ADD MEMBER orders_app;");
    }

    @Test
    void withAPasswordInItsConfigFileTheAppSignsInAndReadsTheOrders() throws Exception {
        Path config = Files.writeString(disk.resolve("app.properties"), String.join("\n",
            "sql.url=" + url("db1"),
            "sql.authentication=password",
            "sql.user=orders_app",
            "sql.password=" + PASSWORD), StandardCharsets.UTF_8);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        int exit = OrdersApp.run(new String[] {"--config", config.toString()},
            new PrintStream(bytes, true, StandardCharsets.UTF_8));

        String printed = bytes.toString(StandardCharsets.UTF_8);
        assertThat(exit).as(printed).isZero();
        assertThat(printed.lines()).containsExactly(
            "Signed in to Azure SQL as orders_app (database user orders_app)",
            "Order 1  Contoso          120.50",
            "Order 2  Fabrikam          89.90",
            "Order 3  Northwind        240.00");
    }
}
