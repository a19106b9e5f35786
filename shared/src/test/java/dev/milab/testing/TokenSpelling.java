package dev.milab.testing;

import java.util.Arrays;
import java.util.Base64;
import java.util.function.UnaryOperator;

/**
 * Other spellings of one real token: the same bytes once decoded leniently, but not the one canonical base64url
 * text that RFC 7515 (section 2, appendix C) allows. Each must be refused wherever the original is accepted.
 */
public enum TokenSpelling {

    SIGNATURE_WITH_TWO_PADDING_CHARACTERS("'==' appended to the signature", t -> t + "=="),
    SIGNATURE_WITH_ONE_PADDING_CHARACTER("'=' appended to the signature", t -> t + "="),
    SIGNATURE_LAST_CHARACTER_IN_ITS_UNUSED_BITS("the signature's last character changed in its unused low bits",
        t -> t.substring(0, t.lastIndexOf('.') + 1) + inUnusedBits(t.substring(t.lastIndexOf('.') + 1))),
    PADDED_HEADER("the header part padded with '='", t -> {
        int dot = t.indexOf('.');
        int missing = (4 - dot % 4) % 4;
        // A header whose length is a multiple of 4 has no padding to add; '==' is then what a padding encoder
        // that counts wrongly would write.
        return t.substring(0, dot) + "=".repeat(missing == 0 ? 2 : missing) + t.substring(dot);
    });

    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    private final String description;
    private final UnaryOperator<String> alteration;

    TokenSpelling(String description, UnaryOperator<String> alteration) {
        this.description = description;
        this.alteration = alteration;
    }

    /** {@code token} spelled this way. */
    public String apply(String token) {
        String altered = alteration.apply(token);
        if (altered.equals(token)) {
            throw new IllegalStateException(this + " left the token unchanged");
        }
        return altered;
    }

    /**
     * Changes the last character of a base64url text within the bits that encode nothing (4 of them after 2
     * characters of a last quantum, 2 after 3), so a lenient decoder reads the same bytes.
     */
    public static String inUnusedBits(String base64url) {
        int unused = switch (base64url.length() % 4) {
            case 2 -> 4;
            case 3 -> 2;
            default -> throw new IllegalArgumentException("a base64url text of " + base64url.length()
                + " characters has no unused bits");
        };
        int last = ALPHABET.indexOf(base64url.charAt(base64url.length() - 1));
        String changed = base64url.substring(0, base64url.length() - 1) + ALPHABET.charAt(last ^ (1 << (unused - 1)));
        byte[] before = Base64.getUrlDecoder().decode(base64url);
        if (!Arrays.equals(before, Base64.getUrlDecoder().decode(changed))) {
            throw new IllegalStateException("the change reached a used bit");
        }
        return changed;
    }

    @Override
    public String toString() {
        return description;
    }
}
