package dev.milab.entra;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;

/**
 * A certificate credential of an application ("Certificates & secrets -> Certificates"): only its public part, as
 * Entra ID keeps it. The client proves possession of the private key by signing a client assertion.
 *
 * @param thumbprint the SHA-1 thumbprint in hex, as the portal shows it
 * @param x5t        base64url SHA-1 of the DER certificate (the assertion header's {@code x5t})
 * @param x5tS256    base64url SHA-256 of the DER certificate ({@code x5t#S256}, what MSAL sends by default)
 */
public record ClientCertificate(X509Certificate certificate, String thumbprint, String x5t, String x5tS256,
                                Instant startDateTime, Instant endDateTime) {

    public static ClientCertificate of(X509Certificate certificate) {
        try {
            byte[] der = certificate.getEncoded();
            byte[] sha1 = MessageDigest.getInstance("SHA-1").digest(der);
            byte[] sha256 = MessageDigest.getInstance("SHA-256").digest(der);
            Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
            return new ClientCertificate(certificate, HexFormat.of().withUpperCase().formatHex(sha1),
                b64.encodeToString(sha1), b64.encodeToString(sha256), certificate.getNotBefore().toInstant(),
                certificate.getNotAfter().toInstant());
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("Not a usable certificate", e);
        }
    }

    /**
     * Whether an assertion header's {@code x5t} or {@code x5t#S256} names this certificate. RFC 7515 says base64url;
     * MSAL for Java sends standard base64 with padding, which Entra ID accepts too, so both are compared as bytes.
     */
    public boolean isNamedBy(String x5tValue, String x5tS256Value) {
        return sameDigest(x5tS256Value, x5tS256) || sameDigest(x5tValue, x5t);
    }

    private static boolean sameDigest(String presented, String known) {
        if (presented == null) {
            return false;
        }
        try {
            String urlForm = presented.replace('+', '-').replace('/', '_').replace("=", "");
            return java.util.Arrays.equals(Base64.getUrlDecoder().decode(urlForm), Base64.getUrlDecoder().decode(known));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
