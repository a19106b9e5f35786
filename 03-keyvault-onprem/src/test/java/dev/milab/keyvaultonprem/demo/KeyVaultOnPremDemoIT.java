package dev.milab.keyvaultonprem.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.milab.kit.DemoRun;
import dev.milab.kit.junit.WholeDemoTest;

/**
 * The whole of demo 03 against the lab, as a learner runs it: every step's outcome, and the module README's
 * expected output and sequence diagram, which must fit this run. Where the Arc agent's key files cannot be written
 * (MSAL reads them only from /var/opt/azcmagent/tokens), step 5 says so and the README checks are skipped.
 */
class KeyVaultOnPremDemoIT extends WholeDemoTest {

    @Override
    protected DemoRun runTheDemo() {
        return DemoRun.of(KeyVaultOnPremDemo.NAME, KeyVaultOnPremDemo.TITLE, KeyVaultOnPremDemo.SUBTITLE,
            KeyVaultOnPremDemo::create);
    }

    @Override
    protected int steps() {
        return 9;
    }

    private boolean arcWorksHere() {
        return !output.contains("(lab) skipped: the Arc key-file directory");
    }

    @Override
    protected Optional<String> whyTheReadmeDoesNotApply() {
        return arcWorksHere() ? Optional.empty()
            : Optional.of("the README shows a run with Azure Arc, whose key files cannot be written here");
    }

    @Test
    void aVaultMovesTheSecretButTheAppStillNeedsACredential() {
        assertThat(output).containsSubsequence(
            "ok  the app has its password, from app.properties",
            "ok  the app cannot read it: vm1 has no identity yet",
            "ok  Key Vault answers 403 ForbiddenByRbac",
            "ok  the app reads the password from kv1 as vm1",
            "ok  but it may not write: 403 ForbiddenByRbac for secrets/setSecret/action",
            "ok  Key Vault Secrets Officer is the role that may write");
    }

    @Test
    void onPremisesASecretExpiresACertificateSaysAppidacr2AndFederationNeedsATrustedIssuer() {
        assertThat(output).containsSubsequence(
            "ok  appidacr says a client secret signed it in: 1",
            "ok  Entra ID refuses the expired secret: AADSTS7000222",
            "ok  restarted with the new secret, the app reads the password again",
            "ok  the same service principal, and appidacr 2 with the certificate",
            "ok  before anyone trusts that issuer, Entra ID refuses the exchange: AADSTS70021",
            "ok  the app reads the password as MyUserIdentity");
    }

    @Test
    void theArcAgentChallengesWithAKeyFileThatIsGoodOnce() {
        org.junit.jupiter.api.Assumptions.assumeTrue(arcWorksHere(), "Arc key files cannot be written here");
        assertThat(output).containsSubsequence(
            "ok  the agent answers 401 WWW-Authenticate: Basic realm=/var/opt/azcmagent/tokens/",
            "ok  200 and a token; the key file is gone and the same key buys no second token (401)",
            "ok  the token is onprem-arc's managed identity",
            "ok  the app reads the password as onprem-arc");
    }

    @Test
    void oneAppReadsTheSameSecretOnEveryHostAndRotationNeedsNoChangeThere() {
        assertThat(output).containsSubsequence(
            "ok  vm1 read db-password as vm1",
            "ok  web1 read db-password as web1",
            "ok  onprem-fed read db-password as MyUserIdentity",
            "ok  all of them read the same version",
            "ok  the app reads the new version on its next read",
            "ok  the old version is still there by its id (2 versions)",
            "ok  the app gets 404 SecretNotFound",
            "ok  after recovery the app reads the latest version again",
            "ok  each row rests on a step that ran",
            "ok  vm1 read the vault more often than it asked for a token");
    }
}
