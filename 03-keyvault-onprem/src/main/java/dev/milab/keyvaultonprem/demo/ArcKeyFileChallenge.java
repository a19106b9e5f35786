package dev.milab.keyvaultonprem.demo;

import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Runs on the Arc-enabled server: the agent's key-file challenge by hand, the two requests MSAL makes for
 * {@code ManagedIdentityCredential} (Microsoft Learn, "Authenticate against Azure resources with Azure Arc-enabled
 * servers"). Prints each step, then the token so that the demo can take it apart; a real app never prints a token.
 * Argument: the resource ({@code https://vault.azure.net}).
 */
public final class ArcKeyFileChallenge {

    private ArcKeyFileChallenge() {
    }

    public static int run(String[] args, PrintStream out) throws Exception {
        // Set by the Connected Machine agent for every process on the server: http://localhost:40342/metadata/...
        String endpoint = System.getenv("IDENTITY_ENDPOINT");
        URI uri = URI.create(endpoint + "?api-version=2019-11-01&resource="
            + URLEncoder.encode(args[0], StandardCharsets.UTF_8));
        HttpClient http = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY).build();

        HttpResponse<String> first = http.send(HttpRequest.newBuilder(uri).header("Metadata", "true").build(),
            HttpResponse.BodyHandlers.ofString());
        String challenge = first.headers().firstValue("WWW-Authenticate").orElse("");
        out.println("answer1 " + first.statusCode() + " WWW-Authenticate: " + challenge);
        if (first.statusCode() != 401 || !challenge.startsWith("Basic realm=")) {
            return 1;
        }
        Path keyFile = Path.of(challenge.substring("Basic realm=".length()));
        String key = Files.readString(keyFile, StandardCharsets.UTF_8);
        PosixFileAttributes attributes = Files.readAttributes(keyFile, PosixFileAttributes.class);
        out.println("keyfile " + keyFile + " " + PosixFilePermissions.toString(attributes.permissions()) + " "
            + attributes.owner().getName() + " " + key.length() + " bytes");

        HttpResponse<String> second = http.send(HttpRequest.newBuilder(uri).header("Metadata", "true")
            .header("Authorization", "Basic " + key).build(), HttpResponse.BodyHandlers.ofString());
        out.println("answer2 " + second.statusCode());
        out.println("keyfile-after " + (Files.exists(keyFile) ? "still there" : "gone"));
        String token = second.body().replaceAll("(?s).*\"access_token\"\\s*:\\s*\"([^\"]+)\".*", "$1");
        out.println("token " + token);
        HttpResponse<String> again = http.send(HttpRequest.newBuilder(uri).header("Metadata", "true")
            .header("Authorization", "Basic " + key).build(), HttpResponse.BodyHandlers.ofString());
        out.println("replay " + again.statusCode());
        return second.statusCode() == 200 ? 0 : 1;
    }

    public static void main(String[] args) throws Exception {
        System.exit(run(args, System.out));
    }
}
