package dev.milab.bearertoken.demo;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import dev.milab.kit.DemoRun;
import dev.milab.kit.junit.WholeDemoTest;

/**
 * The whole of demo 04 against the lab, as a learner runs it: every step's outcome, and the module README's
 * expected output and sequence diagram, which must fit this run.
 */
class BearerTokenDemoIT extends WholeDemoTest {

    @Override
    protected DemoRun runTheDemo() {
        return DemoRun.of(BearerTokenDemo.NAME, BearerTokenDemo.TITLE, BearerTokenDemo.SUBTITLE,
            BearerTokenDemo::create);
    }

    @Override
    protected int steps() {
        return 6;
    }

    @Test
    void imdsAnswersWithAJsonTokenOnlyWithTheMetadataHeaderAndTheSignatureIsEntraIds() {
        assertThat(output).containsSubsequence(
            "ok  IMDS answers 200 with a JSON token response",
            "ok  token_type Bearer, resource the API's App ID URI, client_id VM1's identity",
            "ok  IMDS refuses it: 400 Required metadata header not specified",
            "ok  the signature verifies with the published key",
            "ok  and no longer once the payload says exp is a year later");
    }

    @Test
    void theApiAcceptsVm1AndRefusesEveryBadTokenWithItsReason() {
        assertThat(output).containsSubsequence(
            "ok  the API answers 200 with the orders, for VM1's oid",
            "ok  it read Entra ID's OpenID configuration and keys once",
            "ok  a second call: 200, and the keys come from its cache",
            "ok  VM1's next token names a key the API has not seen: it fetches the keys again, and answers 200",
            "ok  no Authorization header: 401, WWW-Authenticate: Bearer",
            "ok  VM1's genuine token for Key Vault (aud https://vault.azure.net): 401",
            "ok  VM1's token with exp moved a year ahead in the payload: 401",
            "ok  VM1's claims with alg none and no signature: 401",
            "ok  VM1's claims signed HS256 with Entra ID's public key as the secret: 401",
            "ok  VM1's genuine token, a moment after its exp: 401");
    }

    @Test
    void aCopiedTokenWorksForWhoeverHoldsItUnlessTlsHidesItAndTheSdkSendsItOnlyOverHttps() {
        assertThat(output).containsSubsequence(
            "ok  the relay read VM1's token in the request",
            "ok  200, and VM1's orders: the API cannot tell the copy from VM1",
            "ok  nowhere in them \"Bearer\", nor the token: only ciphertext",
            "token credentials require a URL using the HTTPS protocol scheme",
            "ok  it throws before a byte is sent: the relay saw no new connection");
    }

    @Test
    void theApiAuthorizesApplicationsByObjectId() {
        assertThat(output).containsSubsequence(
            "ok  an app-only token: idtyp app, no scp, no upn",
            "ok  403 Forbidden, error insufficient_scope",
            "Where proof-of-possession goes further");
    }
}
