package dev.milab.userassigned.demo;

import java.io.PrintStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

import com.azure.core.http.HttpClient;
import com.azure.core.http.HttpMethod;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;

/**
 * Runs on a VM: asks IMDS for an Azure SQL token directly, as {@code curl} does on the VM, so no client-side cache
 * answers instead. Argument: the client id of the user-assigned identity, or nothing. Prints the status, and for an
 * error IMDS's body; the token itself is not printed, only that there is one.
 *
 * <pre>
 * curl -H Metadata:true "http://169.254.169.254/metadata/identity/oauth2/token?api-version=2018-02-01&amp;resource=https://database.windows.net/&amp;client_id=..."
 * </pre>
 */
public final class AskImds {

    private AskImds() {
    }

    public static int run(String[] args, PrintStream out) {
        String url = "http://169.254.169.254/metadata/identity/oauth2/token?api-version=2018-02-01&resource="
            + URLEncoder.encode("https://database.windows.net/", StandardCharsets.UTF_8)
            + (args.length > 0 && !args[0].isBlank() ? "&client_id=" + args[0] : "");
        // azure-core's HTTP client: on a VM it reaches 169.254.169.254; in the lab it is routed to this VM's IMDS.
        HttpRequest request = new HttpRequest(HttpMethod.GET, url).setHeader("Metadata", "true");
        try (HttpResponse response = HttpClient.createDefault().sendSync(request, com.azure.core.util.Context.NONE)) {
            String body = response.getBodyAsBinaryData().toString();
            if (response.getStatusCode() == 200) {
                out.println("status 200 access_token=" + (body.contains("\"access_token\"") ? "<a token>" : "none"));
            } else {
                out.println("status " + response.getStatusCode() + " " + body);
            }
            return response.getStatusCode() == 200 ? 0 : 1;
        }
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out));
    }
}
