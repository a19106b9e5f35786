package dev.milab.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The standalone server's command line: {@code --help} is usage and status 0, the options do what they say. */
class LabServerOptionsTest {

    @ParameterizedTest
    @ValueSource(strings = {"--help", "-h"})
    void helpAsksForTheUsageOnly(String option) {
        assertThat(LabServer.Options.parse(option).help()).isTrue();
        assertThat(LabServer.Options.parse("--sql-port", "1433", option).help()).isTrue();
    }

    @Test
    void theUsageNamesEveryOptionAndWhereVm1Listens() {
        assertThat(LabServer.USAGE).contains("--gateway-port N", "--imds-port-base N", "--sql-port N",
            "--proxy-port N", "--control-port N", "--console-port N", "--set NAME=VALUE", "--sql-user NAME", "--state-dir DIR", "--help", "vm1 on N+1",
            "so vm1 is 47001");
    }

    @Test
    void optionsSetPortsAndStateDirectory() {
        LabServer.Options options = LabServer.Options.parse("--gateway-port", "8443", "--imds-port-base", "8000",
            "--sql-port", "1433", "--proxy-port", "8888", "--control-port", "8080", "--console-port", "8081", "--set", "validationClockSkew=0", "--sql-user", "vm1",
            "--set", "managedIdentityTokenLifetime=2s", "--state-dir", "/tmp/lab");

        assertThat(options).isEqualTo(new LabServer.Options(8443, 8000, 1433, 8888, 8080, 8081,
            List.of("validationClockSkew=0", "managedIdentityTokenLifetime=2s"), List.of("vm1"), Path.of("/tmp/lab"),
            false));
    }

    @Test
    void withoutOptionsTheDefaultsHold() {
        LabServer.Options options = LabServer.Options.parse();

        assertThat(options.gatewayPort()).isEqualTo(LabServer.DEFAULT_GATEWAY_PORT);
        assertThat(options.imdsPortBase()).isEqualTo(LabServer.DEFAULT_IMDS_PORT_BASE);
        assertThat(options.sqlPort()).isEqualTo(LabServer.DEFAULT_SQL_PORT);
        assertThat(options.controlPort()).isEqualTo(LabServer.DEFAULT_CONTROL_PORT);
        assertThat(options.proxyPort()).isEqualTo(dev.milab.routing.TunnelProxy.DEFAULT_PORT);
        assertThat(options.settings()).isEmpty();
        assertThat(options.sqlUsers()).isEmpty();
        assertThat(options.help()).isFalse();
    }

    @Test
    void anUnknownOptionIsRefused() {
        assertThatThrownBy(() -> LabServer.Options.parse("--verbose"))
            .isInstanceOf(IllegalArgumentException.class).hasMessage("Unknown option --verbose");
    }

    @Test
    void anOptionWithoutItsValueIsRefused() {
        assertThatThrownBy(() -> LabServer.Options.parse("--sql-port"))
            .isInstanceOf(IllegalArgumentException.class).hasMessage("Option --sql-port needs a value");
        assertThatThrownBy(() -> LabServer.Options.parse("--sql-port", "many"))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs a number");
    }

    @Test
    void theServerWithHelpPrintsTheUsageAndExitsWithZero() {
        try (VmProcess server = VmProcess.start("help", Map.of(), VmProcess.currentClassPath(),
            LabServer.class.getName(), List.of("--help"), null)) {
            assertThat(server.waitFor(60, TimeUnit.SECONDS)).isZero();
            assertThat(String.join("\n", server.output())).contains("Usage: LabServer").contains("vm1 on N+1")
                .doesNotContain("Unknown option");
        }
    }

    @Test
    void theServerWithAnUnknownOptionExitsWithTwo() {
        try (VmProcess server = VmProcess.start("bad-option", Map.of(), VmProcess.currentClassPath(),
            LabServer.class.getName(), List.of("--verbose"), null)) {
            assertThat(server.waitFor(60, TimeUnit.SECONDS)).isEqualTo(2);
            assertThat(String.join("\n", server.output())).contains("Unknown option --verbose", "Usage: LabServer");
        }
    }
}
