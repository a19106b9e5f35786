package dev.milab.entra;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Microsoft's own public client applications that every tenant knows without a registration (their application
 * objects live in Microsoft's tenant), and the delegated permissions Entra ID gives them: what a user's token for
 * such a client carries in {@code scp}. The lab knows the two command-line tools that sign users in.
 */
public final class FirstPartyClients {

    /** A first-party public client. */
    public record Client(String appId, String displayName) {
    }

    /** The Azure CLI's client id (azure-cli-core, {@code AZURE_CLI_CLIENT_ID}). */
    public static final String AZURE_CLI = "04b07795-8ddb-461a-bbee-02f9e1bf7b46";
    /** Azure PowerShell's client id. */
    public static final String AZURE_POWERSHELL = "1950a258-227b-4e31-a9cf-717495945fc2";

    private static final Map<String, Client> CLIENTS = Map.of(
        AZURE_CLI, new Client(AZURE_CLI, "Microsoft Azure CLI"),
        AZURE_POWERSHELL, new Client(AZURE_POWERSHELL, "Microsoft Azure PowerShell"));

    /**
     * Microsoft Graph's delegated permissions pre-authorized for these clients, as seen in the {@code scp} of the
     * Graph tokens the Azure CLI receives (Microsoft changes the list now and then; this is its gist).
     */
    static final List<String> GRAPH_SCOPES = List.of("Application.ReadWrite.All", "AppRoleAssignment.ReadWrite.All",
        "AuditLog.Read.All", "DelegatedPermissionGrant.ReadWrite.All", "Directory.AccessAsUser.All", "email",
        "Group.ReadWrite.All", "openid", "profile", "User.Read.All", "User.ReadWrite.All");

    private FirstPartyClients() {
    }

    public static Optional<Client> byAppId(String appId) {
        return appId == null ? Optional.empty() : Optional.ofNullable(CLIENTS.get(appId.toLowerCase(Locale.ROOT)));
    }

    /**
     * The {@code scp} of a user's token for {@code resource}: Graph's delegated permissions above, and
     * {@code user_impersonation} for Resource Manager, Key Vault, Azure SQL and the rest (their one delegated
     * permission, "Access ... as the signed-in user").
     */
    public static String delegatedScopes(String resource) {
        String r = resource.toLowerCase(Locale.ROOT);
        if (r.equals("https://graph.microsoft.com") || r.equals("https://graph.microsoft.com/")
            || r.equals("00000003-0000-0000-c000-000000000000")) {
            return String.join(" ", GRAPH_SCOPES);
        }
        return "user_impersonation";
    }
}
