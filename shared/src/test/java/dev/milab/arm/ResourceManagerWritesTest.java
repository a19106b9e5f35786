package dev.milab.arm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.JsonNode;

import dev.milab.entra.ServicePrincipal;
import dev.milab.http.Json;
import dev.milab.http.LabHttpRequest;
import dev.milab.http.LabHttpResponse;
import dev.milab.lab.Lab;

/**
 * The writes {@code az sql server create}, {@code az sql db create}, {@code az sql server firewall-rule create},
 * {@code az sql server ad-only-auth enable}, {@code az appservice plan create}, {@code az webapp create},
 * {@code az webapp identity assign} and {@code az group delete} send, in the bodies and api-versions Azure CLI 2.45
 * sends them, against the lab's Resource Manager handler (no sockets), with Azure's statuses, polling headers and
 * error codes; and what each write does to the rest of the lab (the TDS side, the directory, role assignments).
 */
class ResourceManagerWritesTest {

    private static final String SQL_VERSION = "2021-02-01-preview";
    private static final String WEB_VERSION = "2022-03-01";
    private static Lab lab;
    private static ResourceManagerEndpoint arm;
    private static String owner;
    private static String reader;
    private static int groups;

    @BeforeAll
    static void aLabWithAnOwnerAndAReader() {
        lab = Lab.start();
        arm = new ResourceManagerEndpoint(lab.resources(), lab.tokenValidator(), lab.rbac(), lab.clock());
        String subscription = ResourceIds.subscription(lab.subscriptionId());
        owner = tokenFor(lab.createUserAssignedIdentity("writer").principal(), BuiltInRoles.OWNER, subscription);
        reader = tokenFor(lab.createUserAssignedIdentity("looker").principal(), BuiltInRoles.READER, subscription);
    }

    @AfterAll
    static void stop() {
        lab.close();
    }

    // --- SQL servers -------------------------------------------------------------------------------------------

    @Test
    void aServerPutIsAcceptedAndItsOperationSucceedsAtTheFirstPollWithoutThePasswordAnywhere() throws Exception {
        String rg = group();
        LabHttpResponse put = call("PUT", server(rg, "sqlw1"), SQL_VERSION, owner, "{\"location\":\"westeurope\","
            + "\"properties\":{\"administratorLogin\":\"sqladmin\",\"administratorLoginPassword\":\"Str0ng!Passw0rd\","
            + "\"administrators\":{}}}");

        assertThat(put.status()).isEqualTo(202);
        assertThat(json(put).get("operation").asText()).isEqualTo("UpsertLogicalServer");
        String async = put.headers().get("Azure-AsyncOperation");
        assertThat(async).contains("/resourceGroups/" + rg + "/providers/Microsoft.Sql/locations/westeurope/"
            + "serverAzureAsyncOperation/");
        assertThat(put.headers().get("Location")).contains("/serverOperationResults/");
        JsonNode status = json(get(async));
        assertThat(status.get("status").asText()).isEqualTo("Succeeded");
        LabHttpResponse shown = call("GET", server(rg, "sqlw1"), SQL_VERSION, owner, null);
        assertThat(json(shown).at("/properties/fullyQualifiedDomainName").asText())
            .isEqualTo("sqlw1.database.windows.net");
        for (LabHttpResponse r : new LabHttpResponse[] {put, get(async), get(put.headers().get("Location")), shown}) {
            assertThat(r.bodyAsString()).doesNotContain("Str0ng!Passw0rd");
        }
        assertThat(lab.resources().sqlServer(rg, "sqlw1").orElseThrow().toString()).doesNotContain("Str0ng");
        // the TDS side has the server and its admin (a salted hash)
        var tds = lab.sqlServer("sqlw1");
        assertThat(tds.sqlAdministrator()).hasValueSatisfying(a -> {
            assertThat(a.passwordMatches("Str0ng!Passw0rd")).isTrue();
            assertThat(a.passwordMatches("wrong")).isFalse();
        });
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "weakpassword, PasswordNotComplex", "Sh0rt!, PasswordTooShort", "Sqladmin!2024, PasswordNotComplex",
    })
    void aPasswordAzureRefusesFailsTheOperationAndNoServerIsLeft(String password, String code) throws Exception {
        String rg = group();
        LabHttpResponse put = call("PUT", server(rg, "sqlweak"), SQL_VERSION, owner, "{\"location\":\"westeurope\","
            + "\"properties\":{\"administratorLogin\":\"sqladmin\",\"administratorLoginPassword\":\"" + password
            + "\"}}");

        assertThat(put.status()).isEqualTo(202);
        JsonNode status = json(get(put.headers().get("Azure-AsyncOperation")));
        assertThat(status.get("status").asText()).isEqualTo("Failed");
        assertThat(status.at("/error/code").asText()).isEqualTo(code);
        assertThat(lab.resources().sqlServer(rg, "sqlweak")).isEmpty();
        assertThat(lab.azureSql().server("sqlweak")).isEmpty();
    }

    @Test
    void aServerNameIsGlobalSoAnotherGroupsNameFailsWithNameAlreadyExists() throws Exception {
        LabHttpResponse put = call("PUT", server(group(), "sql1x"), SQL_VERSION, owner, serverBody());
        assertThat(json(get(put.headers().get("Azure-AsyncOperation"))).get("status").asText()).isEqualTo("Succeeded");

        LabHttpResponse again = call("PUT", server(group(), "sql1x"), SQL_VERSION, owner, serverBody());
        JsonNode status = json(get(again.headers().get("Azure-AsyncOperation")));
        assertThat(status.at("/error/code").asText()).isEqualTo("NameAlreadyExists");
        assertThat(status.at("/error/message").asText()).isEqualTo("The name 'sql1x.database.windows.net' already "
            + "exists. Choose a different name.");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "Upper | {\"location\":\"westeurope\",\"properties\":{\"administratorLogin\":\"a1\",\"administratorLoginPassword\":\"Str0ng!Passw0rd\"}} | 400 | InvalidServerName",
        "noloc | {\"properties\":{\"administratorLogin\":\"a1\",\"administratorLoginPassword\":\"Str0ng!Passw0rd\"}} | 400 | LocationRequired",
        "moon | {\"location\":\"moon\",\"properties\":{\"administratorLogin\":\"a1\",\"administratorLoginPassword\":\"Str0ng!Passw0rd\"}} | 400 | LocationNotAvailableForResourceType",
        "nopass | {\"location\":\"westeurope\",\"properties\":{\"administratorLogin\":\"a1\"}} | 400 | InvalidParameterValue",
        "saname | {\"location\":\"westeurope\",\"properties\":{\"administratorLogin\":\"sa\",\"administratorLoginPassword\":\"Str0ng!Passw0rd\"}} | 400 | InvalidLoginName",
        "extra | {\"location\":\"westeurope\",\"sku\":1} | 400 | InvalidRequestContent",
    })
    void aServerPutAzureRefusesAtOnceIsAnswered(String name, String body, int status, String code) {
        String rg = group();
        LabHttpResponse put = call("PUT", server(rg, name), SQL_VERSION, owner, body);

        assertThat(put.status()).as(put.bodyAsString()).isEqualTo(status);
        assertThat(json(put).at("/error/code").asText()).isEqualTo(code);
        assertThat(lab.resources().sqlServers()).noneMatch(s -> s.resourceGroup().equals(rg));
    }

    @Test
    void aReaderMayNotCreateAServerAndAMissingGroupIsResourceGroupNotFound() {
        LabHttpResponse refused = call("PUT", server(group(), "sqlread"), SQL_VERSION, reader, serverBody());
        assertThat(refused.status()).isEqualTo(403);
        assertThat(json(refused).at("/error/code").asText()).isEqualTo("AuthorizationFailed");
        assertThat(json(refused).at("/error/message").asText()).contains("'Microsoft.Sql/servers/write'");

        LabHttpResponse missing = call("PUT", server("rg-none", "sqlnone"), SQL_VERSION, owner, serverBody());
        assertThat(missing.status()).isEqualTo(404);
        assertThat(json(missing).at("/error/code").asText()).isEqualTo("ResourceGroupNotFound");
    }

    @Test
    void anEntraOnlyServerHasItsAdminAndRefusesSqlLoginsAtTds() throws Exception {
        String rg = group();
        ServicePrincipal admin = lab.createUserAssignedIdentity("entra-only-admin").principal();
        LabHttpResponse put = call("PUT", server(rg, "sqlentra"), SQL_VERSION, owner, "{\"location\":\"westeurope\","
            + "\"properties\":{\"administrators\":{\"principalType\":\"User\",\"login\":\"someone\",\"sid\":\""
            + admin.objectId() + "\",\"tenantId\":\"" + lab.tenant().id() + "\",\"azureADOnlyAuthentication\":true}}}");
        assertThat(json(get(put.headers().get("Azure-AsyncOperation"))).get("status").asText()).isEqualTo("Succeeded");

        JsonNode only = json(call("GET", server(rg, "sqlentra") + "/azureADOnlyAuthentications/Default", SQL_VERSION,
            owner, null));
        assertThat(only.at("/properties/azureADOnlyAuthentication").asBoolean()).isTrue();
        assertThat(lab.resources().sqlServer(rg, "sqlentra").orElseThrow().administratorLogin()).startsWith("CloudSA");
        assertThat(lab.sqlServer("sqlentra").entraAdmin()).isPresent();
        assertThat(lab.sqlServer("sqlentra").entraOnlyAuthentication()).isTrue();
    }

    @Test
    void entraOnlyNeedsAnAdminAndOnceOnTheAdminPasswordNoLongerLogsIn() throws Exception {
        String rg = group();
        get(call("PUT", server(rg, "sqlonly"), SQL_VERSION, owner, serverBody()).headers().get("Azure-AsyncOperation"));
        String path = server(rg, "sqlonly") + "/azureADOnlyAuthentications/Default";
        LabHttpResponse noAdmin = call("PUT", path, "2020-11-01-preview", owner,
            "{\"properties\":{\"azureADOnlyAuthentication\":true}}");
        assertThat(noAdmin.status()).isEqualTo(400);
        assertThat(json(noAdmin).at("/error/code").asText()).isEqualTo("InvalidServerAADOnlyAuthNoAADAdminPropertyName");

        assertThat(login("sqlonly", "sqladmin", "Str0ng!Passw0rd")).isNull();
        ServicePrincipal admin = lab.createUserAssignedIdentity("only-admin").principal();
        assertThat(call("PUT", server(rg, "sqlonly") + "/administrators/ActiveDirectory", "2020-11-01-preview", owner,
            "{\"properties\":{\"administratorType\":\"ActiveDirectory\",\"login\":\"x\",\"sid\":\"" + admin.objectId()
                + "\",\"tenantId\":\"" + lab.tenant().id() + "\"}}").status()).isEqualTo(201);
        LabHttpResponse on = call("PUT", path, "2020-11-01-preview", owner,
            "{\"properties\":{\"azureADOnlyAuthentication\":true}}");
        assertThat(on.status()).isEqualTo(200);
        assertThat(login("sqlonly", "sqladmin", "Str0ng!Passw0rd")).contains("Azure Active Directory only "
            + "authentication is enabled");
    }

    @Test
    void aDatabaseIsCreatedAsynchronouslyWithItsServiceObjectiveAndOpensAtTds() throws Exception {
        String rg = group();
        get(call("PUT", server(rg, "sqldb"), SQL_VERSION, owner, serverBody()).headers().get("Azure-AsyncOperation"));
        LabHttpResponse put = call("PUT", server(rg, "sqldb") + "/databases/db1", "2022-05-01-preview", owner,
            "{\"location\":\"westeurope\",\"sku\":{\"name\":\"Basic\"}}");

        assertThat(put.status()).isEqualTo(202);
        assertThat(put.headers().get("Azure-AsyncOperation")).contains("/databaseAzureAsyncOperation/");
        assertThat(json(get(put.headers().get("Azure-AsyncOperation"))).get("status").asText()).isEqualTo("Succeeded");
        JsonNode db = json(call("GET", server(rg, "sqldb") + "/databases/db1", "2022-05-01-preview", owner, null));
        assertThat(db.at("/sku/name").asText()).isEqualTo("Basic");
        assertThat(db.at("/properties/currentServiceObjectiveName").asText()).isEqualTo("Basic");
        assertThat(login("sqldb", "sqladmin", "Str0ng!Passw0rd", "db1")).isNull();

        LabHttpResponse elsewhere = call("PUT", server(rg, "sqldb") + "/databases/db2", "2022-05-01-preview", owner,
            "{\"location\":\"eastus\",\"sku\":{\"name\":\"Basic\"}}");
        assertThat(elsewhere.status()).isEqualTo(400);
        assertThat(lab.resources().sqlServer(rg, "sqldb").orElseThrow().databases()).containsExactly("db1");
    }

    @ParameterizedTest(name = "{0}-{1}")
    @CsvSource({
        "0.0.0.0, 0.0.0.0, 201, ", "10.0.0.9, 10.0.0.1, 400, FirewallRuleStartIpAddressExceedsEndIpAddress",
        "10.0.0.256, 10.0.0.300, 400, BadRequest", "a.b.c.d, 1.1.1.1, 400, BadRequest",
    })
    void aFirewallRuleIsWrittenAtOnceOrRefusedWithAzureSqlsAnswer(String start, String end, int status, String code)
        throws Exception {
        String rg = group();
        String fw = "sqlfw-" + rg;
        get(call("PUT", server(rg, fw), SQL_VERSION, owner, serverBody()).headers().get("Azure-AsyncOperation"));
        LabHttpResponse put = call("PUT", server(rg, fw) + "/firewallRules/AllowAzureServices",
            "2020-11-01-preview", owner, "{\"properties\":{\"startIpAddress\":\"" + start + "\",\"endIpAddress\":\""
                + end + "\"}}");

        assertThat(put.status()).as(put.bodyAsString()).isEqualTo(status);
        if (code == null) {
            assertThat(json(put).at("/properties/startIpAddress").asText()).isEqualTo(start);
            assertThat(lab.resources().sqlServer(rg, fw).orElseThrow().firewallRules()).hasSize(1);
        } else {
            assertThat(json(put).at("/error/code").asText()).isEqualTo(code);
            assertThat(lab.resources().sqlServer(rg, fw).orElseThrow().firewallRules()).isEmpty();
        }
    }

    @Test
    void deletingAServerEndsItAtTdsAndTakesTheRoleAssignmentsAtItsScope() throws Exception {
        String rg = group();
        get(call("PUT", server(rg, "sqldel"), SQL_VERSION, owner, serverBody()).headers().get("Azure-AsyncOperation"));
        String id = lab.resources().sqlServer(rg, "sqldel").orElseThrow().id();
        ServicePrincipal someone = lab.createUserAssignedIdentity("sqldel-reader").principal();
        lab.grantRole(someone.objectId(), BuiltInRoles.READER, id);

        LabHttpResponse delete = call("DELETE", server(rg, "sqldel"), SQL_VERSION, owner, null);

        assertThat(delete.status()).isEqualTo(202);
        assertThat(lab.azureSql().server("sqldel")).isEmpty();
        assertThat(lab.resources().roleAssignments()).noneMatch(a -> a.scope().equalsIgnoreCase(id));
        assertThat(call("DELETE", server(rg, "sqldel"), SQL_VERSION, owner, null).status()).isEqualTo(204);
    }

    // --- resource groups and App Service -----------------------------------------------------------------------

    @Test
    void deletingAGroupIsAcceptedWithALocationThatAnswers200AndTakesEverythingInIt() throws Exception {
        String rg = group();
        ServicePrincipal vmIdentity = lab.resources().enableSystemAssignedIdentity(rg,
            lab.resources().createVirtualMachine(rg, "vm-in-" + rg).name()).systemAssigned();
        UserAssignedIdentity uami = lab.resources().createUserAssignedIdentity(rg, "uami-in-" + rg);
        get(call("PUT", server(rg, "sqlgone"), SQL_VERSION, owner, serverBody()).headers().get("Azure-AsyncOperation"));
        String site = sitePath(rg, "web-in-" + rg);
        putPlanAndSite(rg, site);
        String sitePrincipal = json(call("PUT", site, WEB_VERSION, owner, siteBody(rg, "SystemAssigned")))
            .at("/identity/principalId").asText();
        lab.grantRole(vmIdentity.objectId(), BuiltInRoles.READER, ResourceIds.resourceGroup(lab.subscriptionId(), rg));
        RoleAssignment elsewhere = lab.grantRole(vmIdentity.objectId(), BuiltInRoles.READER,
            lab.defaultResourceGroupId());

        LabHttpResponse delete = call("DELETE", "/subscriptions/" + lab.subscriptionId() + "/resourcegroups/" + rg,
            "2021-04-01", owner, null);

        assertThat(delete.status()).isEqualTo(202);
        String location = delete.headers().get("Location");
        assertThat(location).startsWith("https://management.azure.com/subscriptions/" + lab.subscriptionId()
            + "/operationresults/").endsWith("?api-version=2021-04-01");
        assertThat(get(location).status()).isEqualTo(200);
        assertThat(lab.resources().resourceGroupExists(rg)).isFalse();
        assertThat(lab.directory().byObjectId(vmIdentity.objectId())).as("the VM's identity").isEmpty();
        assertThat(lab.directory().byObjectId(sitePrincipal)).as("the site's identity").isEmpty();
        assertThat(lab.directory().byObjectId(uami.principalId())).as("the user-assigned identity").isEmpty();
        assertThat(lab.azureSql().server("sqlgone")).isEmpty();
        assertThat(lab.resources().roleAssignments()).noneMatch(a -> a.scope().toLowerCase().contains("/" + rg));
        assertThat(lab.resources().roleAssignment(elsewhere.id())).as("an orphan outside the group stays").isPresent();
        LabHttpResponse again = call("DELETE", "/subscriptions/" + lab.subscriptionId() + "/resourcegroups/" + rg,
            "2021-04-01", owner, null);
        assertThat(again.status()).isEqualTo(404);
        assertThat(json(again).at("/error/code").asText()).isEqualTo("ResourceGroupNotFound");
    }

    @Test
    void aReaderMayNotDeleteAGroup() {
        String rg = group();
        LabHttpResponse refused = call("DELETE", "/subscriptions/" + lab.subscriptionId() + "/resourcegroups/" + rg,
            "2021-04-01", reader, null);
        assertThat(refused.status()).isEqualTo(403);
        assertThat(json(refused).at("/error/message").asText())
            .contains("'Microsoft.Resources/subscriptions/resourceGroups/delete'");
        assertThat(lab.resources().resourceGroupExists(rg)).isTrue();
    }

    @Test
    void aSiteWithASystemAssignedIdentityHasAPrincipalUntilTheIdentityOrTheSiteGoes() throws Exception {
        String rg = group();
        String site = sitePath(rg, "web-id-" + rg);
        putPlanAndSite(rg, site);
        JsonNode on = json(call("PUT", site, WEB_VERSION, owner, siteBody(rg, "SystemAssigned")));
        String principal = on.at("/identity/principalId").asText();
        assertThat(lab.directory().byObjectId(principal)).hasValueSatisfying(sp ->
            assertThat(sp.displayName()).isEqualTo("web-id-" + rg));
        assertThat(json(call("PUT", site, WEB_VERSION, owner, siteBody(rg, "SystemAssigned")))
            .at("/identity/principalId").asText()).as("assigning again keeps it").isEqualTo(principal);

        LabHttpResponse planDelete = call("DELETE", planPath(rg), WEB_VERSION, owner, null);
        assertThat(planDelete.status()).as("a plan with apps").isEqualTo(409);

        assertThat(call("DELETE", site, WEB_VERSION, owner, null).status()).isEqualTo(200);
        assertThat(lab.directory().byObjectId(principal)).isEmpty();
        assertThat(call("DELETE", planPath(rg), WEB_VERSION, owner, null).status()).isEqualTo(200);
    }

    @Test
    void webAppCreateFindsTheJava17StackAndTheNameCheck() {
        JsonNode stacks = json(call("GET", "/providers/Microsoft.Web/webAppStacks", WEB_VERSION, owner, null));
        assertThat(stacks.at("/value/0/properties/majorVersions/0/minorVersions/0/stackSettings/linuxContainerSettings"
            + "/java17Runtime").asText()).isEqualTo("JAVA|17-java17");
        JsonNode free = json(call("POST", "/subscriptions/" + lab.subscriptionId()
            + "/providers/Microsoft.Web/checknameavailability", WEB_VERSION, owner, "{\"name\":\"nobody-has-it\","
            + "\"type\":\"Site\"}"));
        assertThat(free.get("nameAvailable").asBoolean()).isTrue();
    }

    // --- helpers -----------------------------------------------------------------------------------------------

    private static void putPlanAndSite(String rg, String site) {
        LabHttpResponse plan = call("PUT", planPath(rg), WEB_VERSION, owner, "{\"location\":\"westeurope\",\"sku\":"
            + "{\"name\":\"B1\",\"tier\":\"BASIC\",\"capacity\":1},\"properties\":{\"perSiteScaling\":false,"
            + "\"reserved\":true,\"isXenon\":false,\"zoneRedundant\":false}}");
        assertThat(plan.status()).as(plan.bodyAsString()).isEqualTo(200);
        LabHttpResponse created = call("PUT", site, WEB_VERSION, owner, siteBody(rg, null));
        assertThat(created.status()).as(created.bodyAsString()).isEqualTo(200);
    }

    private static String siteBody(String rg, String identity) {
        return "{\"location\":\"West Europe\"," + (identity == null ? "" : "\"identity\":{\"type\":\"" + identity
            + "\"},") + "\"properties\":{\"serverFarmId\":\"" + ResourceIds.resourceGroup(lab.subscriptionId(), rg)
            + "/providers/Microsoft.Web/serverfarms/plan\",\"siteConfig\":{\"linuxFxVersion\":\"JAVA|17-java17\","
            + "\"appSettings\":[]},\"httpsOnly\":false}}";
    }

    private static String planPath(String rg) {
        return ResourceIds.resourceGroup(lab.subscriptionId(), rg) + "/providers/Microsoft.Web/serverfarms/plan";
    }

    private static String sitePath(String rg, String name) {
        return ResourceIds.resourceGroup(lab.subscriptionId(), rg) + "/providers/Microsoft.Web/sites/" + name;
    }

    private static String serverBody() {
        return "{\"location\":\"westeurope\",\"properties\":{\"administratorLogin\":\"sqladmin\","
            + "\"administratorLoginPassword\":\"Str0ng!Passw0rd\"}}";
    }

    private static String server(String rg, String name) {
        return ResourceIds.sqlServer(lab.subscriptionId(), rg, name);
    }

    private static synchronized String group() {
        String name = "rg-w" + (++groups);
        lab.resources().createResourceGroup(name, "westeurope");
        return name;
    }

    /** A SQL login through the lab's authenticator: null when it succeeds, else the error's message. */
    private static String login(String server, String user, String password) {
        return login(server, user, password, null);
    }

    private static String login(String server, String user, String password, String database) {
        var result = lab.azureSql().authenticator().withPassword(lab.sqlServer(server), database, user, password);
        return result instanceof dev.milab.sql.LoginResult.Failure f ? f.errors().get(0).message() : null;
    }

    private static LabHttpResponse get(String url) {
        URI uri = URI.create(url);
        return arm.handle(new LabHttpRequest("GET", uri.getHost(), uri.getPath(), uri.getRawQuery(),
            Map.of("authorization", java.util.List.of("Bearer " + owner)), new byte[0]));
    }

    private static LabHttpResponse call(String method, String path, String apiVersion, String token, String body) {
        return arm.handle(new LabHttpRequest(method, "management.azure.com", path, "api-version=" + apiVersion,
            Map.of("authorization", java.util.List.of("Bearer " + token)), body == null ? new byte[0]
                : body.getBytes(StandardCharsets.UTF_8)));
    }

    private static JsonNode json(LabHttpResponse response) {
        try {
            return Json.read(response.bodyAsString());
        } catch (IOException e) {
            throw new AssertionError(response.bodyAsString(), e);
        }
    }

    private static String tokenFor(ServicePrincipal principal, RoleDefinition role, String scope) {
        lab.grantRole(principal.objectId(), role, scope);
        return lab.tokens().issueManagedIdentityToken(principal, "https://management.azure.com/").accessToken();
    }
}
