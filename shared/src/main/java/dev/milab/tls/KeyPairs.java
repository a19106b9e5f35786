package dev.milab.tls;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Fresh key pairs for the lab, made ahead of need. An RSA 2048 key takes 50 to 700 ms to generate; once a kind has
 * been asked for, a background thread keeps a few of it ready, so the next one (a key rollover, a lab started
 * after another) does not wait. Every pooled key is handed out once: no two uses share a key.
 */
public final class KeyPairs {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Pool RSA = new Pool("RSA 2048", () -> generate("RSA", 2048));
    private static final Pool EC = new Pool("EC P-256", KeyPairs::generateEc);

    private KeyPairs() {
    }

    /** A new RSA 2048 key pair, for token signing. */
    public static KeyPair rsa2048() {
        return RSA.take();
    }

    /** A new RSA 2048 key pair made now, on this thread, without starting the pool's background work. */
    public static KeyPair generateRsa2048() {
        return generate("RSA", 2048);
    }

    /** A new EC P-256 key pair, for TLS certificates. */
    public static KeyPair ecP256() {
        return EC.take();
    }

    private static final class Pool {
        private static final int READY = 3;
        private final BlockingQueue<KeyPair> ready = new ArrayBlockingQueue<>(READY);
        private final Supplier<KeyPair> generator;
        private final AtomicBoolean refilling = new AtomicBoolean();
        private final ExecutorService worker;

        Pool(String name, Supplier<KeyPair> generator) {
            this.generator = generator;
            this.worker = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "lab-keygen-" + name);
                t.setDaemon(true);
                t.setPriority(Thread.MIN_PRIORITY);
                return t;
            });
        }

        KeyPair take() {
            KeyPair key = ready.poll();
            refill();
            return key != null ? key : generator.get();
        }

        private void refill() {
            if (refilling.compareAndSet(false, true)) {
                worker.execute(() -> {
                    try {
                        while (ready.remainingCapacity() > 0) {
                            ready.offer(generator.get());
                        }
                    } finally {
                        refilling.set(false);
                    }
                });
            }
        }
    }

    private static KeyPair generate(String algorithm, int size) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
            generator.initialize(size, RANDOM);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(algorithm + " is not available in this JVM", e);
        }
    }

    private static KeyPair generateEc() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("EC P-256 is not available in this JVM", e);
        }
    }
}
