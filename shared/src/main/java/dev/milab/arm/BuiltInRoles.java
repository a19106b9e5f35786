package dev.milab.arm;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The Azure built-in roles the demos and learners meet, with their real ids, {@code actions}, {@code notActions}
 * and {@code dataActions} as Microsoft Learn lists them ("Azure built-in roles": General, Privileged, Compute,
 * Identity, Databases, Security).
 */
public final class BuiltInRoles {

    private BuiltInRoles() {
    }

    private static final List<String> NONE = List.of();
    /** The "read roles, alerts, deployments, resource groups, support" block many service roles share. */
    private static final List<String> COMMON = List.of("Microsoft.Authorization/*/read", "Microsoft.Insights/alertRules/*",
        "Microsoft.Resources/deployments/*", "Microsoft.Resources/subscriptions/resourceGroups/read",
        "Microsoft.Support/*");
    private static final List<String> KEY_VAULT_CONTROL = concat(COMMON, List.of(
        "Microsoft.KeyVault/checkNameAvailability/read", "Microsoft.KeyVault/deletedVaults/read",
        "Microsoft.KeyVault/locations/*/read", "Microsoft.KeyVault/vaults/*/read", "Microsoft.KeyVault/operations/read"));

    /** What both SQL contributor roles exclude on managed instances (security policies and labels). */
    private static final List<String> SQL_MI_SECURITY = List.of(
        "Microsoft.Sql/managedInstances/databases/currentSensitivityLabels/*",
        "Microsoft.Sql/managedInstances/databases/recommendedSensitivityLabels/*",
        "Microsoft.Sql/managedInstances/databases/schemas/tables/columns/sensitivityLabels/*",
        "Microsoft.Sql/managedInstances/databases/securityAlertPolicies/*",
        "Microsoft.Sql/managedInstances/databases/sensitivityLabels/*",
        "Microsoft.Sql/managedInstances/databases/vulnerabilityAssessments/*",
        "Microsoft.Sql/managedInstances/securityAlertPolicies/*",
        "Microsoft.Sql/managedInstances/vulnerabilityAssessments/*");
    /** What both SQL contributor roles exclude on databases (auditing, masking, labels, assessments). */
    private static final List<String> SQL_DB_SECURITY = List.of(
        "Microsoft.Sql/servers/databases/auditingSettings/*",
        "Microsoft.Sql/servers/databases/auditRecords/read",
        "Microsoft.Sql/servers/databases/currentSensitivityLabels/*",
        "Microsoft.Sql/servers/databases/dataMaskingPolicies/*",
        "Microsoft.Sql/servers/databases/extendedAuditingSettings/*",
        "Microsoft.Sql/servers/databases/recommendedSensitivityLabels/*",
        "Microsoft.Sql/servers/databases/schemas/tables/columns/sensitivityLabels/*",
        "Microsoft.Sql/servers/databases/securityAlertPolicies/*",
        "Microsoft.Sql/servers/databases/securityMetrics/*",
        "Microsoft.Sql/servers/databases/sensitivityLabels/*",
        "Microsoft.Sql/servers/databases/vulnerabilityAssessments/*",
        "Microsoft.Sql/servers/databases/vulnerabilityAssessmentScans/*",
        "Microsoft.Sql/servers/databases/vulnerabilityAssessmentSettings/*");

    public static final RoleDefinition OWNER = new RoleDefinition("8e3af657-a8ff-443c-a75c-2fe8c4bcb635", "Owner",
        "Grants full access to manage all resources, including the ability to assign roles in Azure RBAC.",
        List.of("*"), NONE, NONE, NONE);

    public static final RoleDefinition CONTRIBUTOR = new RoleDefinition("b24988ac-6180-42a0-ab88-20f7382dd24c",
        "Contributor", "Grants full access to manage all resources, but does not allow you to assign roles in Azure "
        + "RBAC, manage assignments in Azure Blueprints, or share image galleries.",
        List.of("*"), List.of("Microsoft.Authorization/*/Delete", "Microsoft.Authorization/*/Write",
            "Microsoft.Authorization/elevateAccess/Action", "Microsoft.Blueprint/blueprintAssignments/write",
            "Microsoft.Blueprint/blueprintAssignments/delete", "Microsoft.Compute/galleries/share/action",
            "Microsoft.Purview/consents/write", "Microsoft.Purview/consents/delete"), NONE, NONE);

    public static final RoleDefinition READER = new RoleDefinition("acdd72a7-3385-48ef-bd42-f606fba81ae7", "Reader",
        "View all resources, but does not allow you to make any changes.", List.of("*/read"), NONE, NONE, NONE);

    public static final RoleDefinition USER_ACCESS_ADMINISTRATOR = new RoleDefinition(
        "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9", "User Access Administrator", "Lets you manage user access to Azure "
        + "resources.", List.of("*/read", "Microsoft.Authorization/*", "Microsoft.Support/*"), NONE, NONE, NONE);

    public static final RoleDefinition VIRTUAL_MACHINE_CONTRIBUTOR = new RoleDefinition(
        "9980e02c-c2be-4d73-94e8-173b1dc7cf3c", "Virtual Machine Contributor", "Create and manage virtual machines, "
        + "manage disks, install and run software, reset password of the root user of the virtual machine using VM "
        + "extensions, and manage local user accounts using VM extensions. This role does not grant you management "
        + "access to the virtual network or storage account the virtual machines are connected to. This role does not "
        + "allow you to assign roles in Azure RBAC.",
        List.of("Microsoft.Authorization/*/read", "Microsoft.Compute/availabilitySets/*",
            "Microsoft.Compute/locations/*", "Microsoft.Compute/virtualMachines/*",
            "Microsoft.Compute/virtualMachineScaleSets/*", "Microsoft.Compute/disks/write",
            "Microsoft.Compute/disks/read", "Microsoft.Compute/disks/delete", "Microsoft.DevTestLab/schedules/*",
            "Microsoft.Insights/alertRules/*",
            "Microsoft.Network/applicationGateways/backendAddressPools/join/action",
            "Microsoft.Network/loadBalancers/backendAddressPools/join/action",
            "Microsoft.Network/loadBalancers/inboundNatPools/join/action",
            "Microsoft.Network/loadBalancers/inboundNatRules/join/action",
            "Microsoft.Network/loadBalancers/probes/join/action", "Microsoft.Network/loadBalancers/read",
            "Microsoft.Network/locations/*", "Microsoft.Network/networkInterfaces/*",
            "Microsoft.Network/networkSecurityGroups/join/action", "Microsoft.Network/networkSecurityGroups/read",
            "Microsoft.Network/publicIPAddresses/join/action", "Microsoft.Network/publicIPAddresses/read",
            "Microsoft.Network/virtualNetworks/read", "Microsoft.Network/virtualNetworks/subnets/join/action",
            "Microsoft.RecoveryServices/locations/*",
            "Microsoft.RecoveryServices/Vaults/backupFabrics/backupProtectionIntent/write",
            "Microsoft.RecoveryServices/Vaults/backupFabrics/protectionContainers/protectedItems/*/read",
            "Microsoft.RecoveryServices/Vaults/backupFabrics/protectionContainers/protectedItems/read",
            "Microsoft.RecoveryServices/Vaults/backupFabrics/protectionContainers/protectedItems/write",
            "Microsoft.RecoveryServices/Vaults/backupPolicies/read",
            "Microsoft.RecoveryServices/Vaults/backupPolicies/write", "Microsoft.RecoveryServices/Vaults/read",
            "Microsoft.RecoveryServices/Vaults/usages/read", "Microsoft.RecoveryServices/Vaults/write",
            "Microsoft.ResourceHealth/availabilityStatuses/read", "Microsoft.Resources/deployments/*",
            "Microsoft.Resources/subscriptions/resourceGroups/read", "Microsoft.SqlVirtualMachine/*",
            "Microsoft.Storage/storageAccounts/listKeys/action", "Microsoft.Storage/storageAccounts/read",
            "Microsoft.Support/*"), NONE, NONE, NONE);

    public static final RoleDefinition MANAGED_IDENTITY_OPERATOR = new RoleDefinition(
        "f1a07417-d97a-45cb-824c-7a7467783830", "Managed Identity Operator", "Read and Assign User Assigned Identity",
        List.of("Microsoft.ManagedIdentity/userAssignedIdentities/*/read",
            "Microsoft.ManagedIdentity/userAssignedIdentities/*/assign/action", "Microsoft.Authorization/*/read",
            "Microsoft.Insights/alertRules/*", "Microsoft.Resources/subscriptions/resourceGroups/read",
            "Microsoft.Resources/deployments/*", "Microsoft.Support/*"), NONE, NONE, NONE);

    public static final RoleDefinition MANAGED_IDENTITY_CONTRIBUTOR = new RoleDefinition(
        "e40ec5ca-96e0-45a2-b4ff-59039f2c2b59", "Managed Identity Contributor",
        "Create, Read, Update, and Delete User Assigned Identity",
        List.of("Microsoft.ManagedIdentity/userAssignedIdentities/read",
            "Microsoft.ManagedIdentity/userAssignedIdentities/write",
            "Microsoft.ManagedIdentity/userAssignedIdentities/delete",
            "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials/read",
            "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials/write",
            "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials/delete",
            "Microsoft.ManagedIdentity/userAssignedIdentities/revokeTokens/action", "Microsoft.Authorization/*/read",
            "Microsoft.Insights/alertRules/*", "Microsoft.Resources/subscriptions/resourceGroups/read",
            "Microsoft.Resources/deployments/*", "Microsoft.Support/*"), NONE, NONE, NONE);

    public static final RoleDefinition SQL_SERVER_CONTRIBUTOR = new RoleDefinition(
        "6d8ee4ec-f05a-4a1d-8b00-a9b17e38b437", "SQL Server Contributor", "Lets you manage SQL servers and databases, "
        + "but not access to them, and not their security -related policies.",
        List.of("Microsoft.Authorization/*/read", "Microsoft.Insights/alertRules/*",
            "Microsoft.ResourceHealth/availabilityStatuses/read", "Microsoft.Resources/deployments/*",
            "Microsoft.Resources/subscriptions/resourceGroups/read", "Microsoft.Sql/locations/*/read",
            "Microsoft.Sql/servers/*", "Microsoft.Support/*", "Microsoft.Insights/metrics/read",
            "Microsoft.Insights/metricDefinitions/read"),
        concat(SQL_MI_SECURITY, List.of("Microsoft.Sql/servers/auditingSettings/*"), SQL_DB_SECURITY, List.of(
            "Microsoft.Sql/servers/devOpsAuditingSettings/*", "Microsoft.Sql/servers/extendedAuditingSettings/*",
            "Microsoft.Sql/servers/securityAlertPolicies/*", "Microsoft.Sql/servers/vulnerabilityAssessments/*",
            "Microsoft.Sql/servers/azureADOnlyAuthentications/delete",
            "Microsoft.Sql/servers/azureADOnlyAuthentications/write",
            "Microsoft.Sql/servers/externalPolicyBasedAuthorizations/delete",
            "Microsoft.Sql/servers/externalPolicyBasedAuthorizations/write")), NONE, NONE);

    public static final RoleDefinition SQL_DB_CONTRIBUTOR = new RoleDefinition(
        "9b7fa17d-e63e-47b0-bb0a-15c516ac86ec", "SQL DB Contributor", "Lets you manage SQL databases, but not access "
        + "to them. Also, you can't manage their security-related policies or their parent SQL servers.",
        List.of("Microsoft.Authorization/*/read", "Microsoft.Insights/alertRules/*",
            "Microsoft.ResourceHealth/availabilityStatuses/read", "Microsoft.Resources/deployments/*",
            "Microsoft.Resources/subscriptions/resourceGroups/read", "Microsoft.Sql/locations/*/read",
            "Microsoft.Sql/servers/databases/*", "Microsoft.Sql/servers/read", "Microsoft.Support/*",
            "Microsoft.Insights/metrics/read", "Microsoft.Insights/metricDefinitions/read"),
        concat(List.of("Microsoft.Sql/servers/databases/ledgerDigestUploads/write",
            "Microsoft.Sql/servers/databases/ledgerDigestUploads/disable/action"), SQL_MI_SECURITY, SQL_DB_SECURITY,
            List.of("Microsoft.Sql/servers/vulnerabilityAssessments/*")), NONE, NONE);

    public static final RoleDefinition KEY_VAULT_ADMINISTRATOR = new RoleDefinition(
        "00482a5a-887f-4fb3-b363-3b7fe8e74483", "Key Vault Administrator", "Perform all data plane operations on a "
        + "key vault and all objects in it, including certificates, keys, and secrets. Cannot manage key vault "
        + "resources or manage role assignments. Only works for key vaults that use the 'Azure role-based access "
        + "control' permission model.", KEY_VAULT_CONTROL, NONE, List.of("Microsoft.KeyVault/vaults/*"), NONE);

    public static final RoleDefinition KEY_VAULT_SECRETS_OFFICER = new RoleDefinition(
        "b86a8fe4-44ce-4948-aee5-eccb2c155cd7", "Key Vault Secrets Officer", "Perform any action on the secrets of a "
        + "key vault, except manage permissions. Only works for key vaults that use the 'Azure role-based access "
        + "control' permission model.", KEY_VAULT_CONTROL, NONE, List.of("Microsoft.KeyVault/vaults/secrets/*"), NONE);

    public static final RoleDefinition KEY_VAULT_SECRETS_USER = new RoleDefinition(
        "4633458b-17de-408a-b874-0445c86b69e6", "Key Vault Secrets User", "Read secret contents. Only works for key "
        + "vaults that use the 'Azure role-based access control' permission model.", NONE, NONE,
        List.of("Microsoft.KeyVault/vaults/secrets/getSecret/action",
            "Microsoft.KeyVault/vaults/secrets/readMetadata/action"), NONE);

    public static final RoleDefinition KEY_VAULT_READER = new RoleDefinition(
        "21090545-7ca7-4776-b22c-e363652d74d2", "Key Vault Reader", "Read metadata of key vaults and its "
        + "certificates, keys, and secrets. Cannot read sensitive values such as secret contents or key material. "
        + "Only works for key vaults that use the 'Azure role-based access control' permission model.",
        KEY_VAULT_CONTROL, NONE, List.of("Microsoft.KeyVault/vaults/*/read",
            "Microsoft.KeyVault/vaults/secrets/readMetadata/action"), NONE);

    public static final List<RoleDefinition> ALL = List.of(OWNER, CONTRIBUTOR, READER, USER_ACCESS_ADMINISTRATOR,
        VIRTUAL_MACHINE_CONTRIBUTOR, MANAGED_IDENTITY_OPERATOR, MANAGED_IDENTITY_CONTRIBUTOR, SQL_SERVER_CONTRIBUTOR,
        SQL_DB_CONTRIBUTOR, KEY_VAULT_ADMINISTRATOR, KEY_VAULT_SECRETS_OFFICER, KEY_VAULT_SECRETS_USER,
        KEY_VAULT_READER);

    /** A built-in role by its GUID, or by a definition id ending in it. */
    public static Optional<RoleDefinition> byId(String idOrName) {
        String guid = idOrName.substring(idOrName.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
        return ALL.stream().filter(r -> r.name().equals(guid)).findFirst();
    }

    /** A built-in role by its display name ({@code roleName}), ignoring case. */
    public static Optional<RoleDefinition> byRoleName(String roleName) {
        return ALL.stream().filter(r -> r.roleName().equalsIgnoreCase(roleName)).findFirst();
    }

    @SafeVarargs
    private static List<String> concat(List<String>... lists) {
        List<String> all = new java.util.ArrayList<>();
        for (List<String> l : lists) {
            all.addAll(l);
        }
        return List.copyOf(all);
    }
}
