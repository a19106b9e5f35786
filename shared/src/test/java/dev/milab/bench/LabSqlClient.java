package dev.milab.bench;

import com.microsoft.sqlserver.jdbc.SQLServerDataSource;

import dev.milab.lab.Lab;

/** How the benchmarks reach the lab's {@code sql1/db1} with unmodified mssql-jdbc: strict encryption, the lab CA. */
final class LabSqlClient {

    private LabSqlClient() {
    }

    static SQLServerDataSource strict(Lab lab) {
        SQLServerDataSource ds = new SQLServerDataSource();
        ds.setServerName("127.0.0.1");
        ds.setInstanceName("sql1");
        ds.setPortNumber(lab.sqlPort());
        ds.setDatabaseName("db1");
        ds.setEncrypt("strict");
        ds.setTrustStore(lab.trustFiles().trustStore().toString());
        ds.setTrustStorePassword(lab.trustFiles().trustStorePassword());
        ds.setHostNameInCertificate("sql1.database.windows.net");
        return ds;
    }
}
