package dev.milab.lab;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import dev.milab.entra.Directory;

/**
 * Who holds each token the lab issued, by the token's id ({@code uti}): the VM whose IMDS asked for it, the host
 * whose agent did, or the client of the token endpoint. A resource that sees a token presented can so name its
 * caller. Bounded: the oldest entries go first once {@link #LIMIT} are kept.
 */
final class TokenHolders {

    static final int LIMIT = 10_000;
    /** A caller the lab cannot name. */
    static final String UNKNOWN_CALLER = "client";

    /** The caller that holds a token, and the display name of the identity it names (null if unknown). */
    record Holder(String caller, String identity) {
    }

    private static final Holder NOBODY = new Holder(UNKNOWN_CALLER, null);
    private static final Base64.Decoder B64 = Base64.getUrlDecoder();

    private final Directory directory;
    private final Map<String, Holder> byTokenId = new ConcurrentHashMap<>();
    private final Queue<String> oldestFirst = new ConcurrentLinkedQueue<>();
    private final AtomicInteger size = new AtomicInteger();

    TokenHolders(Directory directory) {
        this.directory = directory;
    }

    /** Notes that {@code caller} holds {@code token}, which names {@code identity}. */
    void issued(String token, String caller, String identity) {
        String tokenId = claim(payload(token), "uti");
        if (tokenId == null || byTokenId.put(tokenId, new Holder(caller, identity)) != null) {
            return;
        }
        oldestFirst.add(tokenId);
        if (size.incrementAndGet() > LIMIT) {
            String oldest = oldestFirst.poll();
            if (oldest != null) {
                byTokenId.remove(oldest);
                size.decrementAndGet();
            }
        }
    }

    /**
     * Who presented {@code token}: its holder if the lab issued it; else an unknown caller with the identity its
     * {@code oid} names in the directory, if any.
     */
    Holder holderOf(String token) {
        String payload = payload(token);
        if (payload == null) {
            return NOBODY;
        }
        String tokenId = claim(payload, "uti");
        Holder holder = tokenId == null ? null : byTokenId.get(tokenId);
        if (holder != null) {
            return holder;
        }
        String oid = claim(payload, "oid");
        return new Holder(UNKNOWN_CALLER, oid == null ? null
            : directory.principalName(oid).orElse(null));
    }

    /** A JWT's claim set as text, or null if {@code token} is no JWT. */
    private static String payload(String token) {
        if (token == null) {
            return null;
        }
        int first = token.indexOf('.');
        int second = first < 0 ? -1 : token.indexOf('.', first + 1);
        if (second < 0) {
            return null;
        }
        try {
            return new String(B64.decode(token.substring(first + 1, second)), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * A string member's value from flat JSON text such as a token's claims or a token response, without a parser:
     * enough for ids and JWTs, whose values hold no escapes. Null if absent.
     */
    static String claim(String json, String name) {
        if (json == null) {
            return null;
        }
        String key = "\"" + name + "\"";
        int at = json.indexOf(key);
        while (at >= 0) {
            int i = skipSpaces(json, at + key.length());
            if (i < json.length() && json.charAt(i) == ':') {
                i = skipSpaces(json, i + 1);
                if (i < json.length() && json.charAt(i) == '"') {
                    int end = json.indexOf('"', i + 1);
                    return end < 0 ? null : json.substring(i + 1, end);
                }
                return null;
            }
            at = json.indexOf(key, at + 1);
        }
        return null;
    }

    private static int skipSpaces(String s, int i) {
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        return i;
    }
}
