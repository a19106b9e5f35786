package dev.milab.bearertoken.demo;

import java.io.PrintStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Optional;

import dev.milab.bearertoken.app.ClientConfig;
import dev.milab.bearertoken.app.ImdsTokenClient;

/**
 * Runs on VM1: sends the app's IMDS request ({@link ImdsTokenClient#request}) and prints it and IMDS's answer as
 * they are, token included, so the demo can take the answer apart. A real app never prints a token: whoever reads
 * it is the VM until it expires.
 *
 * <pre>
 * ShowImdsAnswer --config client.properties [--resource URI] [--client-id ID] [--no-metadata-header]
 * </pre>
 */
public final class ShowImdsAnswer {

    private ShowImdsAnswer() {
    }

    public static int run(String[] args, PrintStream out) throws Exception {
        Path config = null;
        String resource = null;
        Optional<String> clientId = Optional.empty();
        boolean metadataHeader = true;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--config" -> config = Path.of(args[++i]);
                case "--resource" -> resource = args[++i];
                case "--client-id" -> clientId = Optional.of(args[++i]);
                case "--no-metadata-header" -> metadataHeader = false;
                default -> throw new IllegalArgumentException("Unknown option " + args[i]);
            }
        }
        ClientConfig settings = ClientConfig.load(config);
        ImdsTokenClient imds = new ImdsTokenClient(settings.imdsEndpoint());
        HttpRequest request = imds.request(resource != null ? resource : settings.resource(), clientId);
        if (!metadataHeader) {
            request = HttpRequest.newBuilder(request.uri()).GET().build();
        }
        out.println("request " + request.method() + " " + request.uri());
        request.headers().map().forEach((name, values) -> out.println("header " + name + ": " + values.get(0)));
        HttpResponse<String> response = imds.send(request);
        out.println("status " + response.statusCode());
        out.println("body " + response.body());
        return response.statusCode() == 200 ? 0 : 1;
    }

    public static void main(String[] args) throws Exception {
        System.exit(run(args, System.out));
    }
}
