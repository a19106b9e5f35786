package dev.milab.arm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.milab.http.LabHttpRequest;

/**
 * Each resource type accepts the api-versions that current SDKs send by default and refuses versions Azure does not
 * have, with Resource Manager's code. Where a version comes from is in the {@code @CsvSource} line.
 */
class ApiVersionsTest {

    private static final Map<String, List<String>> SERVED = Map.of(
        "virtualMachines", ComputeApi.API_VERSIONS,
        "vaults", KeyVaultApi.API_VERSIONS,
        "servers", SqlApi.API_VERSIONS,
        "userAssignedIdentities", ManagedIdentityApi.API_VERSIONS,
        "roleAssignments", AuthorizationApi.API_VERSIONS,
        "resourceGroups", ResourceManagerEndpoint.RESOURCE_GROUP_API_VERSIONS,
        "subscriptions", ResourceManagerEndpoint.SUBSCRIPTION_API_VERSIONS);

    @ParameterizedTest(name = "{0} {1} ({2})")
    @CsvSource({
        "virtualMachines, 2026-03-01, @azure/arm-compute 24.1.0",
        "virtualMachines, 2025-04-01, azure-resourcemanager-compute 2.55 and Go armcompute v7",
        "virtualMachines, 2026-03-01, azure-mgmt-compute (Python; its _metadata.json)",
        "virtualMachines, 2025-11-01, Azure.ResourceManager.Compute (.NET; pinned in azure-rest-api-specs)",
        "userAssignedIdentities, 2025-05-31-preview, azure-mgmt-msi (Python; its _metadata.json)",
        "userAssignedIdentities, 2022-01-31-preview, Azure CLI (its profile's user_assigned_identities)",
        "vaults, 2025-05-01, azure-mgmt-keyvault (Python; its _metadata.json)",
        "servers, 2025-02-01-preview, azure-mgmt-sql (Python; its _metadata.json)",
        "servers, 2021-02-01-preview, Azure CLI 2.45 az sql server create",
        "servers, 2022-05-01-preview, Azure CLI 2.45 az sql db create",
        "resourceGroups, 2024-11-01, Azure CLI (its profile)",
        "vaults, 2026-02-01, @azure/arm-keyvault 5.0.0 and Azure.ResourceManager.KeyVault 1.4.0",
        "vaults, 2025-05-01, azure-resourcemanager-keyvault 2.54",
        "servers, 2022-08-01-preview, @azure/arm-sql 10.0.0 servers and databases",
        "servers, 2020-11-01-preview, @azure/arm-sql 10.0.0 administrators and firewall rules",
        "servers, 2021-11-01, azure-resourcemanager-sql 2.53",
        "userAssignedIdentities, 2024-11-30, @azure/arm-msi 2.2.0 and azure-resourcemanager-msi 2.53",
        "userAssignedIdentities, 2023-01-31, Azure CLI",
        "roleAssignments, 2022-04-01, @azure/arm-authorization 9.0.0 and azure-resourcemanager-authorization 2.53",
        "resourceGroups, 2025-04-01, @azure/arm-resources 7.0.0 and azure-resourcemanager-resources 2.53",
        "subscriptions, 2022-12-01, @azure/arm-resources-subscriptions 2.1.1",
    })
    void theVersionACurrentSdkSendsIsServed(String type, String version, String sentBy) {
        assertThat(call(version).requireApiVersion(SERVED.get(type), type)).isEqualTo(version);
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "virtualMachines, 2026-03-02", "virtualMachines, 2099-01-01", "vaults, 2026-02-01-preview",
        "servers, 2022-08-01", "userAssignedIdentities, 2024-11-01", "roleAssignments, 2022-04-02",
        "resourceGroups, 2025-04-02", "subscriptions, 7.6",
    })
    void aVersionAzureDoesNotHaveIsNoRegisteredProviderFound(String type, String version) {
        assertThatThrownBy(() -> call(version).requireApiVersion(SERVED.get(type), type))
            .isInstanceOfSatisfying(ArmException.class, e -> {
                assertThat(e.status()).isEqualTo(400);
                assertThat(e.code()).isEqualTo("NoRegisteredProviderFound");
                assertThat(e.getMessage()).contains("API version '" + version + "' for type '" + type + "'");
            });
    }

    private static ArmCall call(String version) {
        return new ArmCall(new LabHttpRequest("GET", "management.azure.com", "/subscriptions/s",
            "api-version=" + version, Map.of(), new byte[0]), null, null);
    }
}
