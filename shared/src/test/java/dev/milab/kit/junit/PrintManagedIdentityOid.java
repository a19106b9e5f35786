package dev.milab.kit.junit;

import java.io.PrintStream;

import com.azure.core.credential.TokenRequestContext;
import com.azure.identity.ManagedIdentityCredentialBuilder;

import dev.milab.kit.JwtView;

/**
 * App code as it runs on a VM: asks the VM's managed identity (the system-assigned one, or the user-assigned one
 * whose client id is {@code args[0]}) for an Azure SQL token and prints whose it is.
 */
public final class PrintManagedIdentityOid {

    private PrintManagedIdentityOid() {
    }

    public static int run(String[] args, PrintStream out) {
        ManagedIdentityCredentialBuilder builder = new ManagedIdentityCredentialBuilder();
        if (args.length > 0) {
            builder.clientId(args[0]);
        }
        String token = builder.build().getTokenSync(new TokenRequestContext()
            .addScopes("https://database.windows.net/.default")).getToken();
        out.println("oid=" + JwtView.decode(token).claim("oid"));
        return 0;
    }
}
