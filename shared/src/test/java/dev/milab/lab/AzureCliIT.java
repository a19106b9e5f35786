package dev.milab.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.databind.JsonNode;

import dev.milab.arm.BuiltInRoles;
import dev.milab.http.Json;
import dev.milab.trace.Hop;

/**
 * The Azure CLI, unmodified, against the standalone lab: Azure's URLs through the lab's proxy, the lab CA as the
 * only trust, its own configuration directory under {@code target/}. The commands are the ones shared/README.md
 * gives ("Use the standalone lab from the Azure CLI"); each test asserts what az printed and what the lab's trace
 * saw it send. Skipped where {@code az} is not installed.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AzureCliIT {

    private static Lab lab;
    private static Map<String, String> env;
    private static String identityClientId;
    private static String identityPrincipalId;

    @BeforeAll
    static void startTheStandaloneLabAndSignIn() throws Exception {
        assumeTrue(onPath("az"), "the Azure CLI (az) is not installed (apt-get install azure-cli)");
        Path state = Files.createDirectories(Path.of("target", "azure-cli-lab-" + UUID.randomUUID()));
        lab = Lab.builder().stateDirectory(state.toAbsolutePath()).start();
        LabServer.seedDefaultScenario(lab);
        lab.settings().principalReplicationDelay(Duration.ofMinutes(5));
        env = new java.util.LinkedHashMap<>(lab.proxyEnvironment());
        env.put("AZURE_CONFIG_DIR", state.resolve("azure-cli").toAbsolutePath().toString());
        env.put("AZURE_CORE_COLLECT_TELEMETRY", "false");
        env.put("AZURE_CORE_NO_COLOR", "true");
        AdminPrincipal admin = lab.admin();
        Result login = az("login", "--service-principal", "-u", admin.clientId(), "-p", admin.clientSecret(),
            "--tenant", admin.tenantId(), "-o", "none");
        assertThat(login.exitCode()).as(login.text()).isZero();
    }

    @AfterAll
    static void stopTheLab() {
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    @Order(1)
    void loginGotATokenAndListedTheSubscriptionWithTheApiVersionAzSends() {
        assertThat(lab.trace().hops()).anySatisfy(h -> {
            assertThat(h.to()).isEqualTo("Entra ID");
            assertThat(h.request()).isEqualTo("POST /token (client_credentials)");
            assertThat(h.ok()).isTrue();
        }).anySatisfy(h -> {
            assertThat(h.to()).isEqualTo("Resource Manager");
            assertThat(h.request()).isEqualTo("GET /subscriptions");
            assertThat(h.outcome()).isEqualTo("200");
        });
        JsonNode account = json(az("account", "show"));
        assertThat(account.get("id").asText()).isEqualTo(lab.subscriptionId());
        assertThat(account.get("tenantId").asText()).isEqualTo(lab.tenant().id());
        assertThat(account.at("/user/type").asText()).isEqualTo("servicePrincipal");
        assertThat(account.at("/user/name").asText()).isEqualTo(lab.admin().clientId());
    }

    @Test
    @Order(2)
    void groupsAreCreatedShownAndListed() {
        assertThat(json(az("group", "create", "-n", "rg-cli", "-l", "westeurope")).at("/properties/provisioningState")
            .asText()).isEqualTo("Succeeded");
        assertThat(json(az("group", "show", "-n", "rg-lab")).get("location").asText()).isEqualTo("westeurope");
        assertThat(text(az("group", "list", "--query", "[].name", "-o", "tsv"))).containsExactlyInAnyOrder("rg-lab",
            "rg-cli");
    }

    @Test
    @Order(3)
    void anIdentityIsCreatedShownAndListedAsAResource() {
        JsonNode created = json(az("identity", "create", "-g", "rg-lab", "-n", "cli-identity"));
        identityClientId = created.get("clientId").asText();
        identityPrincipalId = created.get("principalId").asText();
        assertThat(lab.directory().byObjectId(identityPrincipalId)).hasValueSatisfying(sp ->
            assertThat(sp.appId()).isEqualTo(identityClientId));
        assertThat(text(az("identity", "show", "-g", "rg-lab", "-n", "cli-identity", "--query", "principalId", "-o",
            "tsv"))).containsExactly(identityPrincipalId);
        assertThat(text(az("resource", "list", "-g", "rg-lab", "--resource-type",
            "Microsoft.ManagedIdentity/userAssignedIdentities", "--query", "[].name", "-o", "tsv")))
            .containsExactly("cli-identity");
    }

    @Test
    @Order(4)
    void microsoftGraphFindsTheIdentityByItsClientId() {
        long before = lab.trace().lastSequence();
        JsonNode sp = json(az("ad", "sp", "show", "--id", identityClientId));
        assertThat(sp.get("id").asText()).isEqualTo(identityPrincipalId);
        assertThat(sp.get("servicePrincipalType").asText()).isEqualTo("ManagedIdentity");
        assertThat(lab.trace().since(before)).filteredOn(h -> h.to().equals("Microsoft Graph"))
            .extracting(Hop::request, Hop::outcome)
            .contains(org.assertj.core.groups.Tuple.tuple("GET /v1.0/servicePrincipals", "200"));
        Result me = az("ad", "signed-in-user", "show");
        assertThat(me.exitCode()).isNotZero();
        assertThat(me.text()).contains("/me request is only valid with delegated authentication flow.");
    }

    @Test
    @Order(5)
    void aRoleForTheNewIdentityNeedsItsPrincipalTypeWhileEntraIdReplicates() {
        String scope = lab.defaultResourceGroupId();
        String url = "https://management.azure.com" + scope + "/providers/Microsoft.Authorization/roleAssignments/";
        String role = BuiltInRoles.READER.idAt(lab.subscriptionId());
        Result refused = az("rest", "--method", "put", "--url", url + UUID.randomUUID() + "?api-version=2022-04-01",
            "--body", "{\"properties\":{\"roleDefinitionId\":\"" + role + "\",\"principalId\":\"" + identityPrincipalId
                + "\"}}");
        assertThat(refused.exitCode()).isNotZero();
        assertThat(refused.text()).contains("PrincipalNotFound", "replication delay");
        JsonNode created = json(az("rest", "--method", "put", "--url", url + UUID.randomUUID()
            + "?api-version=2022-04-01", "--body", "{\"properties\":{\"roleDefinitionId\":\"" + role
            + "\",\"principalId\":\"" + identityPrincipalId + "\",\"principalType\":\"ServicePrincipal\"}}"));
        assertThat(created.at("/properties/principalId").asText()).isEqualTo(identityPrincipalId);
        assertThat(lab.rbac().isAllowed(identityPrincipalId, "Microsoft.Compute/virtualMachines/read", scope))
            .isTrue();
        JsonNode listed = json(az("rest", "--method", "get", "--url", "https://management.azure.com" + scope
            + "/providers/Microsoft.Authorization/roleAssignments?api-version=2022-04-01&$filter=principalId eq '"
            + identityPrincipalId + "'"));
        assertThat(listed.get("value")).hasSize(1);
    }

    @Test
    @Order(6)
    void nothingLeavesTheMachine() {
        Result elsewhere = az("rest", "--method", "get", "--url", "https://example.org/");
        assertThat(elsewhere.exitCode()).isNotZero();
        assertThat(elsewhere.text()).containsIgnoringCase("proxy");
    }

    // --- running az --------------------------------------------------------------------------------------------

    record Result(int exitCode, String stdout, String stderr) {
        String text() {
            return stdout + stderr;
        }
    }

    private static Result az(String... args) {
        List<String> command = new ArrayList<>();
        command.add("az");
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().keySet().removeIf(k -> k.startsWith("AZURE_") || k.toLowerCase().endsWith("_proxy"));
        pb.environment().putAll(env);
        try {
            Process p = pb.start();
            p.getOutputStream().close();
            var out = p.getInputStream().readAllBytes();
            var err = p.getErrorStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("az " + String.join(" ", args) + " did not finish in 60 s");
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8),
                new String(err, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static JsonNode json(Result r) {
        assertThat(r.exitCode()).as(r.text()).isZero();
        try {
            return Json.read(r.stdout());
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + r.text(), e);
        }
    }

    private static List<String> text(Result r) {
        assertThat(r.exitCode()).as(r.text()).isZero();
        return r.stdout().lines().filter(l -> !l.isBlank()).toList();
    }

    private static boolean onPath(String program) {
        String path = System.getenv("PATH");
        return path != null && java.util.Arrays.stream(path.split(File.pathSeparator))
            .anyMatch(d -> Files.isExecutable(Path.of(d, program)));
    }
}
