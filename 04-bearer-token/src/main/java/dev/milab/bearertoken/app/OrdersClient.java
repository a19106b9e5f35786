package dev.milab.bearertoken.app;

import java.io.PrintStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The client on the VM: gets a token for the orders API from IMDS ({@link ImdsTokenClient}) and calls the API with
 * it. Prints the status, {@code WWW-Authenticate} if the API sent one, and the body.
 *
 * <pre>
 * java -cp 'app.jar:lib/*' dev.milab.bearertoken.app.OrdersClient --config client.properties
 * </pre>
 * Exit code 0 for 200, 1 when the API refused, 2 when there was no token.
 */
public final class OrdersClient {

    private OrdersClient() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out));
    }

    public static int run(String[] args, PrintStream out) {
        ClientConfig config;
        ImdsToken token;
        try {
            config = ClientConfig.load(Settings.locate(args, "client.properties"));
            token = new ImdsTokenClient(config.imdsEndpoint()).token(config.resource(), config.clientId());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 2;
        } catch (Exception e) {
            out.println("No token: " + e.getMessage());
            return 2;
        }
        try {
            HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
            if (config.trustStore().isPresent()) {
                builder.sslContext(Tls.trusting(config.trustStore().get(), config.trustStorePassword()));
            }
            HttpRequest request = HttpRequest.newBuilder(config.apiUrl())
                .header("Authorization", "Bearer " + token.accessToken())
                .timeout(Duration.ofSeconds(10)).GET().build();
            HttpResponse<String> response = builder.build().send(request,
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            out.println("GET " + config.apiUrl() + " -> " + response.statusCode());
            response.headers().firstValue("WWW-Authenticate").ifPresent(h -> out.println("WWW-Authenticate: " + h));
            out.println(response.body());
            return response.statusCode() == 200 ? 0 : 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        } catch (Exception e) {
            out.println("GET " + config.apiUrl() + " failed: " + e);
            return 1;
        }
    }

}
