package dev.milab.entra;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;

/** {@code client_secret_post}: the application's secret value in the form body; {@code appidacr} 1. */
public final class ClientSecretAuthentication implements ClientAuthentication {

    private final Clock clock;

    public ClientSecretAuthentication(Clock clock) {
        this.clock = clock;
    }

    @Override
    public boolean appliesTo(Map<String, String> form) {
        return form.containsKey("client_secret");
    }

    @Override
    public AuthenticatedClient authenticate(Application application, Map<String, String> form)
        throws TokenRequestException {
        String value = form.get("client_secret");
        Instant now = clock.instant();
        ClientSecret match = application.secrets().stream().filter(s -> s.matches(value)).findFirst().orElse(null);
        if (match == null) {
            throw new TokenRequestException(401, "invalid_client", 7000215, "Invalid client secret provided. Ensure "
                + "the secret being sent in the request is the client secret value, not the client secret ID, for a "
                + "secret added to app '" + application.appId() + "'.");
        }
        if (match.isExpiredAt(now)) {
            throw new TokenRequestException(401, "invalid_client", 7000222, "The provided client secret keys for app '"
                + application.appId() + "' are expired. Visit the Azure portal to create new keys for your app: "
                + "https://aka.ms/NewClientSecret, or consider using certificate credentials for added security: "
                + "https://aka.ms/certCreds.");
        }
        return new AuthenticatedClient(application.servicePrincipal(), "1");
    }
}
