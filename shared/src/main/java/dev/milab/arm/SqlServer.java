package dev.milab.arm;

import java.util.List;

/**
 * A logical Azure SQL server ({@code Microsoft.Sql/servers}) as Resource Manager knows it: its Microsoft Entra admin,
 * firewall rules and databases. The TDS endpoint reads the Entra admin from here (see
 * {@link ResourceGraph#sqlServerByHostName(String)} and {@link ResourceGraph.Listener#sqlServerChanged(SqlServer)}).
 *
 * @param entraAdmin null until an admin is set ("Microsoft Entra admin" in the portal)
 */
public record SqlServer(String subscriptionId, String resourceGroup, String name, String location,
                        String administratorLogin, SqlEntraAdmin entraAdmin, List<FirewallRule> firewallRules,
                        List<String> databases, java.util.Map<String, String> databaseSkus) {

    public SqlServer {
        firewallRules = List.copyOf(firewallRules);
        databases = List.copyOf(databases);
        databaseSkus = java.util.Map.copyOf(databaseSkus);
    }

    public SqlServer(String subscriptionId, String resourceGroup, String name, String location,
                     String administratorLogin, SqlEntraAdmin entraAdmin, List<FirewallRule> firewallRules,
                     List<String> databases) {
        this(subscriptionId, resourceGroup, name, location, administratorLogin, entraAdmin, firewallRules, databases,
            java.util.Map.of());
    }

    /** The service objective a database was created with ({@code Basic}, {@code S0}, ...), or null for the lab's default. */
    public String databaseSku(String database) {
        return databaseSkus.get(database.toLowerCase(java.util.Locale.ROOT));
    }

    /** Whether Microsoft Entra-only authentication is on (SQL logins refused); it needs an Entra admin. */
    public boolean entraOnlyAuthentication() {
        return entraAdmin != null && entraAdmin.azureADOnlyAuthentication();
    }

    public String id() {
        return ResourceIds.sqlServer(subscriptionId, resourceGroup, name);
    }

    /** {@code {name}.database.windows.net}, the name clients connect to and check in the certificate. */
    public String fullyQualifiedDomainName() {
        return name.toLowerCase(java.util.Locale.ROOT) + ".database.windows.net";
    }

    /**
     * The server's Microsoft Entra admin ({@code administrators/ActiveDirectory}).
     *
     * @param login         the admin's display name as set ({@code login})
     * @param sid           the admin's object id (for a group or user) or client id (for an application)
     * @param principalType {@code User}, {@code Group} or {@code Application}
     */
    public record SqlEntraAdmin(String login, String sid, String tenantId, String principalType,
                                boolean azureADOnlyAuthentication) {
    }

    /** A server-level firewall rule; {@code 0.0.0.0}-{@code 0.0.0.0} is "Allow Azure services". */
    public record FirewallRule(String name, String startIpAddress, String endIpAddress) {
    }

    SqlServer withEntraAdmin(SqlEntraAdmin admin) {
        return new SqlServer(subscriptionId, resourceGroup, name, location, administratorLogin, admin, firewallRules,
            databases, databaseSkus);
    }

    SqlServer withDatabase(String database) {
        return withDatabase(database, null);
    }

    SqlServer withDatabase(String database, String sku) {
        List<String> list = new java.util.ArrayList<>(databases);
        list.add(database);
        java.util.Map<String, String> skus = new java.util.HashMap<>(databaseSkus);
        if (sku != null) {
            skus.put(database.toLowerCase(java.util.Locale.ROOT), sku);
        }
        return new SqlServer(subscriptionId, resourceGroup, name, location, administratorLogin, entraAdmin,
            firewallRules, list, skus);
    }

    SqlServer withoutDatabase(String database) {
        java.util.Map<String, String> skus = new java.util.HashMap<>(databaseSkus);
        skus.remove(database.toLowerCase(java.util.Locale.ROOT));
        return new SqlServer(subscriptionId, resourceGroup, name, location, administratorLogin, entraAdmin,
            firewallRules, databases.stream().filter(d -> !d.equalsIgnoreCase(database)).toList(), skus);
    }

    SqlServer withoutFirewallRule(String rule) {
        return new SqlServer(subscriptionId, resourceGroup, name, location, administratorLogin, entraAdmin,
            firewallRules.stream().filter(r -> !r.name().equalsIgnoreCase(rule)).toList(), databases, databaseSkus);
    }

    SqlServer withFirewallRule(FirewallRule rule) {
        List<FirewallRule> list = new java.util.ArrayList<>(firewallRules.stream()
            .filter(r -> !r.name().equalsIgnoreCase(rule.name())).toList());
        list.add(rule);
        return new SqlServer(subscriptionId, resourceGroup, name, location, administratorLogin, entraAdmin, list,
            databases, databaseSkus);
    }
}
