package dev.milab.kit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.milab.lab.Lab;
import dev.milab.testing.SharedLab;

/**
 * A {@link Machine} on a lab VM: one JVM with the VM's settings, running programs one after the other as a learner
 * logged in to the VM would from a shell, each with its own exit code and output.
 */
class MachineShellIT {

    private static Machine vm;

    @BeforeAll
    static void startTheVmsJvm() {
        Lab lab = SharedLab.get();
        lab.createVirtualMachine("shell-vm");
        vm = new Machine("shell-vm", lab.launchOnVm("shell-vm", MachineShell.class.getName(), List.of(), null));
    }

    @AfterAll
    static void endIt() {
        vm.close();
    }

    @Test
    void runsTwoProgramsOneAfterTheOtherAndReturnsEachOnesExitCodeAndLines() {
        Machine.Result first = vm.run(GreetFromTheMachine.class, "a", "b c");
        Machine.Result second = vm.run(ExitWithCode.class, "3");

        assertThat(first.exitCode()).isZero();
        assertThat(first.lines()).containsExactly("on shell-vm", "arg a", "arg b c");
        assertThat(first.line("arg ")).isEqualTo("arg a");
        assertThat(second.exitCode()).isEqualTo(3);
        assertThat(second.lines()).containsExactly("exiting with 3");
        assertThat(second.text()).isEqualTo("exiting with 3");
    }

    @Test
    void aProgramWithOnlyAMainEndsWithZero() {
        Machine.Result run = vm.run(PrintWithMainOnly.class, "x");

        assertThat(run.exitCode()).isZero();
        assertThat(run.lines()).containsExactly("main ran with 1 arguments");
    }

    @Test
    void aProgramThatThrowsEndsWith99AndItsStackTraceAndTheShellGoesOn() {
        Machine.Result failed = vm.run(ExitWithCode.class, "throw");
        Machine.Result next = vm.run(ExitWithCode.class, "0");

        assertThat(failed.exitCode()).isEqualTo(99);
        assertThat(failed.line("java.lang.IllegalStateException")).isEqualTo(
            "java.lang.IllegalStateException: asked to fail");
        assertThat(next.exitCode()).isZero();
        assertThat(next.lines()).containsExactly("exiting with 0");
    }
}
