package dev.milab.sql;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;

/**
 * App code as it runs on an Azure VM: a JDBC URL with {@code authentication=ActiveDirectoryManagedIdentity} (or
 * {@code ActiveDirectoryDefault}) and no secret; mssql-jdbc asks IMDS for the token itself. Prints who the
 * database says it is. Arguments: one JDBC URL per connection to open.
 */
public final class PrintSqlIdentity {

    private PrintSqlIdentity() {
    }

    public static void main(String[] args) throws Exception {
        for (String url : args) {
            try (Connection c = DriverManager.getConnection(url);
                 Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT SUSER_SNAME(), USER_NAME(), DB_NAME()")) {
                rs.next();
                System.out.println("login=" + rs.getString(1) + " user=" + rs.getString(2) + " db=" + rs.getString(3));
            }
        }
    }
}
