package dev.milab.keyvaultonprem.demo;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Predicate;

import com.azure.core.management.AzureEnvironment;
import com.azure.core.management.profile.AzureProfile;
import com.azure.identity.DefaultAzureCredentialBuilder;
import com.azure.resourcemanager.authorization.models.BuiltInRole;
import com.azure.resourcemanager.compute.models.VirtualMachine;
import com.azure.security.keyvault.secrets.models.DeletedSecret;
import com.azure.security.keyvault.secrets.models.KeyVaultSecret;

import dev.milab.entra.NewClientSecret;
import dev.milab.keyvaultonprem.app.SettingsApp;
import dev.milab.kit.DemoOptions;
import dev.milab.kit.DemoRunner;
import dev.milab.kit.JwtView;
import dev.milab.kit.Machine;
import dev.milab.kit.Narrator;
import dev.milab.kit.Step;
import dev.milab.lab.Lab;
import dev.milab.trace.Hop;

/**
 * Demo 03: the app's database password moves into Key Vault, and then the question is what the app uses to reach
 * the vault ("secret zero"): a managed identity on Azure, and on premises a client secret, a certificate, Azure Arc
 * or workload identity federation. Run it with {@code ./mvnw -q -Pdemo -pl 03-keyvault-onprem -am package};
 * {@code -Ddemo.args=--step} pauses between steps.
 */
public final class KeyVaultOnPremDemo implements DemoRunner.Demo {

    static final String NAME = "03-keyvault-onprem";
    static final String TITLE = "Demo 03: Key Vault from anywhere, and secret zero";
    static final String SUBTITLE = "The app's password moves into kv1; on Azure and on premises, what proves who the app is";
    private static final String SECRET = "db-password";
    private static final String VAULT_HOP = "Key Vault (kv1)";
    /** The "before" state's secret, on purpose: step 1 shows what is wrong with it. */
    private static final String DB_PASSWORD = "Orders-Db-Passw0rd!";
    private static final String ROTATED_PASSWORD = "Orders-Db-Passw0rd-2!";

    private final Narrator say;
    private final LabWiring wiring;
    private final Lab lab;
    private final AdminWorkstation admin;
    private final String vaultId;
    private final Machine vm1;
    private final Machine web1;
    private final Machine arc;
    private final Machine certHost;
    private final Machine fedHost;
    private Machine secretHost;
    /** One thread per host: the common pool has a single thread on a 2-core machine, which would run hosts in turn. */
    private final ExecutorService hostThreads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "host");
        t.setDaemon(true);
        return t;
    });
    private String vmPrincipal;
    private String firstVersion;
    private String secretAppidacr;
    /** What each step saw, for the table of step 9: a row stands only on evidence. */
    private final Map<String, Boolean> evidence = new LinkedHashMap<>();

    public static void main(String[] args) {
        System.exit(new DemoRunner(NAME, TITLE, SUBTITLE).run(args, KeyVaultOnPremDemo::create));
    }

    static DemoRunner.Demo create(DemoOptions options, Narrator narrator) throws Exception {
        options.requireLab("run the module README's az script and the app on your hosts as it describes");
        return new KeyVaultOnPremDemo(narrator, new LabWiring());
    }

    private KeyVaultOnPremDemo(Narrator say, LabWiring wiring) {
        this.say = say;
        this.wiring = wiring;
        this.lab = wiring.lab;
        this.vaultId = wiring.vault.resourceId();
        // Every host's JVM starts now, all at once, while the workstation signs in: none needs another.
        this.vm1 = wiring.startVm(LabWiring.VM);
        this.web1 = wiring.startHost(LabWiring.APP_SERVICE);
        this.arc = wiring.startHost(LabWiring.ARC_SERVER);
        this.secretHost = wiring.startOffAzure(LabWiring.SECRET_HOST, wiring.secretSettings(wiring.firstSecret.value()));
        this.certHost = wiring.startOffAzure(LabWiring.CERTIFICATE_HOST, wiring.certificateSettings());
        this.fedHost = wiring.startOffAzure(LabWiring.FEDERATED_HOST, wiring.federatedSettings());
        for (Machine m : List.of(vm1, web1, arc, secretHost, certHost, fedHost)) {
            CompletableFuture.runAsync(() -> m.run(WarmUp.class), hostThreads);
        }
        AzureProfile profile = new AzureProfile(lab.tenant().id(), lab.subscriptionId(), AzureEnvironment.AZURE);
        this.admin = new AdminWorkstation(new DefaultAzureCredentialBuilder().build(), profile, LabWiring.VAULT_URL);
    }

    @Override
    public List<Step> steps() {
        return List.of(
            Step.of("Before: the password in a config file, then in Key Vault", n -> fromTheFileToTheVault()),
            Step.of("On an Azure VM: the managed identity is the credential", n -> onAnAzureVm()),
            Step.of("On premises, option 1: a service principal with a client secret", n -> aClientSecret()),
            Step.of("Option 2: a service principal with a certificate", n -> aCertificate()),
            Step.of("Option 3: an Azure Arc-enabled server", n -> anArcServer()),
            Step.of("Option 4: workload identity federation", n -> federation()),
            Step.of("One app, any host", n -> oneAppAnyHost()),
            Step.of("Rotation: a new version, soft delete, recovery", n -> rotation()),
            Step.of("Which option, when", n -> theOptions()));
    }

    private void fromTheFileToTheVault() throws Exception {
        Path before = writeConfig(LabWiring.VM, "db.password=" + DB_PASSWORD);
        say.say("The app on vm1 reads its database settings, the password with them, from its config file:");
        showFile(before);
        Machine.Result fromFile = runApp(vm1, before);
        say.expect("the app has its password, from app.properties", fromFile.exitCode() == 0
            && fromFile.text().contains("from        app.properties"), fromFile::text);
        say.say("The admin moves the password into Key Vault kv1 (as its Key Vault Secrets Officer):");
        say.code("secrets.setSecret(\"" + SECRET + "\", \"<the password>\")");
        KeyVaultSecret stored = admin.secrets.setSecret(SECRET, DB_PASSWORD);
        firstVersion = stored.getProperties().getVersion();
        say.show("id", stored.getId());
        Path config = writeConfig(LabWiring.VM, "keyvault.url=" + LabWiring.VAULT_URL, "keyvault.secret=" + SECRET);
        say.say("The app's config file names the vault instead of holding the password:");
        showFile(config);
        Machine.Result noIdentity = runApp(vm1, config);
        say.expect("the app cannot read it: vm1 has no identity yet, and DefaultAzureCredential found no credential",
            noIdentity.exitCode() == 2 && noIdentity.text().contains("no token"), noIdentity::text);
        say.say("Solved: the password is in one place, versioned, audited, readable only by whom Azure RBAC allows;"
            + " it is no longer in the file, the image, the backups or the repository.");
        say.say("Not solved: to read the vault the app must prove who it is, and a credential for that, kept on the"
            + " server, is a secret again.");
        say.why("Key Vault moves secrets, it does not remove the first one: the credential that opens the vault is"
            + " \"secret zero\", and the rest of this demo is about where it comes from.");
    }

    private void onAnAzureVm() throws Exception {
        say.say("The admin turns on vm1's system-assigned identity:");
        say.code("compute.virtualMachines().getByResourceGroup(\"" + Lab.DEFAULT_RESOURCE_GROUP
            + "\", \"vm1\").update().withSystemAssignedManagedServiceIdentity().apply()");
        VirtualMachine vm = admin.compute.virtualMachines().getByResourceGroup(Lab.DEFAULT_RESOURCE_GROUP,
            LabWiring.VM);
        vm.update().withSystemAssignedManagedServiceIdentity().apply();
        vmPrincipal = vm.systemAssignedManagedServiceIdentityPrincipalId();
        say.show("principalId", vmPrincipal);
        Path config = wiring.file(LabWiring.VM, "app.properties");
        Machine.Result noRole = runApp(vm1, config);
        say.expect("Key Vault answers 403 ForbiddenByRbac: it knows vm1's identity, which has no role on kv1",
            noRole.exitCode() == 1 && noRole.text().contains("403 Forbidden / ForbiddenByRbac"), noRole::text);
        say.say("The admin gives vm1 the role Key Vault Secrets User on kv1:");
        say.code("authorization.roleAssignments().define(...).forObjectId(principalId)"
            + ".withBuiltInRole(BuiltInRole.KEY_VAULT_SECRETS_USER).withScope(kv1.id()).create()");
        admin.grant(vmPrincipal, BuiltInRole.KEY_VAULT_SECRETS_USER, vaultId);
        Machine.Result reads = runApp(vm1, config);
        say.expect("the app reads the password from kv1 as vm1", reads.exitCode() == 0
            && reads.text().contains("from        " + LabWiring.VAULT_URL + "/secrets/" + SECRET + "/" + firstVersion),
            reads::text);
        evidence.put("managed identity: no secret on the host", reads.exitCode() == 0);
        Machine.Result write = vm1.run(TryToWriteSecret.class, LabWiring.VAULT_URL, SECRET, "attacker-value");
        write.lines().forEach(l -> say.show("vm1>", l));
        say.expect("but it may not write: 403 ForbiddenByRbac for secrets/setSecret/action", write.exitCode() == 1
            && write.text().contains("refused 403 ForbiddenByRbac")
            && write.text().contains("Microsoft.KeyVault/vaults/secrets/setSecret/action"), write::text);
        List<String> user = admin.dataActions(vaultId, "Key Vault Secrets User");
        List<String> officer = admin.dataActions(vaultId, "Key Vault Secrets Officer");
        say.show("Secrets User", String.join(", ", user));
        say.show("Secrets Officer", String.join(", ", officer));
        say.expect("Key Vault Secrets Officer is the role that may write (secrets/*); Secrets User only gets and reads"
            + " metadata", officer.contains("Microsoft.KeyVault/vaults/secrets/*")
            && user.stream().noneMatch(a -> a.endsWith("/setSecret/action") || a.endsWith("/*")),
            () -> user + " / " + officer);
        say.why("The VM's identity is the credential Azure holds for it; RBAC decides what it may do, and least"
            + " privilege keeps writing (rotation) with whoever owns the password, here the admin.");
    }

    private void aClientSecret() throws Exception {
        NewClientSecret secret = wiring.firstSecret;
        say.say("On premises there is no IMDS. Option 1: an app registration (service principal) kv-reader-onprem with"
            + " a client secret, in the server's environment:");
        say.code("AZURE_TENANT_ID=" + lab.tenant().id());
        say.code("AZURE_CLIENT_ID=" + wiring.app.appId());
        say.code("AZURE_CLIENT_SECRET=" + secret.value().substring(0, 6) + "...  (" + secret.value().length()
            + " characters)");
        say.say("DefaultAzureCredential's first credential, EnvironmentCredential, makes a ClientSecretCredential of"
            + " them. The admin gives the service principal Key Vault Secrets User on kv1:");
        admin.grant(wiring.app.servicePrincipal().objectId(), BuiltInRole.KEY_VAULT_SECRETS_USER, vaultId);
        Path config = copyConfigTo(LabWiring.SECRET_HOST);
        long before = lab.trace().lastSequence();
        Machine.Result reads = runApp(secretHost, config);
        say.expect("the app reads the password as kv-reader-onprem", reads.exitCode() == 0, reads::text);
        JwtView token = tokenAtVault(before, wiring.app.servicePrincipal().objectId());
        token.showClaims(say, "appid", "appidacr");
        secretAppidacr = token.claim("appidacr");
        say.expectEqual("appidacr says a client secret signed it in", "1", secretAppidacr);
        say.show("expires", secret.secret().endDateTime() + "  (" + LabWiring.SECRET_VALIDITY.toDays()
            + " days: the portal's default; at most 24 months)");
        say.labNote("the lab's clock moves 181 days ahead, to after the secret's end date.");
        lab.clock().advance(LabWiring.SECRET_VALIDITY.plusDays(1));
        try {
            Machine.Result expired = runApp(secretHost, config);
            say.expect("Entra ID refuses the expired secret: AADSTS7000222", expired.exitCode() == 2
                && expired.text().contains("AADSTS7000222"), expired::text);
            evidence.put("client secret: expires", true);
            say.say("Rotating it costs, for every app that uses it: add a new secret in Entra ID, put it in the"
                + " environment of every server that has the old one, restart the app there (the environment is read"
                + " at start), then delete the old secret; miss a server and it stops on the old one's end date.");
            say.code("az ad app credential reset --id " + wiring.app.appId() + " --append --years 1");
            NewClientSecret next = lab.directory().addClientSecret(wiring.app.appId(), "onprem-secret-2",
                lab.clock().instant(), LabWiring.SECRET_VALIDITY);
            secretHost.close();
            secretHost = wiring.startOffAzure(LabWiring.SECRET_HOST, wiring.secretSettings(next.value()));
            Machine.Result rotated = runApp(secretHost, config);
            say.expect("restarted with the new secret, the app reads the password again", rotated.exitCode() == 0,
                rotated::text);
            evidence.put("client secret: you rotate it on every host", rotated.exitCode() == 0);
        } finally {
            lab.clock().reset();
        }
        say.labNote("the lab's clock is back; the app registration is seeded in the lab's directory (Microsoft Graph"
            + " is not emulated), on Azure az ad sp create-for-rbac makes it.");
        say.why("A client secret works from anywhere, and that is the trouble: it is a shared secret sent to Entra ID"
            + " at each sign-in, whoever copies it is the app until it expires, and each expiry is an outage on the"
            + " server someone forgot.");
    }

    private void aCertificate() throws Exception {
        say.say("Option 2: the same app registration with a certificate. Entra ID holds the certificate (public); the"
            + " server holds the private key in a file, and its environment names the file:");
        say.code("AZURE_TENANT_ID=" + lab.tenant().id());
        say.code("AZURE_CLIENT_ID=" + wiring.app.appId());
        say.code("AZURE_CLIENT_CERTIFICATE_PATH=<...>/kv-reader-onprem.pem");
        Path pem = wiring.certificateFile;
        say.show("the file", Files.readAllLines(pem).get(0) + " ... -----BEGIN CERTIFICATE----- ...  ("
            + java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(pem)) + ")");
        say.show("thumbprint", wiring.certificate.thumbprint() + "  (what the portal lists)");
        say.show("expires", wiring.certificate.certificate().getNotAfter().toInstant());
        Path config = copyConfigTo(LabWiring.CERTIFICATE_HOST);
        long before = lab.trace().lastSequence();
        Machine.Result reads = runApp(certHost, config);
        say.expect("the app reads the password as kv-reader-onprem", reads.exitCode() == 0, reads::text);
        JwtView token = tokenAtVault(before, wiring.app.servicePrincipal().objectId());
        token.showClaims(say, "appid", "appidacr");
        say.expect("the same service principal, and appidacr 2 with the certificate where it was 1 with the secret",
            "2".equals(token.claim("appidacr")) && "1".equals(secretAppidacr)
                && wiring.app.appId().equals(token.claim("appid")), () -> token.claim("appidacr"));
        evidence.put("certificate: a private key on disk, never sent", reads.exitCode() == 0);
        say.why("With a certificate the server signs a short-lived assertion with its private key and Entra ID checks"
            + " it with the public key: no shared secret travels, and appidacr 2 says so. But the key file is still a"
            + " credential on disk to protect, and the certificate expires and must be rolled on every server.");
    }

    private void anArcServer() throws Exception {
        if (lab.arcKeyFileProblem().isPresent()) {
            say.labNote("skipped: " + lab.arcKeyFileProblem().get());
            return;
        }
        say.say("Option 3: connect the server to Azure Arc (azcmagent connect): it gets a system-assigned managed"
            + " identity, and the agent's endpoint (HIMDS) serves its tokens. The agent sets for every process:");
        Map<String, String> env = lab.hostEnvironment(LabWiring.ARC_SERVER);
        say.code("IDENTITY_ENDPOINT=" + env.get("IDENTITY_ENDPOINT"));
        say.code("IMDS_ENDPOINT=" + env.get("IMDS_ENDPOINT"));
        say.say("What MSAL does for ManagedIdentityCredential there, by hand:");
        say.code("1. GET $IDENTITY_ENDPOINT?api-version=2019-11-01&resource=https://vault.azure.net  (Metadata: true)");
        Machine.Result challenge = arc.run(ArcKeyFileChallenge.class, "https://vault.azure.net");
        String answer1 = value(challenge, "answer1 ");
        say.expect("the agent answers " + answer1,
            answer1.startsWith("401 WWW-Authenticate: Basic realm=/var/opt/azcmagent/tokens/")
                && answer1.endsWith(".key"), challenge::text);
        say.code("2. read that file: only root (local administrators) and members of the himds group may");
        say.show("key file", value(challenge, "keyfile "));
        say.code("3. GET again, with Authorization: Basic <the file's content>");
        String after = value(challenge, "keyfile-after ");
        say.expect("200 and a token; the key file is gone and the same key buys no second token (401)",
            "200".equals(value(challenge, "answer2 ")) && "gone".equals(after)
                && "401".equals(value(challenge, "replay ")), challenge::text);
        JwtView token = JwtView.decode(value(challenge, "token "));
        token.showClaims(say, "oid", "xms_mirid");
        say.expect("the token is onprem-arc's managed identity", wiring.arcServer.objectId().equals(token.claim("oid"))
            && token.claim("xms_mirid").endsWith("/Microsoft.HybridCompute/machines/onprem-arc"), token::toString);
        say.labNote("on a real server /var/opt/azcmagent/tokens belongs to the agent and the himds group, and"
            + " IDENTITY_ENDPOINT is http://localhost:40342/...; the lab's agent runs as root and writes its files there.");
        say.say("The admin gives onprem-arc Key Vault Secrets User on kv1, and the unchanged app reads:");
        admin.grant(wiring.arcServer.objectId(), BuiltInRole.KEY_VAULT_SECRETS_USER, vaultId);
        Machine.Result reads = runApp(arc, copyConfigTo(LabWiring.ARC_SERVER));
        say.expect("the app reads the password as onprem-arc", reads.exitCode() == 0, reads::text);
        evidence.put("arc: nothing to rotate", reads.exitCode() == 0);
        say.why("The server's credential is the agent's, held and renewed with Azure; the app holds nothing, and the"
            + " key file only proves that the caller may read files of the himds group on this machine, once.");
    }

    private void federation() throws Exception {
        say.say("Option 4: workload identity federation. The organisation's identity provider knows the workload"
            + " already and keeps a short-lived token for it in a file on the server:");
        JwtView idToken = JwtView.decode(Files.readString(wiring.tokenFile, StandardCharsets.UTF_8));
        idToken.showClaims(say, "iss", "sub", "aud", "exp");
        say.say("The server's environment names the file and MyUserIdentity (a user-assigned identity):");
        wiring.federatedSettings().forEach((k, v) -> say.code(k + "=" + (k.equals("AZURE_FEDERATED_TOKEN_FILE")
            ? "<...>/idp-token.jwt" : v)));
        admin.grant(wiring.userIdentity.principalId(), BuiltInRole.KEY_VAULT_SECRETS_USER, vaultId);
        Path config = copyConfigTo(LabWiring.FEDERATED_HOST);
        Machine.Result untrusted = runApp(fedHost, config);
        say.expect("before anyone trusts that issuer, Entra ID refuses the exchange: AADSTS70021",
            untrusted.exitCode() == 2 && untrusted.text().contains("AADSTS70021"), untrusted::text);
        say.say("The admin adds a federated credential to MyUserIdentity: tokens of that issuer, about that subject,"
            + " for api://AzureADTokenExchange:");
        say.code("az identity federated-credential create -g " + Lab.DEFAULT_RESOURCE_GROUP + " --identity-name "
            + LabWiring.USER_IDENTITY + " -n onprem-fed --issuer " + LabWiring.IDP_ISSUER + " --subject "
            + LabWiring.IDP_SUBJECT + " --audiences api://AzureADTokenExchange");
        admin.addFederatedCredential(Lab.DEFAULT_RESOURCE_GROUP, LabWiring.USER_IDENTITY, "onprem-fed",
            LabWiring.IDP_ISSUER, LabWiring.IDP_SUBJECT);
        long before = lab.trace().lastSequence();
        Machine.Result reads = runApp(fedHost, config);
        say.expect("the app reads the password as MyUserIdentity", reads.exitCode() == 0, reads::text);
        JwtView token = tokenAtVault(before, wiring.userIdentity.principalId());
        token.showClaims(say, "oid", "xms_mirid");
        say.expect("the token is MyUserIdentity's", token.claim("xms_mirid").equalsIgnoreCase(wiring.userIdentity.id()),
            () -> token.claim("xms_mirid"));
        wiring.renewFederatedToken();
        evidence.put("federation: nothing long-lived on disk", reads.exitCode() == 0);
        say.labNote("the lab plays the identity provider: it signs the token and writes the file (and again now, as"
            + " an IdP's agent renews it); on premises that is your IdP (AD FS, Keycloak, a SPIFFE agent, ...).");
        say.why("WorkloadIdentityCredential sends the IdP's token as a client assertion and Entra ID checks it against"
            + " the issuer's published keys and the federated credential: nothing that lasts sits on the server, the"
            + " file holds a token of minutes that the IdP renews.");
    }

    private void oneAppAnyHost() throws Exception {
        say.say("web1, an App Service app, gets Key Vault Secrets User on kv1 too. Then the same app, with the same"
            + " app.properties, on four hosts at once; only each host's environment differs:");
        admin.grant(wiring.appService.objectId(), BuiltInRole.KEY_VAULT_SECRETS_USER, vaultId);
        record Host(Machine machine, String gave, String principal) {
        }
        List<Host> hosts = new ArrayList<>();
        hosts.add(new Host(vm1, "IMDS at 169.254.169.254, nothing in the environment", vmPrincipal));
        hosts.add(new Host(web1, "IDENTITY_ENDPOINT, IDENTITY_HEADER", wiring.appService.objectId()));
        if (lab.arcKeyFileProblem().isEmpty()) {
            hosts.add(new Host(arc, "IDENTITY_ENDPOINT, IMDS_ENDPOINT, a key file per request",
                wiring.arcServer.objectId()));
        }
        hosts.add(new Host(fedHost, "AZURE_FEDERATED_TOKEN_FILE, AZURE_CLIENT_ID, AZURE_TENANT_ID",
            wiring.userIdentity.principalId()));
        long before = lab.trace().lastSequence();
        List<CompletableFuture<Machine.Result>> runs = new ArrayList<>();
        for (Host h : hosts) {
            Path config = copyConfigTo(h.machine().name());
            runs.add(CompletableFuture.supplyAsync(() -> h.machine().run(SettingsApp.class, "--config",
                config.toString()), hostThreads));
        }
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < hosts.size(); i++) {
            Host h = hosts.get(i);
            Machine.Result r = runs.get(i).join();
            String who = lab.directory().byObjectId(h.principal()).map(p -> p.displayName()).orElse("?");
            boolean presented = lab.trace().since(before).stream().anyMatch(hop -> hop.to().equals(VAULT_HOP)
                && hop.ok() && hop.token() != null && h.principal().equals(JwtView.decode(hop.token()).claim("oid")));
            say.show(h.machine().name(), "gave: " + h.gave());
            say.show("", "identity: " + who + "; read: " + value(r, "db.password ").substring(9));
            say.expect(h.machine().name() + " read db-password as " + who, r.exitCode() == 0 && presented, r::text);
            seen.add(value(r, "from "));
        }
        say.expect("all of them read the same version", seen.stream().distinct().count() == 1, seen::toString);
        evidence.put("managed identity: App Service too", true);
        say.why("DefaultAzureCredential asks in order: the environment (a service principal), a federated token file,"
            + " the managed identity endpoint (IMDS, App Service, Arc), then developer tools; the first that answers"
            + " wins, so the code does not change from host to host.");
    }

    private void rotation() throws Exception {
        Path config = wiring.file(LabWiring.VM, "app.properties");
        say.say("The admin (Secrets Officer) writes a new version of db-password; nothing changes on any host:");
        say.code("secrets.setSecret(\"" + SECRET + "\", \"<the new password>\")");
        KeyVaultSecret next = admin.secrets.setSecret(SECRET, ROTATED_PASSWORD);
        Machine.Result reads = runApp(vm1, config);
        say.expect("the app reads the new version on its next read", reads.exitCode() == 0
            && reads.text().contains("/" + next.getProperties().getVersion()), reads::text);
        KeyVaultSecret old = admin.secrets.getSecret(SECRET, firstVersion);
        long versions = admin.secrets.listPropertiesOfSecretVersions(SECRET).stream().count();
        say.expect("the old version is still there by its id (" + versions + " versions)",
            DB_PASSWORD.equals(old.getValue()) && versions == 2, () -> versions + " versions");
        say.say("Deleting is soft: the secret and its versions are kept, recoverable, until the purge date:");
        say.code("secrets.beginDeleteSecret(\"" + SECRET + "\")");
        admin.secrets.beginDeleteSecret(SECRET).poll();
        Machine.Result gone = runApp(vm1, config);
        say.expect("the app gets 404 SecretNotFound", gone.exitCode() == 1 && gone.text().contains("404 SecretNotFound"),
            gone::text);
        DeletedSecret deleted = admin.secrets.getDeletedSecret(SECRET);
        say.show("recoveryId", deleted.getRecoveryId());
        say.show("purge after", deleted.getScheduledPurgeDate().toInstant() + "  (90 days: the vault's retention)");
        say.code("secrets.beginRecoverDeletedSecret(\"" + SECRET + "\")");
        admin.secrets.beginRecoverDeletedSecret(SECRET).poll();
        Machine.Result back = runApp(vm1, config);
        say.expect("after recovery the app reads the latest version again", back.exitCode() == 0
            && back.text().contains("/" + next.getProperties().getVersion()), back::text);
        say.why("Rotating the database password is now one write to the vault (and the database's own change): the"
            + " apps read the latest version, old versions stay for rollback, and a deleted secret can be recovered.");
    }

    private void theOptions() {
        long vaultReads = count(h -> h.from().equals(LabWiring.VM) && h.to().equals(VAULT_HOP) && h.token() != null);
        long tokenRequests = count(h -> h.from().equals(LabWiring.VM) && h.to().equals("IMDS (vm1)")
            && h.request().contains("vault.azure.net") && h.ok());
        say.say("How the app proves who it is to kv1, by what the steps showed:");
        say.code("option                     secret on the server     expires                  rotated by          step");
        say.code("managed identity (VM, App  nothing                  nothing you hold         Azure               2, 7");
        say.code("  Service)");
        say.code("1 service principal +      AZURE_CLIENT_SECRET,     yes: 180 days here,      you, on every host, 3");
        say.code("  client secret            sent at each sign-in     then AADSTS7000222       and a restart");
        say.code("2 service principal +      a private key file,      yes: the certificate     you, on every host  4");
        say.code("  certificate              never sent               (365 days here)");
        say.code("3 Azure Arc                nothing (a one-time key  nothing you hold         the Arc agent       5");
        say.code("                           file per token request)");
        say.code("4 federation               a token of minutes from  nothing long-lived       your IdP renews     6");
        say.code("                           your IdP                                          the file");
        say.expect("each row rests on a step that ran: " + String.join(", ", evidence.keySet()),
            !evidence.containsValue(false) && evidence.size() >= (lab.arcKeyFileProblem().isEmpty() ? 7 : 6),
            evidence::toString);
        say.say("While Azure is unreachable: none of them gets a new token without Entra ID (on Arc, the agent needs"
            + " Azure too; with federation, your IdP as well). A token already held keeps working until it expires:");
        say.show("vm1", vaultReads + " requests to kv1 with " + tokenRequests + " token from IMDS: azure-identity and"
            + " IMDS cache it (managed identity tokens last about 24 h, a service principal's 60-90 min)");
        say.expect("vm1 read the vault more often than it asked for a token", vaultReads > tokenRequests
            && tokenRequests >= 1, () -> vaultReads + " / " + tokenRequests);
        say.say("And Key Vault is in Azure as well: no option reads a secret while the vault is unreachable; an app"
            + " that must start during an outage needs its own copy of the value.");
        say.why("On Azure use the managed identity; on premises prefer Arc or federation, which leave nothing to steal"
            + " or rotate on the server; a certificate if neither is possible; a client secret last.");
    }

    // --- helpers -----------------------------------------------------------------------------------------------

    private Machine.Result runApp(Machine machine, Path config) {
        Machine.Result run = machine.run(SettingsApp.class, "--config", config.toString());
        run.lines().forEach(l -> say.show(machine.name() + ">", l));
        return run;
    }

    private Path writeConfig(String machine, String... settings) throws Exception {
        StringBuilder text = new StringBuilder("db.url=jdbc:postgresql://db1.contoso.internal:5432/orders\n")
            .append("db.user=orders_app\n");
        for (String s : settings) {
            text.append(s).append('\n');
        }
        Path file = wiring.file(machine, "app.properties");
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return file;
    }

    /** vm1's app.properties, copied to another host unchanged. */
    private Path copyConfigTo(String machine) throws Exception {
        Path target = wiring.file(machine, "app.properties");
        Files.copy(wiring.file(LabWiring.VM, "app.properties"), target,
            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return target;
    }

    private void showFile(Path file) throws Exception {
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            say.code(line);
        }
    }

    /** The token that the principal {@code oid} presented to kv1 since {@code since}, as the lab recorded it. */
    private JwtView tokenAtVault(long since, String oid) {
        List<Hop> hops = lab.trace().since(since);
        for (int i = hops.size() - 1; i >= 0; i--) {
            Hop h = hops.get(i);
            if (h.to().equals(VAULT_HOP) && h.ok() && h.token() != null) {
                JwtView token = JwtView.decode(h.token());
                if (oid.equals(token.claim("oid"))) {
                    return token;
                }
            }
        }
        throw new IllegalStateException("No token of " + oid + " reached kv1");
    }

    private static String value(Machine.Result run, String prefix) {
        String line = run.line(prefix);
        if (line == null) {
            throw new IllegalStateException("No line '" + prefix + "' in:\n" + run.text());
        }
        return line.substring(prefix.length()).trim();
    }

    private long count(Predicate<Hop> which) {
        return lab.trace().hops().stream().filter(which).count();
    }

    @Override
    public List<Hop> trace() {
        return lab.trace().hops();
    }

    @Override
    public java.util.Optional<Lab> lab() {
        return java.util.Optional.of(lab);
    }

    @Override
    public void close() {
        for (Machine m : List.of(vm1, web1, arc, certHost, fedHost, secretHost)) {
            m.close();
        }
        hostThreads.shutdownNow();
        wiring.close();
    }
}
