package dev.milab.arm;

import com.azure.core.management.AzureEnvironment;
import com.azure.core.management.profile.AzureProfile;
import com.azure.identity.DefaultAzureCredentialBuilder;
import com.azure.resourcemanager.resources.ResourceManager;

/**
 * Admin workstation code with no lab line: {@code DefaultAzureCredential} finds the signed-in principal in
 * {@code AZURE_CLIENT_ID}/{@code AZURE_CLIENT_SECRET}/{@code AZURE_TENANT_ID}; the profile takes tenant and
 * subscription from the environment, as on any workstation.
 */
public final class ListResourceGroupsAsAdmin {

    private ListResourceGroupsAsAdmin() {
    }

    public static void main(String[] args) {
        ResourceManager arm = ResourceManager.authenticate(new DefaultAzureCredentialBuilder().build(),
            new AzureProfile(AzureEnvironment.AZURE)).withDefaultSubscription();
        arm.resourceGroups().list().forEach(rg -> System.out.println("resourceGroup=" + rg.name()));
    }
}
