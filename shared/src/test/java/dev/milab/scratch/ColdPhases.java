package dev.milab.scratch;

import java.net.*;
import java.net.http.*;
import java.nio.file.*;
import dev.milab.lab.Lab;
import dev.milab.tls.*;

public class ColdPhases {
    public static void main(String[] a) throws Exception {
        long t0 = System.nanoTime();
        LabCertificateAuthority ca = LabCertificateAuthority.create();
        long t1 = System.nanoTime();
        LabTls tls = LabTls.create(ca);
        long t2 = System.nanoTime();
        tls.exportTrust(Files.createTempDirectory("p"));
        long t3 = System.nanoTime();
        Lab lab = Lab.start();
        long t4 = System.nanoTime();
        HttpClient client = HttpClient.newBuilder().sslContext(lab.tls().clientContext()).version(HttpClient.Version.HTTP_1_1).build();
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + lab.gatewayPort() + "/" + lab.tenant().id() + "/v2.0/.well-known/openid-configuration")).build(), HttpResponse.BodyHandlers.ofString());
        long t5 = System.nanoTime();
        String form = "grant_type=client_credentials&client_id=" + lab.admin().clientId() + "&client_secret=" + URLEncoder.encode(lab.admin().clientSecret(), "UTF-8") + "&scope=https%3A%2F%2Fmanagement.azure.com%2F.default";
        HttpResponse<String> r2 = client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + lab.gatewayPort() + "/" + lab.tenant().id() + "/oauth2/v2.0/token")).header("Content-Type","application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        long t6 = System.nanoTime();
        System.out.printf("ca %d tls %d export %d | Lab.start (2nd CA etc) %d | first TLS req %d token %d | total %d%n",
            (t1-t0)/1000000, (t2-t1)/1000000, (t3-t2)/1000000, (t4-t3)/1000000, (t5-t4)/1000000, (t6-t5)/1000000, (t6-t0)/1000000);
        System.exit(0);
    }
}
