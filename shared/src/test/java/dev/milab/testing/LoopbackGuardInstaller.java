package dev.milab.testing;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

import dev.milab.lab.VmProcess;

/**
 * Installs {@link LoopbackGuard} when the JUnit platform starts, in every module whose tests have this test-jar on
 * the class path, and has every VM process the tests launch ({@link VmProcess}) start with it too. Needs
 * {@code -Djava.security.manager=allow} (set in the parent pom); on a JDK without a security manager (24+), it says
 * so and the routing client's own fail-closed check remains.
 */
public final class LoopbackGuardInstaller implements LauncherSessionListener {

    @Override
    @SuppressWarnings("removal")
    public void launcherSessionOpened(LauncherSession session) {
        try {
            if (!(System.getSecurityManager() instanceof LoopbackGuard)) {
                System.setSecurityManager(new LoopbackGuard());
            }
            // Code the tests run "on a VM" (a child JVM) starts with the same guard.
            System.setProperty(VmProcess.SECURITY_MANAGER_PROPERTY, LoopbackGuard.class.getName());
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
