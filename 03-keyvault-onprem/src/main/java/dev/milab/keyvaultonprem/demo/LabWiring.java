package dev.milab.keyvaultonprem.demo;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.milab.arm.BuiltInRoles;
import dev.milab.arm.UserAssignedIdentity;
import dev.milab.entra.Application;
import dev.milab.entra.ExternalIdentityProvider;
import dev.milab.entra.FederatedCredential;
import dev.milab.entra.NewClientSecret;
import dev.milab.entra.ServicePrincipal;
import dev.milab.keyvault.KeyVault;
import dev.milab.kit.Machine;
import dev.milab.kit.MachineRoom;
import dev.milab.lab.Lab;

/**
 * Everything that makes this demo run on the lab instead of Azure, in one place: start the lab, create what the
 * module README's az script creates on Azure (vm1, kv1, the App Service app web1, the Arc-enabled server onprem-arc,
 * the app registration kv-reader-onprem with a client secret and a certificate, the user-assigned identity
 * MyUserIdentity, the organisation's identity provider), route this JVM's Azure SDK traffic to the lab, sign this
 * JVM in as the lab's admin, and start a JVM per host with that host's settings.
 */
final class LabWiring implements AutoCloseable {

    static final String VM = "vm1";
    static final String VAULT = "kv1";
    static final String VAULT_URL = "https://kv1.vault.azure.net";
    static final String APP_SERVICE = "web1";
    static final String ARC_SERVER = "onprem-arc";
    static final String SECRET_HOST = "onprem-secret";
    static final String CERTIFICATE_HOST = "onprem-cert";
    static final String FEDERATED_HOST = "onprem-fed";
    static final String APP_REGISTRATION = "kv-reader-onprem";
    static final String USER_IDENTITY = "MyUserIdentity";
    /** The organisation's own OpenID Connect issuer (on Azure: your IdP's issuer URL). */
    static final String IDP_ISSUER = "https://idp.contoso.internal";
    static final String IDP_SUBJECT = "svc-orders@onprem-fed";
    /** Entra ID's default for a new client secret in the portal is 180 days. */
    static final Duration SECRET_VALIDITY = Duration.ofDays(180);

    final Lab lab;
    final MachineRoom machines;
    final KeyVault vault;
    final ServicePrincipal appService;
    final ServicePrincipal arcServer;
    final Application app;
    final NewClientSecret firstSecret;
    final SelfSignedCertificate certificate;
    final UserAssignedIdentity userIdentity;
    final ExternalIdentityProvider idp;
    final Path tokenFile;
    final Path certificateFile;

    LabWiring() throws Exception {
        lab = Lab.start();
        // This JVM is your workstation: Azure SDK traffic to the lab, DefaultAzureCredential signed in as you.
        lab.signInThisJvmAsAdmin();
        machines = new MachineRoom(lab, "03", List.of());
        lab.createVirtualMachine(VM);
        vault = lab.createKeyVault(VAULT);
        // Owner holds no data actions: the admin writes secrets as Key Vault Secrets Officer, as setup.sh grants.
        lab.grantRole(lab.admin().objectId(), BuiltInRoles.KEY_VAULT_SECRETS_OFFICER, vault.resourceId());
        appService = lab.createAppServiceApp(APP_SERVICE);
        arcServer = lab.createArcServer(ARC_SERVER);
        // App registrations are Microsoft Graph's, which the lab does not serve: its directory is seeded here.
        app = lab.directory().registerApplication(APP_REGISTRATION);
        firstSecret = lab.directory().addClientSecret(app.appId(), "onprem-secret", lab.clock().instant(),
            SECRET_VALIDITY);
        certificate = SelfSignedCertificate.create("CN=" + APP_REGISTRATION, Duration.ofDays(365));
        lab.directory().addClientCertificate(app.appId(), certificate.certificate());
        certificateFile = certificate.writePem(file(CERTIFICATE_HOST, "kv-reader-onprem.pem"));
        userIdentity = lab.createUserAssignedIdentity(USER_IDENTITY);
        idp = lab.createExternalIdentityProvider(IDP_ISSUER);
        tokenFile = file(FEDERATED_HOST, "idp-token.jwt");
        renewFederatedToken();
    }

    /** What the organisation's identity provider does every few minutes: a fresh, short-lived token in the file. */
    String renewFederatedToken() throws Exception {
        String token = idp.issueToken(IDP_SUBJECT, FederatedCredential.TOKEN_EXCHANGE_AUDIENCE, Duration.ofMinutes(10));
        Files.writeString(tokenFile, token, StandardCharsets.UTF_8);
        return token;
    }

    /** The settings of onprem-secret: the service principal's client secret in the environment. */
    Map<String, String> secretSettings(String secret) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("AZURE_TENANT_ID", lab.tenant().id());
        env.put("AZURE_CLIENT_ID", app.appId());
        env.put("AZURE_CLIENT_SECRET", secret);
        return env;
    }

    /** The settings of onprem-cert: the service principal's certificate (and private key) on disk. */
    Map<String, String> certificateSettings() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("AZURE_TENANT_ID", lab.tenant().id());
        env.put("AZURE_CLIENT_ID", app.appId());
        env.put("AZURE_CLIENT_CERTIFICATE_PATH", certificateFile.toString());
        return env;
    }

    /** The settings of onprem-fed: MyUserIdentity's client id and the file the IdP keeps a token in. */
    Map<String, String> federatedSettings() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("AZURE_TENANT_ID", lab.tenant().id());
        env.put("AZURE_CLIENT_ID", userIdentity.clientId());
        env.put("AZURE_FEDERATED_TOKEN_FILE", tokenFile.toString());
        env.put("AZURE_AUTHORITY_HOST", "https://login.microsoftonline.com/");
        return env;
    }

    /** Starts a JVM "on" an Azure VM: its IMDS, Azure's host names routed to the lab. */
    Machine startVm(String name) {
        return machines.vm(name);
    }

    /** Starts a JVM on an Arc-enabled server or App Service app: what its platform sets, and the routes. */
    Machine startHost(String name) {
        return machines.host(name);
    }

    /** Starts a JVM on a server outside Azure with {@code settings} in its environment. */
    Machine startOffAzure(String name, Map<String, String> settings) {
        return machines.offAzure(name, settings);
    }

    /** A file on a machine's "disk" (a folder of this run). */
    Path file(String machine, String name) throws Exception {
        return machines.file(machine, name);
    }

    @Override
    public void close() {
        lab.close();
    }
}
