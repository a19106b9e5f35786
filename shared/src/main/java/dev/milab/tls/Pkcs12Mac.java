package dev.milab.tls;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCS12PBEParams;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.operator.GenericKey;
import org.bouncycastle.operator.MacCalculator;
import org.bouncycastle.pkcs.PKCS12MacCalculatorBuilder;

/**
 * The integrity MAC of a PKCS12 file (RFC 7292 section 5 and appendix B): HMAC-SHA256 under a key derived from the
 * password with the PKCS12 key derivation, with one iteration, computed with the JDK's own SHA-256 and HMAC.
 * Bouncy Castle's equivalent needs its JCE provider, whose construction costs about half a second in a new JVM,
 * most of a cold lab start, for a MAC over one public certificate.
 */
final class Pkcs12Mac implements PKCS12MacCalculatorBuilder {

    private static final int HASH_BLOCK = 64;
    private static final int KEY_LENGTH = 32;
    private static final int SALT_LENGTH = 20;
    private static final byte MAC_KEY_ID = 3;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final int iterations;

    Pkcs12Mac(int iterations) {
        if (iterations < 1) {
            throw new IllegalArgumentException("at least one iteration");
        }
        this.iterations = iterations;
    }

    @Override
    public AlgorithmIdentifier getDigestAlgorithmIdentifier() {
        return new AlgorithmIdentifier(NISTObjectIdentifiers.id_sha256, DERNull.INSTANCE);
    }

    @Override
    public MacCalculator build(char[] password) {
        byte[] salt = new byte[SALT_LENGTH];
        RANDOM.nextBytes(salt);
        byte[] key = deriveMacKey(password, salt, iterations);
        AlgorithmIdentifier algorithm = new AlgorithmIdentifier(NISTObjectIdentifiers.id_sha256,
            new PKCS12PBEParams(salt, iterations));
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        return new MacCalculator() {
            @Override
            public AlgorithmIdentifier getAlgorithmIdentifier() {
                return algorithm;
            }

            @Override
            public OutputStream getOutputStream() {
                return data;
            }

            @Override
            public byte[] getMac() {
                return hmacSha256(key, data.toByteArray());
            }

            @Override
            public GenericKey getKey() {
                return new GenericKey(algorithm, key.clone());
            }
        };
    }

    /**
     * RFC 7292 appendix B.2 with SHA-256 (u = 32, v = 64) and ID 3 (a MAC key) for a 32-byte key: one block, so
     * the key is the first hash of D || I, hashed again {@code iterations - 1} times.
     */
    static byte[] deriveMacKey(char[] password, byte[] salt, int iterations) {
        byte[] d = new byte[HASH_BLOCK];
        Arrays.fill(d, MAC_KEY_ID);
        byte[] i = concat(fill(salt), fill(bmpString(password)));
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            sha256.update(d);
            byte[] a = sha256.digest(i);
            for (int round = 1; round < iterations; round++) {
                a = sha256.digest(a);
            }
            return Arrays.copyOf(a, KEY_LENGTH);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is not available in this JVM", e);
        }
    }

    /** The password as a BMPString with its two-byte terminator; an empty password is empty. */
    private static byte[] bmpString(char[] password) {
        if (password.length == 0) {
            return new byte[0];
        }
        byte[] utf16 = new String(password).getBytes(StandardCharsets.UTF_16BE);
        return Arrays.copyOf(utf16, utf16.length + 2);
    }

    /** {@code value} repeated to fill whole 64-byte blocks (none for an empty value). */
    private static byte[] fill(byte[] value) {
        if (value.length == 0) {
            return value;
        }
        int length = HASH_BLOCK * ((value.length + HASH_BLOCK - 1) / HASH_BLOCK);
        byte[] out = new byte[length];
        for (int k = 0; k < length; k++) {
            out[k] = value[k % value.length];
        }
        return out;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static byte[] hmacSha256(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
        }
    }
}
