package dev.milab.sql;

import dev.milab.entra.ServicePrincipal;
import dev.milab.lab.Lab;
import dev.milab.testing.SharedLab;

/**
 * The server the captures name ({@code 127.0.0.1\sql1}, database {@code db1}, SQL administrator
 * {@code sqladmin}) in the shared lab, for tests that feed captured messages to a session without sockets.
 */
final class SqlFixtures {

    static final String ADMIN_PASSWORD = "Adm1n-Passw0rd!";

    private SqlFixtures() {
    }

    static synchronized SqlServer sql1() {
        Lab lab = SharedLab.get();
        return lab.azureSql().server("sql1").orElseGet(() -> {
            SqlServer server = lab.azureSql().createServer("sql1");
            server.createDatabase("db1");
            server.setSqlAdministrator("sqladmin", ADMIN_PASSWORD);
            lab.createVirtualMachine("sql1-vm");
            ServicePrincipal vm = lab.enableSystemAssignedIdentity("sql1-vm").systemAssigned();
            server.setEntraAdmin(lab.createUserAssignedIdentity("sql1-admin").principal());
            server.database("db1").orElseThrow().createExternalUser("sql1-vm", vm.appId(), vm.objectId());
            return server;
        });
    }

    static ServicePrincipal vm() {
        sql1();
        return SharedLab.get().virtualMachine("sql1-vm").orElseThrow().systemAssigned();
    }
}
