package dev.milab.entra;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import dev.milab.tls.KeyPairs;

/**
 * The token service's signing keys and their rollover. A new key is published (in the JWKS) a while before it
 * starts signing, so validators that cache keys already know it; the key it replaces stays published for a while
 * after it stops signing, so tokens it signed still validate. Both periods are lab settings.
 * <p>Every lab in a JVM starts with the same first key, as every tenant of Entra ID is signed for with the same
 * global keys (the tenant's {@code jwks_uri} and {@code /common/discovery/keys} list the same keys): what keeps
 * one tenant's tokens out of another is the issuer and audience a resource checks, not the key. Generating an RSA
 * 2048 key takes 50 to 700 ms, most of what a lab's start would cost. A rollover makes a new key for this lab only.
 */
public final class SigningKeys {

    private final Clock clock;
    private final Supplier<Duration> prepublish;
    private final Supplier<Duration> retention;
    private volatile List<SigningKey> keys;

    public SigningKeys(Clock clock, Supplier<Duration> prepublish, Supplier<Duration> retention) {
        this.clock = clock;
        this.prepublish = prepublish;
        this.retention = retention;
        Instant now = clock.instant();
        this.keys = List.of(FirstKey.MATERIAL.join().schedule(now, now));
    }

    /**
     * Starts a rollover: a new key is published now and signs after the prepublish period; the key signing now
     * is retired at that moment and stays published for the retention period after.
     *
     * @return the new key
     */
    public synchronized SigningKey rollover() {
        Instant now = clock.instant();
        Instant switchAt = now.plus(prepublish.get());
        SigningKey next = newKey(now, switchAt);
        List<SigningKey> updated = new ArrayList<>();
        for (SigningKey key : keys) {
            updated.add(key.retiredAt() == null ? key.retire(switchAt, switchAt.plus(retention.get())) : key);
        }
        updated.add(next);
        keys = List.copyOf(updated);
        return next;
    }

    /** The key that signs tokens now: the newest key whose signing period has begun. */
    public SigningKey current() {
        Instant now = clock.instant();
        return keys.stream().filter(k -> k.canSignAt(now)).max(Comparator.comparing(SigningKey::signsFrom))
            .or(() -> keys.stream().filter(k -> !now.isBefore(k.signsFrom()))
                .max(Comparator.comparing(SigningKey::signsFrom)))
            .orElseThrow(() -> new IllegalStateException("No signing key is valid at " + now));
    }

    /** The keys in the JWKS now. */
    public List<SigningKey> published() {
        Instant now = clock.instant();
        return keys.stream().filter(k -> k.isPublishedAt(now)).toList();
    }

    /** A published key by id. */
    public Optional<SigningKey> publishedKey(String kid) {
        Instant now = clock.instant();
        return keys.stream().filter(k -> k.kid().equals(kid) && k.isPublishedAt(now)).findFirst();
    }

    private static SigningKey newKey(Instant publishedAt, Instant signsFrom) {
        return KeyMaterial.of(KeyPairs.rsa2048()).schedule(publishedAt, signsFrom);
    }

    /**
     * Starts making the first key on a background thread if no lab has made it yet, so a caller can do other work
     * (a lab makes its CA and TLS context) while it is generated. Optional: the constructor waits for it anyway.
     */
    public static void prepareFirstKey() {
        FirstKey.MATERIAL.isDone();
    }

    /** The first key of every lab in this JVM, made when the first lab starts. */
    private static final class FirstKey {
        static final CompletableFuture<KeyMaterial> MATERIAL = CompletableFuture.supplyAsync(
            () -> KeyMaterial.of(KeyPairs.generateRsa2048()), task -> {
                Thread t = new Thread(task, "lab-keygen-entra-first-key");
                t.setDaemon(true);
                t.start();
            });
    }

    /** A key pair with its self-signed certificate and key id, not yet on a schedule. */
    private record KeyMaterial(String kid, KeyPair pair, X509Certificate certificate) {

        SigningKey schedule(Instant publishedAt, Instant signsFrom) {
            return new SigningKey(kid, pair, certificate, publishedAt, signsFrom, null, null);
        }

        static KeyMaterial of(KeyPair pair) {
            try {
                X500Name name = new X500Name("CN=accounts.accesscontrol.windows.net");
                Instant now = Instant.now();
                var builder = new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(now.toEpochMilli()),
                    Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(3650))), name,
                    pair.getPublic());
                X509Certificate cert = new JcaX509CertificateConverter()
                    .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withRSA")
                        .build(pair.getPrivate())));
                String kid = Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(MessageDigest.getInstance("SHA-1").digest(cert.getEncoded()));
                return new KeyMaterial(kid, pair, cert);
            } catch (GeneralSecurityException | org.bouncycastle.operator.OperatorCreationException e) {
                throw new IllegalStateException("Cannot create a signing key", e);
            }
        }
    }
}
