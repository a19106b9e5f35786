package dev.milab.entra;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The resource applications known to the tenant: what a token may be requested for. Entra ID matches a v1.0
 * {@code resource} with or without its trailing slash and puts the requested form in {@code aud}. Besides Azure's own
 * resources and the identifier URIs registered here, the tenant's application registrations count once they have an
 * identifier URI and a service principal ({@link #includeApplicationsOf}).
 */
public final class ResourceApplications {

    public static final String ARM = "https://management.azure.com/";
    public static final String ARM_CLASSIC = "https://management.core.windows.net/";
    public static final String KEY_VAULT = "https://vault.azure.net";
    public static final String AZURE_SQL = "https://database.windows.net/";
    public static final String STORAGE = "https://storage.azure.com/";
    public static final String GRAPH = "https://graph.microsoft.com/";
    public static final String TOKEN_EXCHANGE = "api://AzureADTokenExchange";

    private final Set<String> identifiers = ConcurrentHashMap.newKeySet();
    private volatile Directory directory;

    public ResourceApplications() {
        for (String r : new String[] {ARM, ARM_CLASSIC, KEY_VAULT, AZURE_SQL, STORAGE, GRAPH, TOKEN_EXCHANGE}) {
            register(r);
        }
    }

    /** Registers an application's identifier URI (for example a demo's own API). */
    public void register(String identifierUri) {
        identifiers.add(canonical(identifierUri));
    }

    /**
     * Makes the applications of {@code directory} resources too: an application whose identifier URIs name the
     * requested resource, if it has a service principal in the tenant (without one Entra ID answers AADSTS500011).
     */
    public void includeApplicationsOf(Directory tenantDirectory) {
        this.directory = tenantDirectory;
    }

    /**
     * Finds a resource by the form a client sent: an identifier URI with or without trailing slash, or a
     * {@code scope} such as {@code https://vault.azure.net/.default}.
     *
     * @return the resource as requested (without {@code /.default}) if the tenant knows it
     */
    public Optional<String> resolve(String requested) {
        if (requested == null || requested.isBlank() || requested.length() > 2048) {
            return Optional.empty();
        }
        String resource = requested.endsWith("/.default")
            ? requested.substring(0, requested.length() - "/.default".length()) : requested;
        Directory applications = directory;
        boolean known = identifiers.contains(canonical(resource))
            || (applications != null && applications.hasResourcePrincipal(resource));
        return known ? Optional.of(resource) : Optional.empty();
    }

    /** Both forms of an audience (with and without trailing slash), for validators that accept either. */
    public static Set<String> audienceForms(String resource) {
        String bare = resource.endsWith("/") ? resource.substring(0, resource.length() - 1) : resource;
        return Set.of(bare, bare + "/");
    }

    private static String canonical(String uri) {
        String c = uri.toLowerCase(Locale.ROOT);
        return c.endsWith("/") ? c.substring(0, c.length() - 1) : c;
    }
}
