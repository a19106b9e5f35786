package dev.milab.routing;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import javax.net.ssl.SSLContext;

import dev.milab.tls.LabTls;

/**
 * Where Azure's public endpoints are in this process's lab, and the CA to trust for them. A process learns it
 * either from an in-process {@code Lab} ({@link LabRouting#install}) or from two settings, read as system
 * properties or environment variables:
 * <ul>
 *   <li>{@code MILAB_ROUTES}: {@code host:port=127.0.0.1:port} rules separated by {@code ;}, for example
 *       {@code 169.254.169.254:80=127.0.0.1:47001;login.microsoftonline.com:443=127.0.0.1:47443};</li>
 *   <li>{@code MILAB_CA_FILE}: the lab CA certificate in PEM.</li>
 * </ul>
 */
public final class RouteTable {

    public static final String ROUTES_SETTING = "MILAB_ROUTES";
    public static final String CA_FILE_SETTING = "MILAB_CA_FILE";
    /** The name of the lab machine a process stands for, which the lab's trace shows as the caller. */
    public static final String MACHINE_SETTING = "MILAB_MACHINE";

    private final List<Route> routes;
    private final X509Certificate labCa;
    private final SSLContext tls;

    public RouteTable(List<Route> routes, X509Certificate labCa) {
        this.routes = List.copyOf(routes);
        this.labCa = labCa;
        this.tls = labCa == null ? null : LabTls.clientContextTrusting(labCa);
    }

    public List<Route> routes() {
        return routes;
    }

    /** An SSL context that trusts only the lab CA; null if this table has no CA. */
    public SSLContext tls() {
        return tls;
    }

    public X509Certificate labCa() {
        return labCa;
    }

    public Optional<Route> find(String host, int port) {
        return routes.stream().filter(r -> r.matches(host, port)).findFirst();
    }

    /** A copy with one more rule put first (it wins over the others). */
    public RouteTable with(Route route) {
        List<Route> list = new ArrayList<>();
        list.add(route);
        list.addAll(routes);
        return new RouteTable(list, labCa);
    }

    /** The {@code MILAB_ROUTES} value for this table. */
    public String routesSetting() {
        return String.join(";", routes.stream().map(Route::toString).toList());
    }

    /** Reads a table from {@code MILAB_ROUTES} and {@code MILAB_CA_FILE} values; empty if routes are unset. */
    public static Optional<RouteTable> fromSettings(String routesValue, String caFile) {
        if (routesValue == null || routesValue.isBlank()) {
            return Optional.empty();
        }
        List<Route> routes = new ArrayList<>();
        for (String rule : routesValue.split(";")) {
            if (!rule.isBlank()) {
                routes.add(Route.parse(rule));
            }
        }
        X509Certificate ca = null;
        if (caFile != null && !caFile.isBlank()) {
            try {
                String pem = Files.readString(Path.of(caFile), StandardCharsets.US_ASCII);
                ca = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read " + CA_FILE_SETTING + " " + caFile, e);
            } catch (GeneralSecurityException e) {
                throw new IllegalArgumentException(CA_FILE_SETTING + " " + caFile + " is not a PEM certificate", e);
            }
        }
        return Optional.of(new RouteTable(routes, ca));
    }
}
