package dev.milab.entra;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.UUID;

/**
 * A certificate credential of an application ("Certificates & secrets -> Certificates"): only its public part, as
 * Entra ID keeps it. The client proves possession of the private key by signing a client assertion.
 *
 * @param keyId         the key credential's id in Microsoft Graph ({@code keyCredentials[].keyId}, a GUID)
 * @param displayName   its friendly name ({@code keyCredentials[].displayName})
 * @param thumbprint    the SHA-1 thumbprint in hex, as the portal shows it
 * @param x5t           base64url SHA-1 of the DER certificate (the assertion header's {@code x5t})
 * @param x5tS256       base64url SHA-256 of the DER certificate ({@code x5t#S256}, what MSAL sends by default)
 * @param startDateTime when the credential becomes usable (the certificate's notBefore unless set otherwise)
 * @param endDateTime   when it expires (the certificate's notAfter unless set otherwise)
 */
public record ClientCertificate(String keyId, String displayName, X509Certificate certificate, String thumbprint,
                                String x5t, String x5tS256, Instant startDateTime, Instant endDateTime) {

    /**
     * A certificate credential as the portal's upload makes it: the certificate's validity, its subject as the name
     * and a key id derived from the thumbprint (stable, so the same upload shows the same id).
     */
    public static ClientCertificate of(X509Certificate certificate) {
        String thumbprint = sha1Hex(certificate);
        return of(certificate, UUID.nameUUIDFromBytes(thumbprint.getBytes(StandardCharsets.UTF_8)).toString(),
            certificate.getSubjectX500Principal().getName(),
            certificate.getNotBefore().toInstant(), certificate.getNotAfter().toInstant());
    }

    /** A certificate credential with Graph's {@code keyId}, {@code displayName} and validity. */
    public static ClientCertificate of(X509Certificate certificate, String keyId, String displayName, Instant start,
                                       Instant end) {
        try {
            byte[] der = certificate.getEncoded();
            byte[] sha1 = MessageDigest.getInstance("SHA-1").digest(der);
            byte[] sha256 = MessageDigest.getInstance("SHA-256").digest(der);
            Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
            return new ClientCertificate(keyId, displayName, certificate, HexFormat.of().withUpperCase().formatHex(sha1),
                b64.encodeToString(sha1), b64.encodeToString(sha256), start, end);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("Not a usable certificate", e);
        }
    }

    private static String sha1Hex(X509Certificate certificate) {
        try {
            return HexFormat.of().withUpperCase().formatHex(MessageDigest.getInstance("SHA-1")
                .digest(certificate.getEncoded()));
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
