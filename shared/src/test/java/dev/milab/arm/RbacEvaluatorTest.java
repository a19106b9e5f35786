package dev.milab.arm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.milab.entra.Directory;
import dev.milab.entra.ServicePrincipal;
import dev.milab.entra.Tenant;
import dev.milab.lab.LabClock;

/** Azure RBAC as the lab evaluates it: wildcards, notActions, data actions, inheritance, propagation delay. */
class RbacEvaluatorTest {

    private static final String SUB = "00000000-0000-0000-0000-00000000000a";
    private final LabClock clock = new LabClock();
    private final AtomicReference<Duration> delay = new AtomicReference<>(Duration.ZERO);
    private ResourceGraph graph;
    private RbacEvaluator rbac;
    private String principal;

    @BeforeEach
    void graphWithOneVm() {
        Directory directory = new Directory(new Tenant(UUID.randomUUID().toString(), "t.onmicrosoft.com"));
        graph = new ResourceGraph(SUB, directory);
        graph.createResourceGroup("rg", "westeurope");
        graph.createResourceGroup("other", "westeurope");
        graph.createVirtualMachine("rg", "vm1");
        rbac = new RbacEvaluator(graph, clock, delay::get);
        principal = directory.createManagedIdentity("p", ServicePrincipal.Kind.USER_ASSIGNED_MANAGED_IDENTITY, "/x")
            .objectId();
    }

    private void grant(RoleDefinition role, String scope) {
        graph.createRoleAssignment(new RoleAssignment(UUID.randomUUID().toString(), scope, role.name(), principal,
            "ServicePrincipal", null, clock.instant(), principal));
    }

    @ParameterizedTest(name = "{0} matches {1}: {2}")
    @CsvSource({
        "*, Microsoft.Compute/virtualMachines/write, true",
        "*/read, Microsoft.Compute/virtualMachines/read, true",
        "*/read, Microsoft.Compute/virtualMachines/write, false",
        "Microsoft.Compute/virtualMachines/*, Microsoft.Compute/virtualMachines/delete, true",
        "Microsoft.Compute/virtualMachines/*, Microsoft.Compute/disks/read, false",
        "Microsoft.ManagedIdentity/userAssignedIdentities/*/assign/action, Microsoft.ManagedIdentity/userAssignedIdentities/assign/action, true",
        "Microsoft.ManagedIdentity/userAssignedIdentities/*/read, Microsoft.ManagedIdentity/userAssignedIdentities/read, true",
        "Microsoft.Authorization/*/Write, microsoft.authorization/roleassignments/write, true",
        "Microsoft.Authorization/*/Write, Microsoft.Authorization/roleAssignments/read, false",
        "Microsoft.KeyVault/vaults/secrets/*, Microsoft.KeyVault/vaults/secrets/getSecret/action, true"
    })
    void permissionPatternsMatchAsAzureDocumentsThem(String pattern, String operation, boolean expected) {
        assertThat(PermissionPattern.matches(pattern, operation)).isEqualTo(expected);
    }

    @Test
    void contributorMayWriteResourcesButNotRoleAssignments() {
        grant(BuiltInRoles.CONTRIBUTOR, "/subscriptions/" + SUB);
        String vm = ResourceIds.virtualMachine(SUB, "rg", "vm1");

        assertThat(rbac.isAllowed(principal, "Microsoft.Compute/virtualMachines/write", vm)).isTrue();
        assertThat(rbac.isAllowed(principal, "Microsoft.Authorization/roleAssignments/write", vm)).isFalse();
        assertThat(rbac.isAllowed(principal, "Microsoft.Authorization/roleAssignments/read", vm)).isTrue();
    }

    @Test
    void anAssignmentIsInheritedDownwardsOnly() {
        String rg = ResourceIds.resourceGroup(SUB, "rg");
        grant(BuiltInRoles.READER, rg);

        assertThat(rbac.isAllowed(principal, "Microsoft.Compute/virtualMachines/read",
            ResourceIds.virtualMachine(SUB, "rg", "vm1"))).isTrue();
        assertThat(rbac.isAllowed(principal, "Microsoft.Compute/virtualMachines/read",
            ResourceIds.resourceGroup(SUB, "other"))).isFalse();
        assertThat(rbac.isAllowed(principal, "Microsoft.Resources/subscriptions/read", "/subscriptions/" + SUB))
            .isFalse();
        assertThat(rbac.isAllowed(principal, "Microsoft.Compute/virtualMachines/read", rg + "x")).isFalse();
    }

    @Test
    void dataActionsComeOnlyFromDataActions() {
        String vault = ResourceIds.resourceGroup(SUB, "rg") + "/providers/Microsoft.KeyVault/vaults/kv1";
        graph.putKeyVault("rg", "kv1", "westeurope", "standard", true, 90, java.util.Map.of());
        grant(BuiltInRoles.OWNER, vault);
        assertThat(rbac.isDataActionAllowed(principal, "Microsoft.KeyVault/vaults/secrets/getSecret/action", vault))
            .isFalse();

        grant(BuiltInRoles.KEY_VAULT_SECRETS_USER, vault);
        assertThat(rbac.isDataActionAllowed(principal, "Microsoft.KeyVault/vaults/secrets/getSecret/action",
            vault + "/secrets/s1")).isTrue();
        assertThat(rbac.isDataActionAllowed(principal, "Microsoft.KeyVault/vaults/secrets/setSecret/action", vault))
            .isFalse();
    }

    @Test
    void aNewAssignmentCountsOnlyAfterThePropagationDelay() {
        delay.set(Duration.ofSeconds(30));
        grant(BuiltInRoles.READER, "/subscriptions/" + SUB);
        assertThat(rbac.isAllowed(principal, "Microsoft.Compute/virtualMachines/read", "/subscriptions/" + SUB))
            .isFalse();

        clock.advance(Duration.ofSeconds(31));
        assertThat(rbac.isAllowed(principal, "Microsoft.Compute/virtualMachines/read", "/subscriptions/" + SUB))
            .isTrue();
    }

    @Test
    void theSameGrantTwiceIsRoleAssignmentExistsAndNothingChanges() {
        grant(BuiltInRoles.READER, "/subscriptions/" + SUB);

        assertThatThrownBy(() -> grant(BuiltInRoles.READER, "/subscriptions/" + SUB))
            .isInstanceOfSatisfying(ArmException.class, e -> {
                assertThat(e.status()).isEqualTo(409);
                assertThat(e.code()).isEqualTo("RoleAssignmentExists");
            });
        assertThat(graph.roleAssignments()).hasSize(1);
    }

    @Test
    void anAssignmentOutlivesItsVmsIdentity() {
        VirtualMachine vm = graph.enableSystemAssignedIdentity("rg", "vm1");
        String identity = vm.systemAssigned().objectId();
        graph.createRoleAssignment(new RoleAssignment(UUID.randomUUID().toString(), ResourceIds.resourceGroup(SUB,
            "rg"), BuiltInRoles.READER.name(), identity, "ServicePrincipal", null, Instant.EPOCH, identity));

        graph.deleteVirtualMachine("rg", "vm1");

        assertThat(graph.roleAssignments()).extracting(RoleAssignment::principalId).containsExactly(identity);
        assertThat(graph.directory().byObjectId(identity)).isEmpty();
    }
}
