package dev.milab.kit.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

import dev.milab.arm.UserAssignedIdentity;
import dev.milab.entra.ServicePrincipal;
import dev.milab.kit.Machine;
import dev.milab.lab.Lab;
import dev.milab.routing.LabRouting;
import dev.milab.routing.RouteTable;
import dev.milab.sql.PrintSqlIdentity;

/** The extension a learner tests their copy of the app code with: one lab per class, described in one line. */
class LabExtensionIT {

    @RegisterExtension
    static LabExtension lab = LabExtension.withVm("vm1").systemAssigned()
        .andVm("vm2").userAssigned("orders-id")
        .sqlServer("sql1", "db1");

    @Test
    void theLabHasTheVmsIdentitiesAndServersTheTestNamed() {
        Lab running = lab.get();

        assertThat(running.virtualMachine("vm1").orElseThrow().systemAssigned().displayName()).isEqualTo("vm1");
        assertThat(running.virtualMachine("vm2").orElseThrow().systemAssigned()).isNull();
        assertThat(running.virtualMachine("vm2").orElseThrow().userAssigned()).extracting(UserAssignedIdentity::name)
            .containsExactly("orders-id");
        assertThat(running.sqlServer("sql1").database("db1")).isPresent();
        assertThat(lab.systemAssignedIdentity("vm1")).isSameAs(running.virtualMachine("vm1").orElseThrow()
            .systemAssigned());
    }

    @Test
    void theTestJvmIsTheAdminWorkstationRoutedToTheLabAndOnNoVm() {
        RouteTable routes = LabRouting.current().orElseThrow();

        assertThat(routes.find("login.microsoftonline.com", 443)).hasValueSatisfying(r ->
            assertThat(r.targetPort()).isEqualTo(lab.get().gatewayPort()));
        assertThat(routes.find(Lab.IMDS_HOST, 80)).isEmpty();
        assertThat(System.getProperty("AZURE_HTTP_CLIENT_IMPLEMENTATION"))
            .isEqualTo("dev.milab.routing.LabHttpClientProvider");
    }

    @Test
    void aVmsSettingsLeadToItsOwnImdsAndHoldNoSecret() {
        Map<String, String> vm1 = lab.vmSettings("vm1");

        assertThat(vm1).containsEntry("MILAB_VM_NAME", "vm1")
            .containsEntry("AZURE_POD_IDENTITY_AUTHORITY_HOST", lab.get().imdsAddress("vm1").toString());
        assertThat(vm1.keySet()).noneMatch(k -> k.contains("SECRET") || k.contains("PASSWORD"));
    }

    @Test
    void aProgramRunOnAVmGetsThatVmsOwnManagedIdentityToken() {
        ServicePrincipal vm1 = lab.systemAssignedIdentity("vm1");
        UserAssignedIdentity orders = lab.get().virtualMachine("vm2").orElseThrow().userAssigned().get(0);

        Machine.Result onVm1 = lab.runOnVm("vm1", PrintManagedIdentityOid.class);
        Machine.Result onVm2 = lab.runOnVm("vm2", PrintManagedIdentityOid.class, orders.clientId());

        assertThat(onVm1.exitCode()).as(onVm1.text()).isZero();
        assertThat(onVm1.lines()).containsExactly("oid=" + vm1.objectId());
        assertThat(onVm2.exitCode()).as(onVm2.text()).isZero();
        assertThat(onVm2.lines()).containsExactly("oid=" + orders.principalId());
        assertThat(lab.machine("vm1")).isSameAs(lab.machine("VM1"));
    }

    @Test
    void theSqlAdminSeedsATableAndGrantsAVmsIdentityThatThenLogsInWithNoSecret() throws Exception {
        SqlAdmin admin = lab.sqlAdmin("sql1", "db1");
        admin.execute("CREATE TABLE dbo.Notes (Id int PRIMARY KEY, Text nvarchar(50));"
            + " INSERT INTO dbo.Notes VALUES (1, N'first');");
        String url = lab.jdbcUrl("sql1", "db1") + ";authentication=ActiveDirectoryManagedIdentity";
        Machine.Result refused = lab.runOnVm("vm1", PrintSqlIdentity.class, url);

        admin.execute("CREATE USER [vm1] FROM EXTERNAL PROVIDER; ALTER ROLE db_datareader ADD MEMBER [vm1];");
        Machine.Result allowed = lab.runOnVm("vm1", PrintSqlIdentity.class, url);

        assertThat(refused.exitCode()).isEqualTo(99);
        assertThat(refused.text()).contains("Login failed for user '<token-identified principal>'.");
        assertThat(allowed.exitCode()).as(allowed.text()).isZero();
        ServicePrincipal vm1 = lab.systemAssignedIdentity("vm1");
        assertThat(allowed.lines()).containsExactly("login=" + vm1.appId() + "@" + lab.get().tenant().id()
            + " user=vm1 db=db1");
        try (Connection c = admin.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT USER_NAME(), (SELECT COUNT(*) FROM dbo.Notes)")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo("dbo");
            assertThat(rs.getInt(2)).isEqualTo(1);
        }
    }

    @Test
    void theSqlAdminIsTheServersEntraAdminInResourceManagerToo() {
        SqlAdmin admin = lab.sqlAdmin("sql1", "db1");

        var entraAdmin = lab.get().resources().sqlServer(Lab.DEFAULT_RESOURCE_GROUP, "sql1").orElseThrow()
            .entraAdmin();
        assertThat(entraAdmin.sid()).isEqualTo(lab.get().admin().objectId());
        assertThat(entraAdmin.login()).isEqualTo(admin.login()).isEqualTo(Lab.ADMIN_APPLICATION_NAME);
        assertThat(lab.get().sqlServer("sql1").entraAdmin()).hasValueSatisfying(a ->
            assertThat(a.objectId()).isEqualTo(lab.get().admin().objectId()));
    }

    @Test
    void theJdbcUrlNamesTheServerForTlsAndTheLabsPortAndRefusesADatabaseThatIsNotThere() {
        assertThat(lab.jdbcUrl("sql1", "db1")).startsWith("jdbc:sqlserver://127.0.0.1:" + lab.get().sqlPort() + ";")
            .contains(";databaseName=db1;", ";encrypt=strict;", ";hostNameInCertificate=sql1.database.windows.net;");
        assertThatThrownBy(() -> lab.jdbcUrl("sql1", "db2")).hasMessage("SQL server sql1 has no database db2");
        assertThatThrownBy(() -> lab.jdbcUrl("sql9", "db1")).hasMessage("No SQL server named sql9");
    }

    @Test
    void theLabCannotBeChangedAfterItStarted() {
        assertThatThrownBy(() -> lab.andVm("vm3")).isInstanceOf(IllegalStateException.class)
            .hasMessage("The lab has started: describe it before the first test");
    }

    @Test
    void anIdentityNeedsAVmToGoTo() {
        assertThatThrownBy(() -> LabExtension.withSqlServer("sql1", "db1").systemAssigned())
            .isInstanceOf(IllegalStateException.class)
            .hasMessageStartingWith("systemAssigned() gives an identity to the VM named last");
    }

    @Test
    void aClassOfItsOwnGetsOneLabForAllItsTestsAndLeavesThisJvmsRoutingAsItFoundIt() {
        RouteTable before = LabRouting.current().orElseThrow();
        TwoTestsOnOneLab.seen.clear();

        TestExecutionSummary summary = runTestClass(TwoTestsOnOneLab.class);

        assertThat(summary.getTestsSucceededCount()).isEqualTo(2);
        assertThat(TwoTestsOnOneLab.seen).hasSize(2);
        assertThat(TwoTestsOnOneLab.seen.get(0)).isSameAs(TwoTestsOnOneLab.seen.get(1)).isNotSameAs(lab.get());
        assertThat(LabRouting.current()).containsSame(before);
        assertThatThrownBy(TwoTestsOnOneLab.lab::get).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void onAnInstanceFieldItSaysToUseAStaticOne() {
        TestExecutionSummary summary = runTestClass(OnAnInstanceField.class);

        assertThat(summary.getTestsFailedCount()).isEqualTo(1);
        assertThat(summary.getFailures().get(0).getException()).hasMessageContaining(
            "register it on a static field");
    }

    private static TestExecutionSummary runTestClass(Class<?> type) {
        SummaryGeneratingListener listener = new SummaryGeneratingListener();
        LauncherFactory.create().execute(LauncherDiscoveryRequestBuilder.request().selectors(selectClass(type))
            .build(), listener);
        return listener.getSummary();
    }

    /** Run by the test above, not on its own (nested classes are not test classes to Maven). */
    static class TwoTestsOnOneLab {
        @RegisterExtension
        static LabExtension lab = LabExtension.withVm("vm9");
        static final List<Lab> seen = new CopyOnWriteArrayList<>();

        @Test
        void first() {
            seen.add(lab.get());
        }

        @Test
        void second() {
            seen.add(lab.get());
        }
    }

    /** Run by the test above: the mistake it catches. */
    static class OnAnInstanceField {
        @RegisterExtension
        LabExtension lab = LabExtension.withVm("vm9");

        @Test
        void needsALab() {
            lab.get();
        }
    }
}
