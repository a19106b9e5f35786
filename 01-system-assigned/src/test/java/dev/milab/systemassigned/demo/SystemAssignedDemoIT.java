package dev.milab.systemassigned.demo;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import dev.milab.kit.DemoRun;
import dev.milab.kit.junit.WholeDemoTest;

/**
 * The whole of demo 01 against the lab, as a learner runs it: every step's outcome, and the module README's
 * expected output and sequence diagram, which must fit this run.
 */
class SystemAssignedDemoIT extends WholeDemoTest {

    @Override
    protected DemoRun runTheDemo() {
        return DemoRun.of(SystemAssignedDemo.NAME, SystemAssignedDemo.TITLE, SystemAssignedDemo.SUBTITLE,
            SystemAssignedDemo::create);
    }

    @Override
    protected int steps() {
        return 10;
    }

    @Test
    void theTokenIsRefusedUntilADatabaseUserExistsAndContributorDoesNotHelp() {
        assertThat(output).containsSubsequence(
            "ok  SQL1 refuses the login with error 18456",
            "ok  Resource Manager answers 403 AuthorizationFailed",
            "ok  VM1 now reads SQL1's settings through Resource Manager",
            "ok  and the database login still fails with 18456",
            "ok  VM1 signs in as the database user vm1 and reads 3 orders",
            "ok  the connection-string login works too");
    }

    @Test
    void tokensRenewWithoutCodeAndTheIdentityDiesWithItsVm() {
        assertThat(output).containsSubsequence(
            "ok  new connections kept logging in with new tokens after the first one expired",
            "ok  it fails: there is no managed identity here to get a token from",
            "ok  the developer's own sign-in reads the orders",
            "ok  its service principal is gone from Entra ID",
            "ok  a token issued before the deletion still logs in",
            "ok  after exp (and 5 minutes' clock skew) it is refused",
            "ok  a new identity, which the orphaned database user does not let in (18456)",
            "ok  and the name is taken by the orphan");
    }
}
