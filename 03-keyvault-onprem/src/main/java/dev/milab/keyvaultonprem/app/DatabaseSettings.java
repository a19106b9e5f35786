package dev.milab.keyvaultonprem.app;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * What the app needs to open its database, wherever the password came from.
 *
 * @param source where the password came from: the config file, or the secret's id in Key Vault (with its version)
 */
public record DatabaseSettings(String url, String user, String password, String source) {

    /** A short fingerprint of the password (SHA-256, 8 hex digits): enough to tell two values apart, not to guess one. */
    public String passwordFingerprint() {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(password.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        // Keep the password out of logs and exception messages.
        return "DatabaseSettings[url=" + url + ", user=" + user + ", password=(" + password.length() + " chars, sha256 "
            + passwordFingerprint() + "), source=" + source + "]";
    }
}
