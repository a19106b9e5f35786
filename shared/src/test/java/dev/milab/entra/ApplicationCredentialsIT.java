package dev.milab.entra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.FileOutputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenRequestContext;
import com.azure.identity.ClientAssertionCredentialBuilder;
import com.azure.identity.ClientCertificateCredentialBuilder;
import com.nimbusds.jwt.JWTClaimsSet;

import dev.milab.arm.FederatedIdentityCredential;
import dev.milab.arm.UserAssignedIdentity;
import dev.milab.lab.Lab;
import dev.milab.lab.VmProcess;
import dev.milab.sdk.PrintManagedIdentityToken;
import dev.milab.tls.LabCertificateAuthority;
import dev.milab.testing.SharedLab;
import dev.milab.testing.TokenVerifier;

/**
 * Application credentials without a secret, with the real azure-identity credentials: a certificate (PEM and
 * PKCS12), a federated assertion from an external identity provider (ClientAssertionCredential), and a workload
 * identity token file for a user-assigned identity (WorkloadIdentityCredential through DefaultAzureCredential, in
 * its own JVM).
 */
class ApplicationCredentialsIT {

    private static final String VAULT_SCOPE = "https://vault.azure.net/.default";
    private static final String ON_PREM_IDP = "https://idp.onprem.milab.test";
    private static Lab lab;
    private static ExternalIdentityProvider idp;

    @BeforeAll
    static void lab() {
        lab = SharedLab.get();
        idp = lab.createExternalIdentityProvider(ON_PREM_IDP);
    }

    @Test
    void aCertificateInPemFormGetsAnAppTokenWithAppidacr2(@TempDir Path dir) throws Exception {
        Application app = lab.directory().registerApplication("cert-pem-app");
        SelfSigned cert = SelfSigned.registeredFor(app);
        Path pem = cert.writePem(dir.resolve("app.pem"));

        AccessToken token = new ClientCertificateCredentialBuilder().tenantId(lab.tenant().id()).clientId(app.appId())
            .pemCertificate(pem.toString()).build().getTokenSync(new TokenRequestContext().addScopes(VAULT_SCOPE));

        JWTClaimsSet claims = TokenVerifier.verify(token.getToken(), lab.tenant().id(), "https://vault.azure.net");
        assertThat(claims.getStringClaim("appid")).isEqualTo(app.appId());
        assertThat(claims.getStringClaim("oid")).isEqualTo(app.servicePrincipal().objectId());
        assertThat(claims.getStringClaim("appidacr")).isEqualTo("2");
    }

    @Test
    void aCertificateInAPkcs12FileGetsAnAppToken(@TempDir Path dir) throws Exception {
        Application app = lab.directory().registerApplication("cert-pfx-app");
        SelfSigned cert = SelfSigned.registeredFor(app);
        Path pfx = dir.resolve("app.pfx");
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("app", cert.keys().getPrivate(), "pfx-pass".toCharArray(),
            new Certificate[] {cert.certificate()});
        try (FileOutputStream out = new FileOutputStream(pfx.toFile())) {
            store.store(out, "pfx-pass".toCharArray());
        }

        AccessToken token = new ClientCertificateCredentialBuilder().tenantId(lab.tenant().id()).clientId(app.appId())
            .pfxCertificate(pfx.toString()).clientCertificatePassword("pfx-pass").build()
            .getTokenSync(new TokenRequestContext().addScopes(VAULT_SCOPE));

        assertThat(TokenVerifier.verify(token.getToken(), lab.tenant().id(), "https://vault.azure.net")
            .getStringClaim("appid")).isEqualTo(app.appId());
    }

    @Test
    void aCertificateTheAppDoesNotHaveIsRefusedWithAadsts700027(@TempDir Path dir) throws Exception {
        Application app = lab.directory().registerApplication("cert-wrong-app");
        lab.directory().addClientCertificate(app.appId(), SelfSigned.create("CN=registered").certificate());
        Path pem = SelfSigned.create("CN=not-registered").writePem(dir.resolve("other.pem"));

        assertThatThrownBy(() -> new ClientCertificateCredentialBuilder().tenantId(lab.tenant().id())
            .clientId(app.appId()).pemCertificate(pem.toString()).build()
            .getTokenSync(new TokenRequestContext().addScopes(VAULT_SCOPE)))
            .isInstanceOf(RuntimeException.class).hasStackTraceContaining("AADSTS700027");
    }

    @Test
    void aFederatedAssertionFromTheOnPremisesIdentityProviderGetsTheAppsToken() throws Exception {
        Application app = lab.directory().registerApplication("federated-app");
        lab.directory().addFederatedCredential(app.appId(), new FederatedCredential("onprem-batch", ON_PREM_IDP,
            "system:batch-job", List.of(FederatedCredential.TOKEN_EXCHANGE_AUDIENCE)));

        AccessToken token = new ClientAssertionCredentialBuilder().tenantId(lab.tenant().id()).clientId(app.appId())
            .clientAssertion(() -> idp.issueToken("system:batch-job", FederatedCredential.TOKEN_EXCHANGE_AUDIENCE,
                Duration.ofMinutes(10))).build().getTokenSync(new TokenRequestContext().addScopes(VAULT_SCOPE));

        JWTClaimsSet claims = TokenVerifier.verify(token.getToken(), lab.tenant().id(), "https://vault.azure.net");
        assertThat(claims.getStringClaim("oid")).isEqualTo(app.servicePrincipal().objectId());
    }

    @Test
    void anAssertionForAnotherSubjectFindsNoFederatedCredential() {
        Application app = lab.directory().registerApplication("federated-strict-app");
        lab.directory().addFederatedCredential(app.appId(), new FederatedCredential("only-batch", ON_PREM_IDP,
            "system:batch-job", List.of(FederatedCredential.TOKEN_EXCHANGE_AUDIENCE)));

        assertThatThrownBy(() -> new ClientAssertionCredentialBuilder().tenantId(lab.tenant().id())
            .clientId(app.appId()).clientAssertion(() -> idp.issueToken("system:other-job",
                FederatedCredential.TOKEN_EXCHANGE_AUDIENCE, Duration.ofMinutes(10))).build()
            .getTokenSync(new TokenRequestContext().addScopes(VAULT_SCOPE)))
            .isInstanceOf(RuntimeException.class).hasStackTraceContaining("AADSTS70021")
            .hasStackTraceContaining("system:other-job");
    }

    @Test
    void aWorkloadOffAzureUsesATokenFileToActAsAUserAssignedIdentity(@TempDir Path dir) throws Exception {
        UserAssignedIdentity identity = lab.createUserAssignedIdentity("onprem-workload-id");
        lab.resources().putFederatedIdentityCredential(identity.id(), new FederatedIdentityCredential("onprem",
            ON_PREM_IDP, "system:serviceaccount:payments:api", List.of(FederatedCredential.TOKEN_EXCHANGE_AUDIENCE)));
        Path tokenFile = dir.resolve("token");
        Files.writeString(tokenFile, idp.issueToken("system:serviceaccount:payments:api",
            FederatedCredential.TOKEN_EXCHANGE_AUDIENCE, Duration.ofHours(1)));

        try (VmProcess process = lab.launchOffAzure("onprem-k8s", Map.of("AZURE_CLIENT_ID", identity.clientId(),
            "AZURE_TENANT_ID", lab.tenant().id(), "AZURE_FEDERATED_TOKEN_FILE", tokenFile.toString(),
            "AZURE_AUTHORITY_HOST", "https://login.microsoftonline.com/"), PrintManagedIdentityToken.class.getName(),
            List.of(), System.out)) {
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as(String.join("\n", process.output())).isZero();
            String token = process.output().stream().filter(l -> l.startsWith("token=")).findFirst().orElseThrow()
                .substring("token=".length());
            JWTClaimsSet claims = TokenVerifier.verify(token, lab.tenant().id(), "https://management.azure.com");
            assertThat(claims.getStringClaim("oid")).isEqualTo(identity.principalId());
            assertThat(claims.getStringClaim("xms_mirid")).isEqualToIgnoringCase(identity.id());
        }
    }

    /** A self-signed RSA certificate, as {@code New-SelfSignedCertificate} or openssl would make for an app. */
    record SelfSigned(KeyPair keys, X509Certificate certificate) {
        static SelfSigned create(String subject) throws Exception {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            KeyPair keys = generator.generateKeyPair();
            X500Name name = new X500Name(subject);
            Instant now = Instant.now();
            X509Certificate cert = new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(
                name, BigInteger.valueOf(now.toEpochMilli()), Date.from(now.minusSeconds(3600)),
                Date.from(now.plus(Duration.ofDays(365))), name, keys.getPublic())
                .build(new JcaContentSignerBuilder("SHA256withRSA").build(keys.getPrivate())));
            return new SelfSigned(keys, cert);
        }

        /** A new certificate named after the application, registered as one of its credentials. */
        static SelfSigned registeredFor(Application app) throws Exception {
            SelfSigned cert = create("CN=" + app.displayName());
            lab.directory().addClientCertificate(app.appId(), cert.certificate());
            return cert;
        }

        /** Private key and certificate in one PEM file, as {@code ClientCertificateCredential} reads it. */
        Path writePem(Path file) throws Exception {
            Files.writeString(file, LabCertificateAuthority.Pem.encode("PRIVATE KEY", keys.getPrivate().getEncoded())
                + LabCertificateAuthority.Pem.encode("CERTIFICATE", certificate.getEncoded()));
            return file;
        }
    }
}
