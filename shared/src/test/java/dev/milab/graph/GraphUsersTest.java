package dev.milab.graph;

import static dev.milab.graph.GraphRequests.get;
import static dev.milab.graph.GraphRequests.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.milab.entra.FirstPartyClients;
import dev.milab.entra.ServicePrincipal;
import dev.milab.entra.User;
import dev.milab.http.LabHttpResponse;
import dev.milab.lab.Lab;

/** Microsoft Graph's users and the signed-in user, for the learner's delegated tokens and for app-only ones. */
class GraphUsersTest {

    private static Lab lab;
    private static GraphEndpoint graph;
    private static User learner;
    private static String learnersToken;

    @BeforeAll
    static void aLabWithItsLearner() {
        lab = Lab.start();
        graph = new GraphEndpoint(lab.directory(), lab.tokenValidator(), lab.clock());
        learner = lab.learner();
        learnersToken = userToken(FirstPartyClients.delegatedScopes(GraphEndpoint.RESOURCE));
    }

    @AfterAll
    static void stop() {
        lab.close();
    }

    @Test
    void meWithTheLearnersTokenIsTheLearnerInGraphsShape() {
        LabHttpResponse r = graph.handle(get("/v1.0/me", learnersToken));

        assertThat(r.status()).as(r.bodyAsString()).isEqualTo(200);
        JsonNode me = json(r);
        assertThat(me.get("@odata.context").asText())
            .isEqualTo("https://graph.microsoft.com/v1.0/$metadata#users/$entity");
        assertThat(me.get("id").asText()).isEqualTo(learner.objectId());
        assertThat(me.get("userPrincipalName").asText()).isEqualTo("learner@milab.onmicrosoft.com");
        assertThat(me.get("displayName").asText()).isEqualTo("Lab Learner");
        assertThat(me.get("givenName").asText()).isEqualTo("Lab");
        assertThat(me.get("surname").asText()).isEqualTo("Learner");
        assertThat(me.has("mail")).isTrue();
        assertThat(me.get("mail").isNull()).isTrue();
        assertThat(me.get("businessPhones")).isEmpty();
    }

    @Test
    void meWithUserReadAloneIsAllowedButListingUsersIsNot() {
        String userRead = userToken("User.Read");

        assertThat(graph.handle(get("/v1.0/me", userRead)).status()).isEqualTo(200);
        LabHttpResponse users = graph.handle(get("/v1.0/users", userRead));
        assertThat(users.status()).isEqualTo(403);
        assertThat(json(users).at("/error/code").asText()).isEqualTo("Authorization_RequestDenied");
    }

    @Test
    void meWithAnAppOnlyTokenStaysABadRequest() {
        ServicePrincipal admin = lab.directory().byObjectId(lab.admin().objectId()).orElseThrow();
        String appOnly = lab.tokens().issueApplicationToken(admin, GraphEndpoint.RESOURCE, "1").accessToken();

        LabHttpResponse r = graph.handle(get("/v1.0/me", appOnly));

        assertThat(r.status()).isEqualTo(400);
        assertThat(json(r).at("/error/message").asText())
            .isEqualTo("/me request is only valid with delegated authentication flow.");
    }

    @Test
    void usersListsTheLearnerAndGetsItByIdOrUserPrincipalName() {
        JsonNode list = json(graph.handle(get("/v1.0/users", learnersToken)));
        assertThat(list.get("@odata.context").asText()).isEqualTo("https://graph.microsoft.com/v1.0/$metadata#users");
        assertThat(list.get("value")).singleElement().satisfies(u ->
            assertThat(u.get("id").asText()).isEqualTo(learner.objectId()));

        for (String key : List.of(learner.objectId(), "Learner@milab.onmicrosoft.com")) {
            LabHttpResponse r = graph.handle(get("/v1.0/users/" + key, learnersToken));
            assertThat(r.status()).as(key).isEqualTo(200);
            assertThat(json(r).get("userPrincipalName").asText()).isEqualTo("learner@milab.onmicrosoft.com");
        }
        LabHttpResponse missing = graph.handle(get("/v1.0/users/nobody@milab.onmicrosoft.com", learnersToken));
        assertThat(missing.status()).isEqualTo(404);
        assertThat(json(missing).at("/error/code").asText()).isEqualTo("Request_ResourceNotFound");
    }

    @Test
    void usersAreFilteredByUserPrincipalNameAsAzAdUserListSends() {
        assertThat(json(graph.handle(get("/v1.0/users?$filter=userPrincipalName%20eq%20'learner@milab.onmicrosoft.com'",
            learnersToken))).get("value")).hasSize(1);
        assertThat(json(graph.handle(get("/v1.0/users?$filter=startswith(displayName,'Nobody')", learnersToken)))
            .get("value")).isEmpty();
    }

    @Test
    void theAdminsApplicationPermissionListsUsersAndTheLearnersDelegatedOnesReadPrincipals() {
        ServicePrincipal admin = lab.directory().byObjectId(lab.admin().objectId()).orElseThrow();
        String appOnly = lab.tokens().issueApplicationToken(admin, GraphEndpoint.RESOURCE, "1").accessToken();

        assertThat(json(graph.handle(get("/v1.0/users", appOnly))).get("value")).hasSize(1);
        assertThat(graph.handle(get("/v1.0/servicePrincipals", learnersToken)).status()).isEqualTo(200);
        assertThat(graph.handle(get("/v1.0/servicePrincipals", userToken("User.Read"))).status()).isEqualTo(403);
    }

    private static String userToken(String scp) {
        return lab.tokens().issueUserToken(learner, FirstPartyClients.AZURE_CLI, "https://graph.microsoft.com/",
            scp, java.time.Duration.ofHours(1)).accessToken();
    }
}
