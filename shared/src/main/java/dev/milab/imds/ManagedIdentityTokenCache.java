package dev.milab.imds;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import dev.milab.entra.IssuedToken;
import dev.milab.entra.ServicePrincipal;
import dev.milab.entra.TokenService;
import dev.milab.lab.LabSettings;

/**
 * The token cache of a managed identity endpoint (IMDS, Azure Arc's HIMDS): tokens are cached per identity and
 * resource, as the platform does. The same token comes back until it is close to expiry, the signing key changes,
 * or the lifetime setting changes.
 */
public final class ManagedIdentityTokenCache {

    private static final Duration REFRESH_MARGIN = Duration.ofMinutes(5);

    private final TokenService tokens;
    private final LabSettings settings;
    private final Clock clock;
    private final Map<String, CachedToken> cache = new ConcurrentHashMap<>();
    private final Consumer<IssuedToken> onIssue;

    public ManagedIdentityTokenCache(TokenService tokens, LabSettings settings, Clock clock) {
        this(tokens, settings, clock, issued -> { });
    }

    /**
     * @param onIssue told of each token the cache gets from the token service, not of those it answers from cache
     *                (the lab's trace counts what Entra ID issued)
     */
    public ManagedIdentityTokenCache(TokenService tokens, LabSettings settings, Clock clock,
                                     Consumer<IssuedToken> onIssue) {
        this.tokens = tokens;
        this.settings = settings;
        this.clock = clock;
        this.onIssue = onIssue;
    }

    /** A token for {@code identity} and {@code resource}: the cached one while it is good, else a new one. */
    public IssuedToken tokenFor(ServicePrincipal identity, String resource) {
        String key = identity.objectId() + "|" + resource.toLowerCase(Locale.ROOT);
        Instant now = clock.instant();
        String currentKid = tokens.keys().current().kid();
        Duration lifetime = settings.managedIdentityTokenLifetime();
        Duration margin = lifetime.compareTo(REFRESH_MARGIN.multipliedBy(2)) < 0
            ? lifetime.dividedBy(2) : REFRESH_MARGIN;
        // The lifetime setting in force at issue is kept with the token: the token's own times cannot tell it,
        // since Entra ID back-dates iat and nbf.
        IssuedToken[] fresh = new IssuedToken[1];
        IssuedToken token = cache.compute(key, (k, cached) -> {
            if (cached != null && cached.lifetime().equals(lifetime) && cached.token().kid().equals(currentKid)
                && !now.isBefore(cached.token().notBefore()) && now.plus(margin).isBefore(cached.token().expiresOn())) {
                return cached;
            }
            fresh[0] = tokens.issueManagedIdentityToken(identity, resource);
            return new CachedToken(fresh[0], lifetime);
        }).token();
        if (fresh[0] != null) {
            onIssue.accept(fresh[0]);
        }
        return token;
    }

    /** Forgets every cached token, as an endpoint does when it restarts. */
    public void clear() {
        cache.clear();
    }

    /**
     * The token response IMDS and HIMDS send: every value a string, times in seconds since the epoch.
     */
    public Map<String, Object> responseBody(IssuedToken issued) {
        Instant now = clock.instant();
        String expiresIn = Long.toString(Math.max(0, Duration.between(now, issued.expiresOn()).getSeconds()));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("access_token", issued.accessToken());
        body.put("refresh_token", "");
        body.put("expires_in", expiresIn);
        body.put("expires_on", Long.toString(issued.expiresOn().getEpochSecond()));
        body.put("ext_expires_in", expiresIn);
        body.put("not_before", Long.toString(issued.notBefore().getEpochSecond()));
        body.put("resource", issued.resource());
        body.put("token_type", "Bearer");
        body.put("client_id", issued.principal().appId());
        return body;
    }

    private record CachedToken(IssuedToken token, Duration lifetime) {
    }
}
