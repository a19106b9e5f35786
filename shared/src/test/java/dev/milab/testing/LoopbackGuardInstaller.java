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
        if (System.getProperty("classworlds.conf") != null) {
            // Maven's own JVM: with reuseForks=false, surefire and failsafe list the test classes there through the
            // JUnit platform before they fork. The guard is for test JVMs, never for the build tool (it would
            // refuse Maven's downloads for the modules built after).
            return;
        }
        try {
            if (!(System.getSecurityManager() instanceof LoopbackGuard)) {
                installQuietly(new LoopbackGuard());
            }
            // Code the tests run "on a VM" (a child JVM) starts with the same guard.
            System.setProperty(VmProcess.SECURITY_MANAGER_PROPERTY, LoopbackGuard.class.getName());
        } catch (UnsupportedOperationException | SecurityException e) {
            System.err.println("LoopbackGuard not installed (" + e.getMessage() + "): run tests on JDK 17-23 with "
                + "-Djava.security.manager=allow for the second wall.");
        }
    }

    /**
     * JDK 17 prints four lines to the JVM's first standard error at the first {@code setSecurityManager} call of each
     * class ("A terminally deprecated method ... Please consider reporting this to the maintainers ..."), once per
     * test JVM, about twenty times a build. We know (the class comment says what happens on JDK 24+), and a
     * newcomer's passing build must not look broken: where the parent pom opens {@code java.lang} to the tests, the
     * installer is marked as already warned, which is all the JDK checks. Elsewhere the notice prints, harmlessly.
     */
    @SuppressWarnings({"removal", "unchecked"})
    private static void installQuietly(SecurityManager guard) {
        try {
            java.lang.reflect.Field callers = Class.forName("java.lang.System$CallersHolder")
                .getDeclaredField("callers");
            callers.setAccessible(true);
            ((java.util.Map<Class<?>, Boolean>) callers.get(null)).put(LoopbackGuardInstaller.class, Boolean.TRUE);
        } catch (ReflectiveOperationException | RuntimeException e) {
            // not opened, or another JDK: the notice prints
        }
        System.setSecurityManager(guard);
    }

    /** Whether the guard is active in this JVM. */
    @SuppressWarnings("removal")
    public static boolean active() {
        return System.getSecurityManager() instanceof LoopbackGuard;
    }
}
