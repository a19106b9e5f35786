package dev.milab.arm;

import java.util.LinkedHashMap;
import java.util.Map;

import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import com.azure.core.http.HttpMethod;
import com.azure.core.management.AzureEnvironment;
import com.azure.core.management.profile.AzureProfile;
import com.azure.identity.ClientSecretCredentialBuilder;

import dev.milab.entra.Application;
import dev.milab.entra.NewClientSecret;
import dev.milab.lab.Lab;
import dev.milab.testing.RoutedHttp;

/**
 * What the ARM tests share: Azure's profile for the lab's tenant and subscription, credentials for the admin and
 * for other applications, and raw calls to {@code https://management.azure.com} through the lab's routing.
 */
final class ArmClients {

    static final String ARM = "https://management.azure.com";

    private ArmClients() {
    }

    static AzureProfile profile(Lab lab) {
        return new AzureProfile(lab.tenant().id(), lab.subscriptionId(), AzureEnvironment.AZURE);
    }

    static TokenCredential admin(Lab lab) {
        return credential(lab, lab.admin().clientId(), lab.admin().clientSecret());
    }

    static TokenCredential credential(Lab lab, String clientId, String secret) {
        return new ClientSecretCredentialBuilder().tenantId(lab.tenant().id()).clientId(clientId).clientSecret(secret)
            .build();
    }

    /** A new application principal with a client secret and no role anywhere. */
    record App(String clientId, String objectId, TokenCredential credential) {
    }

    static App newApplication(Lab lab, String name) {
        Application app = lab.directory().registerApplication(name);
        NewClientSecret secret = lab.directory().addClientSecret(app.appId(), "test", lab.clock().instant(),
            java.time.Duration.ofDays(1));
        return new App(app.appId(), app.servicePrincipal().objectId(), credential(lab, app.appId(), secret.value()));
    }

    static String token(TokenCredential credential) {
        return credential.getTokenSync(new TokenRequestContext().addScopes(ARM + "/.default")).getToken();
    }

    /** A raw ARM request with a bearer token (null for none) and an optional JSON body. */
    static RoutedHttp.Response call(HttpMethod method, String pathAndQuery, String bearer, String json) {
        Map<String, String> headers = new LinkedHashMap<>();
        if (bearer != null) {
            headers.put("Authorization", "Bearer " + bearer);
        }
        if (json != null) {
            headers.put("Content-Type", "application/json");
        }
        return RoutedHttp.send(method, ARM + pathAndQuery, headers, json);
    }
}
