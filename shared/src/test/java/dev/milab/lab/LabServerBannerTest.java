package dev.milab.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The standalone server's banner is what the root README shows, and the curl commands it prints work.
 */
class LabServerBannerTest {

    private static final Pattern GUID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private static final Pattern PORT = Pattern.compile("127\\.0\\.0\\.1:\\d+");

    @Test
    void theReadmeShowsTheBannerTheServerPrints(@TempDir Path state) throws Exception {
        try (LabServer.Running running = LabServer.start(freePorts(state))) {
            String banner = banner(running).replace(state.toString(), "~/.milab");

            String readme = Files.readString(Path.of("..", "README.md"), StandardCharsets.UTF_8);
            Matcher block = Pattern.compile("<!-- banner:start -->\\s*```text\\n(.*?)```\\s*<!-- banner:end -->",
                Pattern.DOTALL).matcher(readme);
            assertThat(block.find()).as("README has a banner block").isTrue();

            assertThat(normalize(block.group(1))).isEqualTo(normalize(banner));
        }
    }

    @Test
    void theCurlLineForAnImdsTokenGetsAToken(@TempDir Path state) throws Exception {
        try (LabServer.Running running = LabServer.start(freePorts(state))) {
            Lab lab = running.lab();
            Matcher curl = Pattern.compile("curl -s '([^']+)' -H Metadata:true").matcher(banner(running));
            assertThat(curl.find()).isTrue();

            HttpClient client = HttpClient.newBuilder().proxy(ProxySelector.of(null)).build();
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(curl.group(1)))
                .header("Metadata", "true").build(), HttpResponse.BodyHandlers.ofString());

            assertThat(response.statusCode()).isEqualTo(200);
            JsonNode body = new ObjectMapper().readTree(response.body());
            assertThat(body.get("resource").asText()).isEqualTo("https://management.azure.com/");
            assertThat(body.get("token_type").asText()).isEqualTo("Bearer");
            assertThat(body.get("client_id").asText())
                .isEqualTo(lab.virtualMachine("vm1").orElseThrow().systemAssigned().appId());
        }
    }

    @Test
    void withoutADatabaseUserTheBannerSaysWhatTheJdbcUrlNeedsFirst(@TempDir Path state) {
        try (LabServer.Running running = LabServer.start(freePorts(state))) {
            assertThat(banner(running)).contains("It answers 18456 until db1 has a user for vm1",
                "--sql-user vm1", "CREATE USER [vm1] FROM EXTERNAL PROVIDER");
        }
    }

    static LabServer.Options freePorts(Path state, String... sqlUsers) {
        return new LabServer.Options(0, 0, 0, 0, 0, 0, List.of(), List.of(sqlUsers), state, false);
    }

    static String banner(LabServer.Running running) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        LabServer.printBanner(running, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static String normalize(String text) {
        return PORT.matcher(GUID.matcher(text.strip()).replaceAll("<guid>")).replaceAll("127.0.0.1:<port>");
    }
}
