package dev.milab.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenRequestContext;
import com.azure.identity.ManagedIdentityCredentialBuilder;
import com.nimbusds.jwt.JWTClaimsSet;

import dev.milab.arm.UserAssignedIdentity;
import dev.milab.arm.VirtualMachine;
import dev.milab.lab.Lab;
import dev.milab.testing.SharedLab;
import dev.milab.testing.TokenVerifier;

/**
 * The unmodified azure-identity {@code ManagedIdentityCredential}, in this JVM "running on" a lab VM, gets real
 * signed tokens from the VM's IMDS, and an independent validator (nimbus-jose-jwt, keys found through discovery)
 * accepts them.
 */
class ManagedIdentityCredentialIT {

    private static final String VM = "mi-sdk-vm";
    private static Lab lab;
    private static VirtualMachine vm;
    private static UserAssignedIdentity userAssigned;

    @BeforeAll
    static void runThisJvmOnAVmWithBothKindsOfIdentity() {
        lab = SharedLab.get();
        lab.createVirtualMachine(VM);
        lab.enableSystemAssignedIdentity(VM);
        userAssigned = lab.createUserAssignedIdentity("mi-sdk-identity");
        vm = lab.attachUserAssignedIdentity(VM, "mi-sdk-identity");
        lab.routeThisJvmTo(VM);
    }

    @AfterAll
    static void leaveTheVm() {
        SharedLab.leaveVm();
    }

    @Test
    void systemAssignedIdentityGetsAVerifiableArmToken() throws Exception {
        AccessToken token = new ManagedIdentityCredentialBuilder().build()
            .getTokenSync(new TokenRequestContext().addScopes("https://management.azure.com/.default"));

        JWTClaimsSet claims = TokenVerifier.verify(token.getToken(), lab.tenant().id(), "https://management.azure.com");
        assertThat(claims.getStringClaim("oid")).isEqualTo(vm.systemAssigned().objectId());
        assertThat(claims.getStringClaim("appid")).isEqualTo(vm.systemAssigned().appId());
        assertThat(claims.getStringClaim("xms_mirid")).isEqualToIgnoringCase(vm.id());
        assertThat(claims.getIssuer()).isEqualTo("https://sts.windows.net/" + lab.tenant().id() + "/");
        assertThat(claims.getStringClaim("ver")).isEqualTo("1.0");
        assertThat(TokenVerifier.currentlyValid(claims)).isTrue();
        assertThat(token.getExpiresAt().toEpochSecond()).isEqualTo(claims.getExpirationTime().getTime() / 1000);
    }

    @Test
    void userAssignedIdentityByClientIdGetsItsOwnToken() throws Exception {
        AccessToken token = new ManagedIdentityCredentialBuilder().clientId(userAssigned.clientId()).build()
            .getTokenSync(new TokenRequestContext().addScopes("https://vault.azure.net/.default"));

        JWTClaimsSet claims = TokenVerifier.verify(token.getToken(), lab.tenant().id(), "https://vault.azure.net");
        assertThat(claims.getStringClaim("oid")).isEqualTo(userAssigned.principalId());
        assertThat(claims.getStringClaim("xms_mirid")).isEqualToIgnoringCase(userAssigned.id());
    }

    @Test
    void userAssignedIdentityByResourceIdGetsItsOwnToken() throws Exception {
        AccessToken token = new ManagedIdentityCredentialBuilder().resourceId(userAssigned.id()).build()
            .getTokenSync(new TokenRequestContext().addScopes("https://storage.azure.com/.default"));

        JWTClaimsSet claims = TokenVerifier.verify(token.getToken(), lab.tenant().id(), "https://storage.azure.com");
        assertThat(claims.getStringClaim("oid")).isEqualTo(userAssigned.principalId());
    }

    @Test
    void userAssignedIdentityByObjectIdGetsItsOwnToken() throws Exception {
        AccessToken token = new ManagedIdentityCredentialBuilder().objectId(userAssigned.principalId()).build()
            .getTokenSync(new TokenRequestContext().addScopes("https://graph.microsoft.com/.default"));

        JWTClaimsSet claims = TokenVerifier.verify(token.getToken(), lab.tenant().id(), "https://graph.microsoft.com");
        assertThat(claims.getStringClaim("oid")).isEqualTo(userAssigned.principalId());
        assertThat(claims.getStringClaim("appid")).isEqualTo(userAssigned.clientId());
    }

    @Test
    void sqlTokensCarryTheDatabaseAudience() throws Exception {
        AccessToken token = new ManagedIdentityCredentialBuilder().build()
            .getTokenSync(new TokenRequestContext().addScopes("https://database.windows.net//.default"));

        JWTClaimsSet claims = TokenVerifier.verify(token.getToken(), lab.tenant().id(), "https://database.windows.net/");
        assertThat(claims.getAudience()).containsExactly("https://database.windows.net/");
    }
}
