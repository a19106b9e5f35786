package dev.milab.entra;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * The device codes Entra ID has handed out and is waiting on (the device authorization grant, RFC 8628; Microsoft
 * Learn, "Microsoft identity platform and the OAuth 2.0 device authorization grant flow"). A client gets a
 * {@code device_code} to poll with and a short {@code user_code} for the person; the code is good for 15 minutes.
 *
 * <p>On Azure the person enters the user code at {@code https://microsoft.com/devicelogin} and signs in. No browser
 * here reaches that page, so the lab's person approves the code on the lab instead ({@link #approve}: the standalone
 * server's {@code POST /lab/device-codes/{user_code}/approve}); what the client prints says so. Nothing is
 * authenticated in between, which is the lab's one shortcut: the approver decides who signs in.
 *
 * <p>Bounded: at most {@link #LIMIT} codes are kept; a new one withdraws the oldest beyond that. A redeemed code is
 * gone (single use); an expired one answers {@code expired_token} for another 15 minutes, then is forgotten.
 */
public final class DeviceCodes {

    /** Entra ID's {@code expires_in}: 900 seconds. */
    public static final Duration LIFETIME = Duration.ofMinutes(15);
    /** Entra ID's {@code interval}: seconds between polls. */
    public static final int INTERVAL_SECONDS = 5;
    /** Where Entra ID sends the person. */
    public static final String ENTRA_VERIFICATION_URI = "https://microsoft.com/devicelogin";
    static final int LIMIT = 1_000;

    /** Entra ID's user codes are nine letters and digits; these leave out the ones easily misread (0/O, 1/I). */
    private static final String USER_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    private static final int USER_CODE_LENGTH = 9;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** What the device authorization endpoint answers a client. */
    public record Authorization(String deviceCode, String userCode, String verificationUri, long expiresIn,
                                int interval, String message) {

        @Override
        public String toString() {
            return "Authorization[userCode=" + userCode + ", expiresIn=" + expiresIn + "]";
        }
    }

    /** A code waiting for the person, as the lab shows it: never its {@code device_code}. */
    public record PendingCode(String userCode, String clientId, String client, String scope, Instant expiresOn) {
    }

    /** What the person decided, or why nothing was decided. */
    public enum Decision {
        APPROVED, DECLINED, UNKNOWN_CODE, EXPIRED, ALREADY_DECIDED
    }

    /** What a poll with a device code finds. */
    public sealed interface Poll {
        record Pending() implements Poll {
        }

        /** Polled sooner than the interval: wait {@code interval} seconds from now on (RFC 8628, 3.5). */
        record SlowDown(int interval) implements Poll {
        }

        record Expired() implements Poll {
        }

        record Declined() implements Poll {
        }

        /** No such device code (never issued, already redeemed, or forgotten). */
        record Unknown() implements Poll {
        }

        /** The code was issued to another client. */
        record OtherClient() implements Poll {
        }

        /** Approved: the user who signed in, for the scope and resource the client asked for. Redeemed now. */
        record Approved(User user, String clientId, String scope, String resource) implements Poll {
        }
    }

    private enum State { PENDING, APPROVED, DECLINED }

    private static final class Entry {
        final String deviceCode;
        final String userCode;
        final String clientId;
        final String client;
        final String scope;
        final String resource;
        final Instant expiresOn;
        State state = State.PENDING;
        User user;
        Instant lastPoll;
        int interval;

        Entry(String deviceCode, String userCode, String clientId, String client, String scope, String resource,
              Instant expiresOn) {
            this.deviceCode = deviceCode;
            this.userCode = userCode;
            this.clientId = clientId;
            this.client = client;
            this.scope = scope;
            this.resource = resource;
            this.expiresOn = expiresOn;
        }
    }

    private volatile int pollingInterval = INTERVAL_SECONDS;

    private final Clock clock;
    /** Oldest first. */
    private final LinkedHashMap<String, Entry> byDeviceCode = new LinkedHashMap<>();
    private final Map<String, Entry> byUserCode = new HashMap<>();
    private volatile String verificationUri = ENTRA_VERIFICATION_URI;
    private volatile UnaryOperator<String> howToApprove =
        code -> "lab.deviceCodes().approve(\"" + code + "\", lab.learner())";

    public DeviceCodes(Clock clock) {
        this.clock = clock;
    }

    /**
     * Says where the person approves codes: {@code verificationUri} becomes the {@code verification_uri} clients
     * get, and {@code howToApprove} turns a user code into the instruction in their {@code message}.
     */
    public void approveAt(String verificationUri, UnaryOperator<String> howToApprove) {
        this.verificationUri = Objects.requireNonNull(verificationUri);
        this.howToApprove = Objects.requireNonNull(howToApprove);
    }

    /**
     * The {@code interval} new codes get, in seconds: Entra ID's 5 by default; a test that signs az in many times
     * may shorten it (az's MSAL waits that long between polls).
     */
    public void pollingInterval(int seconds) {
        if (seconds < 1 || seconds > INTERVAL_SECONDS) {
            throw new IllegalArgumentException("a polling interval of 1 to " + INTERVAL_SECONDS + " seconds");
        }
        this.pollingInterval = seconds;
    }

    /** Hands out a new code for {@code clientId} (named {@code client}), which asked for {@code scope}. */
    public synchronized Authorization start(String clientId, String client, String scope, String resource) {
        Instant now = clock.instant();
        forgetOld(now);
        String userCode;
        do {
            userCode = userCode();
        } while (byUserCode.containsKey(userCode));
        String deviceCode = deviceCode();
        Entry entry = new Entry(deviceCode, userCode, clientId, client, scope, resource, now.plus(LIFETIME));
        entry.interval = pollingInterval;
        byDeviceCode.put(deviceCode, entry);
        byUserCode.put(userCode, entry);
        String message = "To sign in, approve the code " + userCode + " on the lab: " + howToApprove.apply(userCode)
            + " (the lab's stand-in for " + ENTRA_VERIFICATION_URI + ", where you would enter the code on Azure).";
        return new Authorization(deviceCode, userCode, verificationUri, LIFETIME.toSeconds(), entry.interval,
            message);
    }

    /** The codes waiting for the person, oldest first. */
    public synchronized List<PendingCode> pending() {
        Instant now = clock.instant();
        List<PendingCode> list = new ArrayList<>();
        for (Entry e : byDeviceCode.values()) {
            if (e.state == State.PENDING && now.isBefore(e.expiresOn)) {
                list.add(new PendingCode(e.userCode, e.clientId, e.client, e.scope, e.expiresOn));
            }
        }
        return list;
    }

    /** The person signs in as {@code user} for the code {@code userCode} (case and dashes do not matter). */
    public Decision approve(String userCode, User user) {
        return decide(userCode, State.APPROVED, Objects.requireNonNull(user));
    }

    /** The person declines the sign-in ("No, cancel"). */
    public Decision decline(String userCode) {
        return decide(userCode, State.DECLINED, null);
    }

    private synchronized Decision decide(String userCode, State state, User user) {
        Entry entry = userCode == null ? null : byUserCode.get(normalize(userCode));
        if (entry == null) {
            return Decision.UNKNOWN_CODE;
        }
        if (!clock.instant().isBefore(entry.expiresOn)) {
            return Decision.EXPIRED;
        }
        if (entry.state != State.PENDING) {
            return Decision.ALREADY_DECIDED;
        }
        entry.state = state;
        entry.user = user;
        return state == State.APPROVED ? Decision.APPROVED : Decision.DECLINED;
    }

    /** A client's poll with {@code deviceCode}; an approved code is redeemed by it. */
    public synchronized Poll poll(String deviceCode, String clientId) {
        Entry entry = deviceCode == null ? null : byDeviceCode.get(deviceCode);
        if (entry == null) {
            return new Poll.Unknown();
        }
        if (!entry.clientId.equalsIgnoreCase(clientId)) {
            return new Poll.OtherClient();
        }
        Instant now = clock.instant();
        if (!now.isBefore(entry.expiresOn)) {
            return new Poll.Expired();
        }
        Instant last = entry.lastPoll;
        entry.lastPoll = now;
        switch (entry.state) {
            case APPROVED -> {
                remove(entry);
                return new Poll.Approved(entry.user, entry.clientId, entry.scope, entry.resource);
            }
            case DECLINED -> {
                return new Poll.Declined();
            }
            default -> {
                // A second of slack: a client that sleeps the interval between answers is never told to slow down.
                if (last != null && now.isBefore(last.plusSeconds(entry.interval - 1L))) {
                    entry.interval += 5;
                    return new Poll.SlowDown(entry.interval);
                }
                return new Poll.Pending();
            }
        }
    }

    /** Forgets codes expired for a lifetime, then the oldest while the store is full. */
    private void forgetOld(Instant now) {
        Iterator<Entry> it = byDeviceCode.values().iterator();
        while (it.hasNext()) {
            Entry e = it.next();
            if (!now.isBefore(e.expiresOn.plus(LIFETIME)) || byDeviceCode.size() >= LIMIT) {
                it.remove();
                byUserCode.remove(e.userCode);
            }
        }
    }

    private void remove(Entry entry) {
        byDeviceCode.remove(entry.deviceCode);
        byUserCode.remove(entry.userCode);
    }

    private static String normalize(String userCode) {
        return userCode.replace("-", "").trim().toUpperCase(Locale.ROOT);
    }

    private static String userCode() {
        StringBuilder b = new StringBuilder(USER_CODE_LENGTH);
        for (int i = 0; i < USER_CODE_LENGTH; i++) {
            b.append(USER_CODE_ALPHABET.charAt(RANDOM.nextInt(USER_CODE_ALPHABET.length())));
        }
        return b.toString();
    }

    /** An opaque device code, long as Entra ID's are; it carries nothing. */
    private static String deviceCode() {
        byte[] b = new byte[96];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
