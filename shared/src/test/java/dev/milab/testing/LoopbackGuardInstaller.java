package dev.milab.testing;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Installs {@link LoopbackGuard} when the JUnit platform starts, in every module whose tests have this test-jar on
 * the class path. Needs {@code -Djava.security.manager=allow} (set in the parent pom); on a JDK without a security
 * manager (24+), it says so and the routing client's own fail-closed check remains.
 */
public final class LoopbackGuardInstaller implements LauncherSessionListener {

    @Override
    @SuppressWarnings("removal")
    public void launcherSessionOpened(LauncherSession session) {
        if (System.getSecurityManager() instanceof LoopbackGuard) {
            return;
        }
        try {
            System.setSecurityManager(new LoopbackGuard());
        } catch (UnsupportedOperationException | SecurityException e) {
            System.err.println("LoopbackGuard not installed (" + e.getMessage() + "): run tests on JDK 17-23 with "
                + "-Djava.security.manager=allow for the second wall.");
        }
    }

    /** Whether the guard is active in this JVM. */
    @SuppressWarnings("removal")
    public static boolean active() {
        return System.getSecurityManager() instanceof LoopbackGuard;
    }
}
