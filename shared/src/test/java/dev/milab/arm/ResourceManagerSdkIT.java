package dev.milab.arm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.azure.core.credential.TokenCredential;
import com.azure.core.management.Region;
import com.azure.core.management.exception.ManagementException;
import com.azure.resourcemanager.authorization.AuthorizationManager;
import com.azure.resourcemanager.authorization.models.BuiltInRole;
import com.azure.resourcemanager.authorization.models.RoleAssignment;
import com.azure.resourcemanager.compute.ComputeManager;
import com.azure.resourcemanager.compute.models.VirtualMachine;
import com.azure.resourcemanager.msi.MsiManager;
import com.azure.resourcemanager.msi.fluent.FederatedIdentityCredentialsClient;
import com.azure.resourcemanager.msi.fluent.models.FederatedIdentityCredentialInner;
import com.azure.resourcemanager.msi.models.Identity;
import com.azure.resourcemanager.resources.ResourceManager;
import com.azure.resourcemanager.resources.models.ResourceGroup;

import dev.milab.lab.Lab;
import dev.milab.testing.SharedLab;

/**
 * The calls the demos make, with the unmodified azure-resourcemanager SDK signed in as the lab's admin
 * ({@code ClientSecretCredential}, instance discovery on): enable a VM's system-assigned identity, create
 * "MyUserIdentity" and attach it to five VMs, grant a built-in role at resource scope, list and delete assignments,
 * and see an orphaned assignment after deleting a VM.
 */
class ResourceManagerSdkIT {

    private static final String RG = Lab.DEFAULT_RESOURCE_GROUP;
    private static Lab lab;
    private static ComputeManager compute;
    private static MsiManager msi;
    private static AuthorizationManager authorization;
    private static ResourceManager resources;

    @BeforeAll
    static void signInAsTheAdmin() {
        lab = SharedLab.get();
        TokenCredential admin = ArmClients.admin(lab);
        compute = ComputeManager.authenticate(admin, ArmClients.profile(lab));
        msi = MsiManager.authenticate(admin, ArmClients.profile(lab));
        authorization = AuthorizationManager.authenticate(admin, ArmClients.profile(lab));
        resources = ResourceManager.authenticate(admin, ArmClients.profile(lab)).withSubscription(lab.subscriptionId());
    }

    @Test
    void theAdminReadsTheLabsResourceGroup() {
        ResourceGroup rg = resources.resourceGroups().getByName(RG);

        assertThat(rg.regionName()).isEqualTo(Lab.DEFAULT_LOCATION);
        assertThat(resources.resourceGroups().list().stream().map(ResourceGroup::name)).contains(RG);
    }

    @Test
    void enablingTheSystemAssignedIdentityOnAVmCreatesItsPrincipal() {
        lab.createVirtualMachine("sdk-vm1");

        VirtualMachine vm = compute.virtualMachines().getByResourceGroup(RG, "sdk-vm1");
        vm.update().withSystemAssignedManagedServiceIdentity().apply();

        String principalId = vm.systemAssignedManagedServiceIdentityPrincipalId();
        assertThat(principalId).isNotNull()
            .isEqualTo(lab.virtualMachine("sdk-vm1").orElseThrow().systemAssigned().objectId());
        assertThat(lab.directory().byObjectId(principalId)).isPresent();
        assertThat(compute.virtualMachines().getByResourceGroup(RG, "sdk-vm1")
            .systemAssignedManagedServiceIdentityPrincipalId()).isEqualTo(principalId);
    }

    @Test
    void myUserIdentityIsCreatedAndAttachedToFiveVms() {
        Identity identity = msi.identities().define("MyUserIdentity").withRegion(Region.EUROPE_WEST)
            .withExistingResourceGroup(RG).create();
        assertThat(identity.principalId()).isNotNull();
        assertThat(lab.directory().byObjectId(identity.principalId())).isPresent();

        for (int i = 1; i <= 5; i++) {
            String name = "sdk-five-" + i;
            lab.createVirtualMachine(name);
            compute.virtualMachines().getByResourceGroup(RG, name).update()
                .withExistingUserAssignedManagedServiceIdentity(identity).apply();
        }

        for (int i = 1; i <= 5; i++) {
            VirtualMachine vm = compute.virtualMachines().getByResourceGroup(RG, "sdk-five-" + i);
            assertThat(vm.userAssignedManagedServiceIdentityIds()).containsExactly(identity.id());
            assertThat(lab.virtualMachine("sdk-five-" + i).orElseThrow().userAssigned())
                .extracting(UserAssignedIdentity::principalId).containsExactly(identity.principalId());
        }
        assertThat(msi.identities().listByResourceGroup(RG).stream().map(Identity::name)).contains("MyUserIdentity");
    }

    @Test
    void anIdentitysIdSaysResourcegroupsInLowerCaseAsAzureWritesIt() {
        Identity identity = msi.identities().define("sdk-casing").withRegion(Region.EUROPE_WEST)
            .withExistingResourceGroup(RG).create();

        String expected = "/subscriptions/" + lab.subscriptionId() + "/resourcegroups/" + RG
            + "/providers/Microsoft.ManagedIdentity/userAssignedIdentities/sdk-casing";
        assertThat(identity.id()).isEqualTo(expected);
        assertThat(msi.identities().getById(identity.id()).id()).isEqualTo(expected);
        assertThat(identity.resourceGroupName()).isEqualTo(RG);
        assertThat(msi.identities().listByResourceGroup(RG).stream().map(Identity::id)).contains(expected);
    }

    @Test
    void deletingAnIdentityWithTheSdkSucceedsAndDeletingItAgainToo() {
        Identity identity = msi.identities().define("sdk-delete").withRegion(Region.EUROPE_WEST)
            .withExistingResourceGroup(RG).create();

        msi.identities().deleteById(identity.id());
        assertThat(lab.resources().userAssignedIdentity(identity.id())).isEmpty();

        msi.identities().deleteByResourceGroup(RG, "sdk-delete");
        assertThat(msi.identities().listByResourceGroup(RG).stream().map(Identity::name)).doesNotContain("sdk-delete");
    }

    @Test
    void aBuiltInRoleIsGrantedAtResourceScopeListedAndDeleted() {
        lab.createVirtualMachine("sdk-granted");
        VirtualMachine vm = compute.virtualMachines().getByResourceGroup(RG, "sdk-granted");
        Identity identity = msi.identities().define("sdk-reader-identity").withRegion(Region.EUROPE_WEST)
            .withExistingResourceGroup(RG).create();

        RoleAssignment assignment = authorization.roleAssignments().define(UUID.randomUUID().toString())
            .forObjectId(identity.principalId()).withBuiltInRole(BuiltInRole.READER).withResourceScope(vm).create();

        assertThat(assignment.scope()).isEqualToIgnoringCase(vm.id());
        assertThat(assignment.roleDefinitionId()).endsWith(BuiltInRoles.READER.name());
        assertThat(authorization.roleAssignments().listByScope(vm.id()).stream().map(RoleAssignment::id))
            .contains(assignment.id());
        assertThat(authorization.roleAssignments().listByServicePrincipal(identity.principalId()).stream()
            .map(RoleAssignment::id)).containsExactly(assignment.id());
        assertThat(lab.rbac().isAllowed(identity.principalId(), "Microsoft.Compute/virtualMachines/read", vm.id()))
            .isTrue();

        authorization.roleAssignments().deleteById(assignment.id());

        assertThat(authorization.roleAssignments().listByServicePrincipal(identity.principalId()).stream()).isEmpty();
        assertThat(lab.rbac().isAllowed(identity.principalId(), "Microsoft.Compute/virtualMachines/read", vm.id()))
            .isFalse();
    }

    @Test
    void deletingAVmLeavesItsIdentitysRoleAssignmentsOrphaned() {
        lab.createVirtualMachine("sdk-doomed");
        VirtualMachine vm = compute.virtualMachines().getByResourceGroup(RG, "sdk-doomed");
        vm.update().withSystemAssignedManagedServiceIdentity().apply();
        String principalId = vm.systemAssignedManagedServiceIdentityPrincipalId();
        String rgScope = lab.defaultResourceGroupId();
        RoleAssignment assignment = authorization.roleAssignments().define(UUID.randomUUID().toString())
            .forObjectId(principalId).withBuiltInRole(BuiltInRole.READER).withScope(rgScope).create();

        compute.virtualMachines().deleteByResourceGroup(RG, "sdk-doomed");

        assertThat(lab.directory().byObjectId(principalId)).isEmpty();
        List<RoleAssignment> left = authorization.roleAssignments().listByServicePrincipal(principalId).stream()
            .toList();
        assertThat(left).extracting(RoleAssignment::id).containsExactly(assignment.id());
        assertThat(left.get(0).innerModel().principalType().toString()).isEqualTo("Unknown");
    }

    @Test
    void aPrincipalWithoutRolesIsDeniedWithAzuresAuthorizationFailedText() {
        ArmClients.App stranger = ArmClients.newApplication(lab, "sdk-stranger");
        ComputeManager asStranger = ComputeManager.authenticate(stranger.credential(), ArmClients.profile(lab));
        lab.createVirtualMachine("sdk-guarded");
        String vmId = lab.virtualMachine("sdk-guarded").orElseThrow().id();

        assertThatThrownBy(() -> asStranger.virtualMachines().getByResourceGroup(RG, "sdk-guarded"))
            .isInstanceOf(ManagementException.class)
            .satisfies(e -> {
                ManagementException me = (ManagementException) e;
                assertThat(me.getResponse().getStatusCode()).isEqualTo(403);
                assertThat(me.getValue().getCode()).isEqualTo("AuthorizationFailed");
                assertThat(me.getValue().getMessage()).isEqualTo("The client '" + stranger.objectId()
                    + "' with object id '" + stranger.objectId() + "' does not have authorization to perform action "
                    + "'Microsoft.Compute/virtualMachines/read' over scope '" + vmId + "' or the scope is invalid. If "
                    + "access was recently granted, please refresh your credentials.");
            });

        AuthorizationManager authAsStranger = AuthorizationManager.authenticate(stranger.credential(),
            ArmClients.profile(lab));
        assertThatThrownBy(() -> authAsStranger.roleAssignments().define(UUID.randomUUID().toString())
            .forObjectId(stranger.objectId()).withRoleDefinition(BuiltInRoles.OWNER.idAt(lab.subscriptionId()))
            .withSubscriptionScope(lab.subscriptionId()).create())
            .isInstanceOf(ManagementException.class)
            .hasMessageContaining("AuthorizationFailed")
            .hasMessageContaining("Microsoft.Authorization/roleAssignments/write");
    }

    @Test
    void virtualMachineContributorAloneCannotAttachAUserAssignedIdentity() {
        ArmClients.App operator = ArmClients.newApplication(lab, "sdk-vm-operator");
        lab.createVirtualMachine("sdk-attach-target");
        UserAssignedIdentity identity = lab.createUserAssignedIdentity("sdk-linked-identity");
        String vmId = lab.virtualMachine("sdk-attach-target").orElseThrow().id();
        lab.grantRole(operator.objectId(), BuiltInRoles.VIRTUAL_MACHINE_CONTRIBUTOR, vmId);
        ComputeManager asOperator = ComputeManager.authenticate(operator.credential(), ArmClients.profile(lab));
        Identity sdkIdentity = msi.identities().getById(identity.id());

        assertThatThrownBy(() -> asOperator.virtualMachines().getByResourceGroup(RG, "sdk-attach-target").update()
            .withExistingUserAssignedManagedServiceIdentity(sdkIdentity).apply())
            .isInstanceOf(ManagementException.class)
            .satisfies(e -> assertThat(((ManagementException) e).getValue().getCode())
                .isEqualTo("LinkedAuthorizationFailed"))
            .hasMessageContaining("Microsoft.ManagedIdentity/userAssignedIdentities/assign/action");
        assertThat(lab.virtualMachine("sdk-attach-target").orElseThrow().userAssigned()).isEmpty();

        lab.grantRole(operator.objectId(), BuiltInRoles.MANAGED_IDENTITY_OPERATOR, identity.id());
        asOperator.virtualMachines().getByResourceGroup(RG, "sdk-attach-target").update()
            .withExistingUserAssignedManagedServiceIdentity(sdkIdentity).apply();

        Set<String> attached = lab.virtualMachine("sdk-attach-target").orElseThrow().userAssigned().stream()
            .map(UserAssignedIdentity::principalId).collect(Collectors.toSet());
        assertThat(attached).containsExactly(identity.principalId());
    }

    @Test
    void aFederatedIdentityCredentialIsWrittenListedAndDeleted() {
        Identity identity = msi.identities().define("sdk-federated").withRegion(Region.EUROPE_WEST)
            .withExistingResourceGroup(RG).create();
        FederatedIdentityCredentialsClient credentials = msi.serviceClient().getFederatedIdentityCredentials();

        credentials.createOrUpdate(RG, "sdk-federated", "onprem-server1", new FederatedIdentityCredentialInner()
            .withIssuer("https://idp.onprem.example").withSubject("server1")
            .withAudiences(List.of("api://AzureADTokenExchange")));

        assertThat(credentials.list(RG, "sdk-federated").stream().map(FederatedIdentityCredentialInner::subject))
            .containsExactly("server1");
        assertThat(lab.resources().userAssignedIdentity(identity.id()).orElseThrow().federatedCredentials())
            .extracting(FederatedIdentityCredential::issuer).containsExactly("https://idp.onprem.example");

        credentials.delete(RG, "sdk-federated", "onprem-server1");
        assertThat(credentials.list(RG, "sdk-federated").stream()).isEmpty();
    }
}
