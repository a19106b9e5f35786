package dev.milab.systemassigned.demo;

import java.io.PrintStream;

import com.azure.core.management.AzureEnvironment;
import com.azure.core.management.exception.ManagementException;
import com.azure.core.management.profile.AzureProfile;
import com.azure.identity.ManagedIdentityCredentialBuilder;
import com.azure.resourcemanager.sql.SqlServerManager;
import com.azure.resourcemanager.sql.models.SqlServer;

/**
 * Runs on VM1: reads SQL1's settings through Resource Manager as the VM's managed identity (the control plane).
 * Arguments: tenant id, subscription id, the server's resource id.
 */
public final class ReadSqlServer {

    private ReadSqlServer() {
    }

    public static int run(String[] args, PrintStream out) {
        AzureProfile profile = new AzureProfile(args[0], args[1], AzureEnvironment.AZURE);
        SqlServerManager sql = SqlServerManager.authenticate(new ManagedIdentityCredentialBuilder().build(), profile);
        try {
            SqlServer server = sql.sqlServers().getById(args[2]);
            out.println("read " + server.name() + " fqdn=" + server.fullyQualifiedDomainName() + " version="
                + server.version() + " admin=" + server.administratorLogin());
            return 0;
        } catch (ManagementException e) {
            out.println("refused " + e.getResponse().getStatusCode() + " " + e.getValue().getCode());
            return 1;
        }
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out));
    }
}
