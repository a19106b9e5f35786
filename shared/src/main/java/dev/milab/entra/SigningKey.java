package dev.milab.entra;

import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;

/**
 * One of the token service's RSA signing keys with its schedule: published in the JWKS from {@code publishedAt},
 * signing from {@code signsFrom} until it is retired, and still published until {@code unpublishedAt}.
 *
 * @param kid          the key id, as Entra ID makes it: the base64url SHA-1 thumbprint of the key's certificate
 *                     (also the {@code x5t} value)
 * @param keyPair      the RSA key pair
 * @param certificate  the self-signed certificate published in {@code x5c}
 */
public record SigningKey(String kid, KeyPair keyPair, X509Certificate certificate, Instant publishedAt,
                         Instant signsFrom, Instant retiredAt, Instant unpublishedAt) {

    public RSAPublicKey publicKey() {
        return (RSAPublicKey) keyPair.getPublic();
    }

    public boolean isPublishedAt(Instant now) {
        return !now.isBefore(publishedAt) && (unpublishedAt == null || now.isBefore(unpublishedAt));
    }

    public boolean canSignAt(Instant now) {
        return !now.isBefore(signsFrom) && (retiredAt == null || now.isBefore(retiredAt));
    }

    SigningKey retire(Instant retired, Instant unpublished) {
        return new SigningKey(kid, keyPair, certificate, publishedAt, signsFrom, retired, unpublished);
    }
}
