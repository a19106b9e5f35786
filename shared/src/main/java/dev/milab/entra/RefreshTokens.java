package dev.milab.entra;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Optional;

/**
 * The refresh tokens Entra ID issued to users' public clients. A refresh token is opaque to its client (Microsoft
 * Learn, "Refresh tokens in the Microsoft identity platform"): here a random value whose SHA-256 the lab keeps with
 * what it stands for, the user and the client it was issued to. It is good for any resource the client may call,
 * and for 90 days; redeeming one returns a new one while the old stays valid until its own end, as Entra ID does.
 *
 * <p>Bounded: at most {@link #LIMIT} are kept, the oldest forgotten first.
 */
public final class RefreshTokens {

    /** Entra ID's refresh tokens for public clients live 90 days. */
    public static final Duration LIFETIME = Duration.ofDays(90);
    static final int LIMIT = 10_000;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** What a refresh token stands for. */
    public record Grant(String userObjectId, String clientId, Instant issuedOn, Instant expiresOn) {
    }

    private final Clock clock;
    /** By the token's hash, oldest first. */
    private final LinkedHashMap<String, Grant> grants = new LinkedHashMap<>();

    public RefreshTokens(Clock clock) {
        this.clock = clock;
    }

    /** A new refresh token for {@code user} at {@code clientId}. */
    public synchronized String issue(User user, String clientId) {
        byte[] b = new byte[96];
        RANDOM.nextBytes(b);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(b);
        Instant now = clock.instant();
        grants.put(hash(token), new Grant(user.objectId(), clientId, now, now.plus(LIFETIME)));
        Iterator<String> oldest = grants.keySet().iterator();
        while (grants.size() > LIMIT && oldest.hasNext()) {
            oldest.next();
            oldest.remove();
        }
        return token;
    }

    /** What {@code token} stands for, expired or not; empty if the lab never issued it or forgot it. */
    public synchronized Optional<Grant> find(String token) {
        return token == null || token.isEmpty() ? Optional.empty() : Optional.ofNullable(grants.get(hash(token)));
    }

    /** How many the lab keeps. */
    public synchronized int size() {
        return grants.size();
    }

    private static String hash(String token) {
        try {
            return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256")
                .digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
