package dev.milab.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import dev.milab.entra.ServicePrincipal;
import dev.milab.testing.AzureCli;
import dev.milab.testing.AzureCli.Result;
import dev.milab.trace.Hop;

/**
 * The writes of the demos' {@code azure/setup.sh} scripts, run by the Azure CLI unmodified against the standalone
 * lab (the same wiring as {@link AzureCliIT}): a SQL server with a password, then with Entra-only authentication, its
 * Entra admin, a Basic database, the "Allow Azure services" rule; an App Service plan, a Java 17 web app and its
 * system-assigned identity; and {@code az group delete}, after which the group's VM and site identities are gone from
 * the directory. Each test asserts what az printed and what the lab saw (the trace's hops). Skipped where {@code az}
 * is not installed. 15 az calls.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AzureCliWritesIT {

    private static final String PASSWORD = "Str0ng!" + UUID.randomUUID().toString().substring(0, 8);
    private static Lab lab;
    private static AzureCli cli;
    private static String sitePrincipal;

    @BeforeAll
    static void startTheStandaloneLabAndSignIn() throws Exception {
        AzureCli.OnLab started = AzureCli.defaultLabSignedInAsAdmin("azure-cli-writes");
        lab = started.lab();
        cli = started.az();
        assertThat(az("group", "create", "-n", "rg-demo", "-l", "westeurope", "-o", "none").exitCode()).isZero();
    }

    @AfterAll
    static void stopTheLab() {
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    @Order(1)
    void demo01sServerIsCreatedThroughItsAsynchronousOperationAndAnswersSqlLoginsWithThatPassword() {
        long before = lab.trace().lastSequence();
        List<String> out = text(az("sql", "server", "create", "-g", "rg-demo", "-n", "sqlcli", "-l", "westeurope",
            "--admin-user", "sqladmin", "--admin-password", PASSWORD, "--query", "fullyQualifiedDomainName", "-o",
            "tsv"));

        assertThat(out).containsExactly("sqlcli.database.windows.net");
        assertThat(lab.trace().since(before)).filteredOn(h -> h.to().equals(HopRecorder.RESOURCE_MANAGER))
            .extracting(Hop::request, Hop::outcome)
            .extracting(t -> t.toList().get(0) + " " + t.toList().get(1))
            .startsWith("PUT …/servers/sqlcli 202").endsWith("GET …/servers/sqlcli 200")
            .anySatisfy(h -> assertThat(h).startsWith("GET …/serverAz…/").endsWith(" 200"));
        assertThat(lab.trace().since(before)).noneSatisfy(h -> assertThat(h.toString()).contains(PASSWORD));
        var tds = lab.azureSql().authenticator().withPassword(lab.sqlServer("sqlcli"), null, "sqladmin", PASSWORD);
        assertThat(tds).isInstanceOf(dev.milab.sql.LoginResult.Success.class);
    }

    @Test
    @Order(2)
    void aWeakPasswordIsAzuresPasswordNotComplexAndNoServerIsLeft() {
        Result weak = az("sql", "server", "create", "-g", "rg-demo", "-n", "sqlweak", "-l", "westeurope",
            "--admin-user", "sqladmin", "--admin-password", "weakpassword", "-o", "none");

        assertThat(weak.exitCode()).isNotZero();
        assertThat(weak.text()).contains("(PasswordNotComplex) Password validation failed.");
        assertThat(lab.resources().sqlServer("rg-demo", "sqlweak")).isEmpty();
    }

    @Test
    @Order(3)
    void theEntraAdminTheBasicDatabaseAndTheFirewallRuleAreWrittenAndShowGivesTheId() {
        ServicePrincipal me = lab.directory().byObjectId(lab.admin().objectId()).orElseThrow();
        assertThat(az("sql", "server", "ad-admin", "create", "-g", "rg-demo", "-s", "sqlcli", "--display-name",
            me.displayName(), "--object-id", me.objectId(), "-o", "none").exitCode()).isZero();
        assertThat(text(az("sql", "db", "create", "-g", "rg-demo", "-s", "sqlcli", "-n", "db1", "--service-objective",
            "Basic", "--query", "currentServiceObjectiveName", "-o", "tsv"))).containsExactly("Basic");
        assertThat(text(az("sql", "server", "firewall-rule", "create", "-g", "rg-demo", "-s", "sqlcli", "-n",
            "AllowAzureServices", "--start-ip-address", "0.0.0.0", "--end-ip-address", "0.0.0.0", "--query",
            "endIpAddress", "-o", "tsv"))).containsExactly("0.0.0.0");
        assertThat(text(az("sql", "server", "show", "-g", "rg-demo", "-n", "sqlcli", "--query", "id", "-o", "tsv")))
            .containsExactly(lab.resources().sqlServer("rg-demo", "sqlcli").orElseThrow().id());
        assertThat(lab.sqlServer("sqlcli").database("db1")).isPresent();
        assertThat(lab.sqlServer("sqlcli").entraAdmin()).isPresent();
    }

    @Test
    @Order(4)
    void entraOnlyAuthenticationEndsTheAdminPasswordAndDemo02sServerIsBornThatWay() {
        assertThat(az("sql", "server", "ad-only-auth", "enable", "-g", "rg-demo", "-n", "sqlcli", "-o", "none")
            .exitCode()).isZero();
        var refused = lab.azureSql().authenticator().withPassword(lab.sqlServer("sqlcli"), null, "sqladmin", PASSWORD);
        assertThat(refused).isInstanceOfSatisfying(dev.milab.sql.LoginResult.Failure.class, f ->
            assertThat(f.errors().get(0).message()).contains("only authentication is enabled"));

        ServicePrincipal me = lab.directory().byObjectId(lab.admin().objectId()).orElseThrow();
        assertThat(az("sql", "server", "create", "-g", "rg-demo", "-n", "sqlcli2", "-l", "westeurope",
            "--enable-ad-only-auth", "--external-admin-principal-type", "User", "--external-admin-name",
            me.displayName(), "--external-admin-sid", me.objectId(), "-o", "none").exitCode()).isZero();
        assertThat(lab.sqlServer("sqlcli2").entraOnlyAuthentication()).isTrue();
    }

    @Test
    @Order(5)
    void demo03sWebAppGetsASystemAssignedIdentityInTheDirectory() {
        assertThat(az("appservice", "plan", "create", "-g", "rg-demo", "-n", "web1-plan", "--is-linux", "--sku", "B1",
            "-o", "none").exitCode()).isZero();
        assertThat(az("webapp", "create", "-g", "rg-demo", "-p", "web1-plan", "-n", "web1", "--runtime",
            "JAVA:17-java17", "-o", "none").exitCode()).isZero();
        List<String> principal = text(az("webapp", "identity", "assign", "-g", "rg-demo", "-n", "web1", "--query",
            "principalId", "-o", "tsv"));

        assertThat(principal).hasSize(1);
        sitePrincipal = principal.get(0);
        assertThat(lab.directory().byObjectId(sitePrincipal)).hasValueSatisfying(sp -> {
            assertThat(sp.displayName()).isEqualTo("web1");
            assertThat(sp.kind()).isEqualTo(ServicePrincipal.Kind.SYSTEM_ASSIGNED_MANAGED_IDENTITY);
        });
        assertThat(lab.resources().webSite("rg-demo", "web1").orElseThrow().linuxFxVersion())
            .isEqualTo("JAVA|17-java17");
    }

    @Test
    @Order(6)
    void deletingTheGroupPollsItsLocationAndTakesTheVmAndSiteIdentitiesWithIt() {
        ServicePrincipal vm = lab.resources().enableSystemAssignedIdentity("rg-demo",
            lab.resources().createVirtualMachine("rg-demo", "vm-demo").name()).systemAssigned();
        long before = lab.trace().lastSequence();

        Result deleted = az("group", "delete", "-n", "rg-demo", "--yes");

        assertThat(deleted.exitCode()).as(deleted.text()).isZero();
        assertThat(lab.trace().since(before)).filteredOn(h -> h.to().equals(HopRecorder.RESOURCE_MANAGER))
            .extracting(Hop::request, Hop::outcome)
            .contains(org.assertj.core.groups.Tuple.tuple("DELETE …/resourcegroups/rg-demo", "202"))
            .anySatisfy(t -> {
                assertThat(t.toList().get(0).toString()).contains("operationresults");
                assertThat(t.toList().get(1)).isEqualTo("200");
            });
        assertThat(lab.resources().resourceGroupExists("rg-demo")).isFalse();
        assertThat(lab.directory().byObjectId(vm.objectId())).as("the VM's identity").isEmpty();
        assertThat(lab.directory().byObjectId(sitePrincipal)).as("the site's identity").isEmpty();
        assertThat(lab.azureSql().server("sqlcli")).isEmpty();
    }

    @Test
    @Order(7)
    void noWaitReturnsAtOnceAndAMissingGroupIsResourceGroupNotFound() {
        assertThat(az("group", "delete", "-n", "rg-lab", "--yes", "--no-wait").exitCode()).isZero();
        assertThat(lab.resources().resourceGroupExists("rg-lab")).isFalse();
        Result missing = az("group", "delete", "-n", "rg-lab", "--yes");
        assertThat(missing.exitCode()).isNotZero();
        assertThat(missing.text()).contains("(ResourceGroupNotFound) Resource group 'rg-lab' could not be found.");
    }

    // --- running az -------------------------------------------------------------------------------------------

    private static Result az(String... args) {
        return cli.run(args);
    }

    private static List<String> text(Result r) {
        return AzureCli.lines(r);
    }
}
