package dev.milab.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.milab.testing.LoopbackGuard;
import dev.milab.testing.LoopbackGuardInstaller;
import dev.milab.testing.SharedLab;

/**
 * Code a test runs "on a VM" is a child JVM; it starts with the test JVM's loopback guard, so a misconfigured VM
 * program cannot reach 169.254.169.254 or any other non-loopback address either. Checked by asking the child's
 * guard, never by connecting.
 */
class VmProcessGuardIT {

    @Test
    void aVmProcessStartsWithTheLoopbackGuardThatRefusesNonLoopbackAddresses() {
        assumeTrue(LoopbackGuardInstaller.active(), "this JDK has no security manager (24+)");
        Lab lab = SharedLab.get();
        lab.createVirtualMachine("guard-vm1");

        try (VmProcess vm = lab.launchOnVm("guard-vm1", AskTheGuard.class.getName(), List.of(), System.out)) {
            assertThat(vm.waitFor(60, TimeUnit.SECONDS)).as(String.join("\n", vm.output())).isZero();
            assertThat(vm.output()).contains("guard=" + LoopbackGuard.class.getName(),
                "169.254.169.254:80 refused", "198.51.100.7:443 refused", "127.0.0.1:80 allowed");
        }
    }

    /** Runs on the VM: reports its security manager and what it says about three addresses. */
    public static final class AskTheGuard {
        @SuppressWarnings("removal")
        public static void main(String[] args) {
            SecurityManager guard = System.getSecurityManager();
            System.out.println("guard=" + (guard == null ? "none" : guard.getClass().getName()));
            if (guard == null) {
                return;
            }
            for (String[] target : new String[][] {{"169.254.169.254", "80"}, {"198.51.100.7", "443"},
                {"127.0.0.1", "80"}}) {
                try {
                    guard.checkConnect(target[0], Integer.parseInt(target[1]));
                    System.out.println(target[0] + ":" + target[1] + " allowed");
                } catch (SecurityException e) {
                    System.out.println(target[0] + ":" + target[1] + " refused");
                }
            }
        }
    }
}
