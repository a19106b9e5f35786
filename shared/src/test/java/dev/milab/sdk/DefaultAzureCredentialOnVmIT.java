package dev.milab.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import com.nimbusds.jwt.JWTClaimsSet;

import dev.milab.arm.VirtualMachine;
import dev.milab.lab.Lab;
import dev.milab.lab.VmProcess;
import dev.milab.testing.SharedLab;
import dev.milab.testing.TokenVerifier;

/**
 * "A VM is a process": unmodified {@code DefaultAzureCredential} code in a child JVM that runs on a lab VM gets
 * that VM's system-assigned identity token, through its own IMDS probe and MSAL's IMDS request.
 */
class DefaultAzureCredentialOnVmIT {

    @Test
    void defaultAzureCredentialOnAVmGetsTheVmsOwnIdentity() throws Exception {
        Lab lab = SharedLab.get();
        lab.createVirtualMachine("dac-vm1");
        VirtualMachine vm = lab.enableSystemAssignedIdentity("dac-vm1");

        try (VmProcess process = lab.launchOnVm("dac-vm1", PrintManagedIdentityToken.class.getName(), List.of(),
            System.out)) {
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as(String.join("\n", process.output())).isZero();
            String token = process.output().stream().filter(l -> l.startsWith("token=")).findFirst()
                .orElseThrow().substring("token=".length());

            JWTClaimsSet claims = TokenVerifier.verify(token, lab.tenant().id(), "https://management.azure.com");
            assertThat(claims.getStringClaim("oid")).isEqualTo(vm.systemAssigned().objectId());
            assertThat(claims.getStringClaim("xms_mirid")).isEqualToIgnoringCase(vm.id());
        }
    }

    @Test
    void aVmWithoutAnIdentityGetsNoToken() {
        Lab lab = SharedLab.get();
        lab.createVirtualMachine("dac-vm-none");

        try (VmProcess process = lab.launchOnVm("dac-vm-none", PrintManagedIdentityToken.class.getName(), List.of(),
            System.out)) {
            assertThat(process.waitFor(90, TimeUnit.SECONDS)).isNotZero();
            assertThat(String.join("\n", process.output())).contains("Managed Identity authentication is not available")
                .doesNotContain("token=");
        }
    }
}
