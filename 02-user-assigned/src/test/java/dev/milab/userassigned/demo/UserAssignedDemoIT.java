package dev.milab.userassigned.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import dev.milab.kit.DemoRun;
import dev.milab.kit.junit.WholeDemoTest;

/**
 * The whole demo against the lab, as a learner runs it: every step's expected outcome seen, exit code 0, the
 * sequence diagram written, and the README's expected output still true.
 */
class UserAssignedDemoIT extends WholeDemoTest {

    @Override
    protected DemoRun runTheDemo() {
        return DemoRun.of(UserAssignedDemo.NAME, UserAssignedDemo.TITLE, UserAssignedDemo.SUBTITLE,
            UserAssignedDemo::create);
    }

    @Override
    protected int steps() {
        return 8;
    }

    @Test
    void allFiveVmsLogInAsTheOneIdentity() {
        assertThat(output)
            .contains("ok  all five sign in as the database user MyUserIdentity and read 3 items")
            .contains("ok  five tokens, one oid, and xms_mirid names the identity, not a VM")
            .contains("ok  the connection-string login works too");
        for (String vm : LabWiring.VMS) {
            assertThat(output).contains("    " + vm + ">        Signed in to Azure SQL as ");
        }
    }

    @Test
    void thePitfallsShowAzuresOwnMessages() {
        assertThat(output)
            .contains("400 PrincipalNotFound")
            .contains("If you are creating this principal and then immediately assigning a role, this error might be"
                + " related to a replication delay")
            .contains("principalType=ServicePrincipal")
            .contains("vm2>        Cannot read stock: no token: " + UserAssignedDemo.MULTIPLE_IDENTITIES)
            .contains("vm4>        Cannot read stock: no token: Identity not found");
    }

    @Test
    void detachingVm3AndDeletingTheIdentityStopNewTokens() {
        assertThat(output)
            .contains("vm3>        status 400 {\"error\":\"invalid_request\",\"error_description\":\"Identity not found\"}")
            .contains("ok  VM1, VM2, VM4 and VM5 still get tokens")
            .contains("ok  MyUserIdentity survives VM1, with the same principal")
            .contains("ok  no VM gets a token for it any more: 400 \"Identity not found\" on vm2, vm3, vm4, vm5");
    }

    @Test
    void theComparisonTableClosesTheDemo() {
        assertThat(output)
            .contains("| created   | with the VM, by turning it on | on its own, before any VM     | step 1")
            .contains("| lifecycle | automatic: deleted with VM    | manual: lives until deleted   | step 8")
            .contains("| used by   | one resource                  | many: here 5 VMs, 1 DB user   | steps 2, 3");
    }

    @Test
    void theSequenceDiagramIsWritten() throws Exception {
        String diagram = Files.readString(Path.of("target", UserAssignedDemo.NAME + "-sequence.md"));
        assertThat(diagram).contains("```mermaid").contains("sequenceDiagram").contains("IMDS (vm5)");
    }
}
