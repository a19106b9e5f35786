package dev.milab.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.milab.arm.UserAssignedIdentity;
import dev.milab.entra.ServicePrincipal;
import dev.milab.lab.Lab;
import dev.milab.lab.VmProcess;
import dev.milab.testing.SharedLab;

/**
 * The heart of demos 01 and 02: code on a VM logs in to Azure SQL with no password. mssql-jdbc's
 * ActiveDirectoryManagedIdentity and ActiveDirectoryDefault get the token from the VM's IMDS (through
 * azure-identity) in a child JVM that runs "on" the VM.
 */
class SqlManagedIdentityOnVmIT {

    static String url(Lab lab, String authentication, String extra) {
        return "jdbc:sqlserver://127.0.0.1:" + lab.sqlPort() + ";instanceName=sqlmi;databaseName=dbmi;encrypt=strict"
            + ";hostNameInCertificate=sqlmi.database.windows.net;trustStore=" + lab.trustFiles().trustStore()
            + ";trustStorePassword=changeit;loginTimeout=30;authentication=" + authentication + extra;
    }

    @Test
    void aVmsIdentitiesLogInWithManagedIdentityAndDefaultCredential() {
        Lab lab = SharedLab.get();
        SqlServer server = lab.azureSql().createServer("sqlmi");
        SqlDatabase db = server.createDatabase("dbmi");
        server.setEntraAdmin(lab.createUserAssignedIdentity("sqlmi-admin").principal());
        lab.createVirtualMachine("sqlmi-vm");
        ServicePrincipal system = lab.enableSystemAssignedIdentity("sqlmi-vm").systemAssigned();
        UserAssignedIdentity shared = lab.createUserAssignedIdentity("sqlmi-shared");
        lab.attachUserAssignedIdentity("sqlmi-vm", "sqlmi-shared");
        db.createExternalUser("sqlmi-vm", system.appId(), system.objectId());
        db.createExternalUser("sqlmi-shared", shared.clientId(), shared.principalId());

        List<String> urls = List.of(url(lab, "ActiveDirectoryManagedIdentity", ""),
            url(lab, "ActiveDirectoryManagedIdentity", ";user=" + shared.clientId()),
            url(lab, "ActiveDirectoryDefault", ""));
        try (VmProcess vm = lab.launchOnVm("sqlmi-vm", PrintSqlIdentity.class.getName(), urls, System.out)) {
            assertThat(vm.waitFor(90, TimeUnit.SECONDS)).as(String.join("\n", vm.output())).isZero();
            String tenant = lab.tenant().id();
            assertThat(vm.output()).containsSubsequence(
                "login=" + system.appId() + "@" + tenant + " user=sqlmi-vm db=dbmi",
                "login=" + shared.clientId() + "@" + tenant + " user=sqlmi-shared db=dbmi",
                "login=" + system.appId() + "@" + tenant + " user=sqlmi-vm db=dbmi");
        }
    }
}
