package dev.milab.graph;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import dev.milab.entra.Application;
import dev.milab.entra.ClientCertificate;
import dev.milab.entra.Directory;
import dev.milab.entra.NewClientSecret;
import dev.milab.entra.ServicePrincipal;
import dev.milab.entra.Tenant;
import dev.milab.entra.ValidatedToken;
import dev.milab.http.Json;
import dev.milab.http.LabHttpRequest;
import dev.milab.http.LabHttpResponse;

/**
 * Microsoft Graph's writes to applications and service principals, the v1.0 operations the Azure CLI sends
 * (Microsoft Learn, "Create application", "Update application", "Delete application", "application: addPassword",
 * "application: removePassword", "Create servicePrincipal", "Delete servicePrincipal"):
 *
 * <ul>
 *   <li>{@code POST /applications} 201 with the application; {@code PATCH /applications/{id}} and
 *       {@code DELETE /applications/{id}} 204. An application is not its service principal: creating one makes no
 *       principal, deleting one deletes its principal too.</li>
 *   <li>{@code POST /applications/{id}/addPassword} 200 with the new password credential, its value
 *       ({@code secretText}) shown this once; {@code removePassword} 204.</li>
 *   <li>{@code keyCredentials} are replaced as a whole by a {@code PATCH}; an item sent back without its
 *       {@code key} (Graph never returns it to a plain GET) keeps the certificate its {@code keyId} names.</li>
 *   <li>{@code identifierUris} follow Entra ID's restrictions ({@code api://{appId}}, {@code api://{tenantId}/...},
 *       {@code api://.../{appId}}, or a host in the tenant's verified domain) and are unique in the tenant.</li>
 *   <li>{@code POST /servicePrincipals} 201 for an application of this tenant; {@code DELETE} 204.</li>
 * </ul>
 * Every write needs the application permission {@code Application.ReadWrite.All} in the token's {@code roles}
 * (passwords also {@code Directory.ReadWrite.All}); otherwise 403 {@code Authorization_RequestDenied}. A request is
 * checked completely before anything changes, and changes are made as one step in the directory.
 */
final class GraphWrites {

    private static final Set<String> WRITE_APPLICATIONS = Set.of(GraphEndpoint.APPLICATION_READ_WRITE_ALL);
    private static final Set<String> WRITE_PASSWORDS = Set.of(GraphEndpoint.APPLICATION_READ_WRITE_ALL,
        "Directory.ReadWrite.All");

    /** Graph's application properties that the lab shows but does not write (v1.0 "application resource type"). */
    private static final Set<String> APPLICATION_UNMODELED = Set.of("addIns", "api", "appId", "applicationTemplateId",
        "appRoles", "certification", "createdDateTime", "defaultRedirectUri", "deletedDateTime", "description",
        "disabledByMicrosoftStatus", "groupMembershipClaims", "id", "info", "isDeviceOnlyAuthSupported",
        "isFallbackPublicClient", "logo", "notes", "oauth2RequirePostResponse", "optionalClaims",
        "parentalControlSettings", "passwordCredentials", "publicClient", "publisherDomain",
        "requestSignatureVerification", "requiredResourceAccess", "samlMetadataUrl", "serviceManagementReference",
        "servicePrincipalLockConfiguration", "signInAudience", "spa", "tags", "tokenEncryptionKeyId", "uniqueName",
        "verifiedPublisher", "web", "nativeAuthenticationApisEnabled");
    private static final Set<String> APPLICATION_MODELED = Set.of("displayName", "identifierUris", "keyCredentials");
    private static final Map<String, String> APPLICATION_FIXED = Map.of("signInAudience", "AzureADMyOrg");
    private static final Set<String> KEY_MODELED = Set.of("customKeyIdentifier", "displayName", "endDateTime", "key",
        "keyId", "startDateTime", "type", "usage");
    private static final Set<String> PASSWORD_MODELED = Set.of("displayName", "endDateTime", "startDateTime");
    private static final Set<String> PASSWORD_UNMODELED = Set.of("customKeyIdentifier", "hint", "keyId", "secretText");
    private static final Set<String> SERVICE_PRINCIPAL_UNMODELED = Set.of("addIns", "alternativeNames",
        "appDescription", "appDisplayName", "appOwnerOrganizationId", "appRoleAssignmentRequired", "appRoles",
        "applicationTemplateId", "deletedDateTime", "description", "disabledByMicrosoftStatus", "displayName",
        "homepage", "id", "info", "keyCredentials", "loginUrl", "logoutUrl", "notes", "notificationEmailAddresses",
        "oauth2PermissionScopes", "passwordCredentials", "preferredSingleSignOnMode", "replyUrls", "resourceSpecificApplicationPermissions",
        "samlSingleSignOnSettings", "servicePrincipalNames", "servicePrincipalType", "signInAudience", "tags",
        "tokenEncryptionKeyId", "verifiedPublisher");
    /** Graph shortens a key credential's display name to 90 characters ("keyCredential resource type"). */
    private static final int KEY_DISPLAY_NAME_LENGTH = 90;

    private final Directory directory;
    private final Clock clock;

    GraphWrites(Directory directory, Clock clock) {
        this.directory = directory;
        this.clock = clock;
    }

    /** Whether a request is a write (or an action) on applications or service principals. */
    static boolean serves(String collection, String method, int segments) {
        return (collection.equals("applications") || collection.equals("servicePrincipals"))
            && (!"GET".equals(method) || segments > 3);
    }

    /** @param s the path's segments: {@code v1.0}, the collection, then an id and an action if any */
    LabHttpResponse handle(LabHttpRequest request, ValidatedToken caller, String[] s) {
        String collection = s[1];
        String id = s.length > 2 ? s[2] : null;
        String method = request.method();
        if (s.length > 4) {
            throw GraphEndpoint.unsupportedSegment(s[4]);
        }
        if (s.length == 4) {
            String action = s[3];
            if (!collection.equals("applications") || !Set.of("addPassword", "removePassword").contains(action)) {
                throw GraphEndpoint.unsupportedSegment(action);
            }
            if (!"POST".equals(method)) {
                throw GraphEndpoint.methodNotAllowed();
            }
            GraphEndpoint.authorize(caller, WRITE_PASSWORDS);
            return action.equals("addPassword") ? addPassword(id, request) : removePassword(id, request);
        }
        String operation = method + (id == null ? " collection" : " entity");
        if (collection.equals("applications")) {
            return switch (operation) {
                case "POST collection" -> createApplication(caller, request);
                case "PATCH entity" -> updateApplication(caller, id, request);
                case "DELETE entity" -> deleteApplication(caller, id);
                default -> throw GraphEndpoint.methodNotAllowed();
            };
        }
        return switch (operation) {
            case "POST collection" -> createServicePrincipal(caller, request);
            case "DELETE entity" -> deleteServicePrincipal(caller, id);
            default -> throw GraphEndpoint.methodNotAllowed();
        };
    }

    // --- applications ------------------------------------------------------------------------------------------

    private LabHttpResponse createApplication(ValidatedToken caller, LabHttpRequest request) {
        GraphEndpoint.authorize(caller, WRITE_APPLICATIONS);
        GraphRequestBody body = applicationBody(request);
        String name = body.string("displayName");
        if (name == null || name.isBlank()) {
            throw GraphRequestBody.invalidValue("displayName", "Application");
        }
        // The client cannot know the new appId, so api://{appId} cannot be asked for here.
        List<String> uris = body.has("identifierUris") ? identifierUris(body.strings("identifierUris"), null) : List.of();
        List<ClientCertificate> keys = body.has("keyCredentials") ? keyCredentials(body, null) : List.of();
        Application created = directory.change(() -> {
            requireUnique(uris, null);
            Application app = directory.createApplication(name);
            return directory.updateApplication(app.appId(), a -> a.withIdentifierUris(uris).withCertificates(keys));
        });
        return GraphEndpoint.object(201, "applications", GraphObjects.application(created, directory.tenant()));
    }

    private LabHttpResponse updateApplication(ValidatedToken caller, String objectId, LabHttpRequest request) {
        GraphEndpoint.authorize(caller, WRITE_APPLICATIONS);
        Application current = application(objectId);
        GraphRequestBody body = applicationBody(request);
        String name = body.string("displayName");
        if (body.has("displayName") && (name == null || name.isBlank())) {
            throw GraphRequestBody.invalidValue("displayName", "Application");
        }
        List<String> uris = body.has("identifierUris")
            ? identifierUris(body.strings("identifierUris"), current.appId()) : null;
        directory.change(() -> {
            // Checked again in the one step: the application may have changed or gone since it was read.
            Application now = application(objectId);
            List<ClientCertificate> keys = body.has("keyCredentials") ? keyCredentials(body, now) : null;
            if (uris != null) {
                requireUnique(uris, now.appId());
            }
            return directory.updateApplication(now.appId(), a -> {
                Application changed = name == null ? a : a.withDisplayName(name);
                changed = uris == null ? changed : changed.withIdentifierUris(uris);
                return keys == null ? changed : changed.withCertificates(keys);
            });
        });
        return noContent();
    }

    private LabHttpResponse deleteApplication(ValidatedToken caller, String objectId) {
        GraphEndpoint.authorize(caller, WRITE_APPLICATIONS);
        directory.change(() -> directory.deleteApplication(application(objectId).appId()));
        return noContent();
    }

    private GraphRequestBody applicationBody(LabHttpRequest request) {
        return GraphRequestBody.of(request, "application", false)
            .allowing(APPLICATION_MODELED, APPLICATION_UNMODELED, APPLICATION_FIXED);
    }

    private Application application(String objectId) {
        return directory.applicationByObjectId(objectId).orElseThrow(() -> GraphException.notFound(objectId));
    }

    /**
     * The identifier URIs Entra ID accepts for a single-tenant application (Microsoft Learn, "Restrictions on
     * identifier URIs of Microsoft Entra applications"), without repeats; {@code appId} null while it is unknown.
     */
    private List<String> identifierUris(List<String> requested, String appId) {
        if (requested == null) {
            return List.of();
        }
        Tenant tenant = directory.tenant();
        List<String> accepted = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (String uri : requested) {
            if (!isAllowedIdentifierUri(uri, appId, tenant)) {
                throw new GraphException(400, "HostNameNotOnVerifiedDomain", "Values of identifierUris property must "
                    + "use a verified domain of the organization or its subdomain: '" + uri + "'");
            }
            if (seen.add(canonical(uri))) {
                accepted.add(uri);
            }
        }
        return accepted;
    }

    static boolean isAllowedIdentifierUri(String uri, String appId, Tenant tenant) {
        if (uri == null || uri.isBlank() || uri.length() > 2048) {
            return false;
        }
        URI parsed;
        try {
            parsed = new URI(uri);
        } catch (URISyntaxException e) {
            return false;
        }
        String scheme = parsed.getScheme() == null ? "" : parsed.getScheme().toLowerCase(Locale.ROOT);
        String host = parsed.getHost() == null ? "" : parsed.getHost().toLowerCase(Locale.ROOT);
        String domain = tenant.domain().toLowerCase(Locale.ROOT);
        boolean verifiedHost = host.equals(domain) || host.endsWith("." + domain);
        if (scheme.equals("https")) {
            return verifiedHost;
        }
        if (!scheme.equals("api")) {
            return false;
        }
        String rest = uri.substring("api://".length());
        String lower = rest.toLowerCase(Locale.ROOT);
        String tenantPrefix = tenant.id().toLowerCase(Locale.ROOT) + "/";
        return verifiedHost
            || (appId != null && (lower.equals(appId.toLowerCase(Locale.ROOT))
                || lower.endsWith("/" + appId.toLowerCase(Locale.ROOT))))
            || (lower.startsWith(tenantPrefix) && lower.length() > tenantPrefix.length());
    }

    /** Identifier URIs are unique in the tenant; {@code exceptAppId} may keep its own. */
    private void requireUnique(List<String> uris, String exceptAppId) {
        for (Application other : directory.applications()) {
            if (other.appId().equalsIgnoreCase(exceptAppId)) {
                continue;
            }
            for (String theirs : other.identifierUris()) {
                if (uris.stream().anyMatch(u -> canonical(u).equals(canonical(theirs)))) {
                    throw new GraphException(400, "Request_BadRequest",
                        "Another object with the same value for property identifierUris already exists.");
                }
            }
        }
    }

    private static String canonical(String uri) {
        String c = uri.toLowerCase(Locale.ROOT);
        return c.endsWith("/") ? c.substring(0, c.length() - 1) : c;
    }

    /**
     * The certificate credentials a body's {@code keyCredentials} stand for: new ones from their {@code key} (base64
     * of the DER certificate, line breaks allowed, as the Azure CLI sends a PEM's body), existing ones of
     * {@code current} by {@code keyId} when {@code key} is null.
     */
    private List<ClientCertificate> keyCredentials(GraphRequestBody body, Application current) {
        List<ClientCertificate> result = new ArrayList<>();
        Set<String> keyIds = new HashSet<>();
        for (GraphRequestBody item : body.objects("keyCredentials", "keyCredential")) {
            item.allowing(KEY_MODELED, Set.of(), Map.of());
            ClientCertificate credential = keyCredential(item, current);
            if (!keyIds.add(credential.keyId().toLowerCase(Locale.ROOT))) {
                throw GraphRequestBody.invalidValue("keyCredentials", "Application");
            }
            result.add(credential);
        }
        return result;
    }

    private ClientCertificate keyCredential(GraphRequestBody item, Application current) {
        String keyId = item.string("keyId");
        if (keyId != null && !isGuid(keyId)) {
            throw GraphRequestBody.invalidValue("keyId", "KeyCredential");
        }
        String key = item.string("key");
        if (key == null) {
            if (current == null) {
                throw GraphRequestBody.invalidValue("key", "KeyCredential");
            }
            // Sent back as Graph showed it: the certificate stays as it is.
            return current.certificates().stream().filter(c -> keyId != null && c.keyId().equalsIgnoreCase(keyId))
                .findFirst().orElseThrow(() -> GraphRequestBody.invalidValue("key", "KeyCredential"));
        }
        String type = item.string("type");
        if (!"AsymmetricX509Cert".equals(type)) {
            if ("X509CertAndPassword".equals(type)) {
                throw item.notModeled("type");
            }
            throw GraphRequestBody.invalidValue("type", "KeyCredential");
        }
        String usage = item.string("usage");
        if (!"Verify".equals(usage)) {
            if ("Sign".equals(usage)) {
                throw item.notModeled("usage");
            }
            throw GraphRequestBody.invalidValue("usage", "KeyCredential");
        }
        X509Certificate certificate = certificate(key);
        Instant start = item.dateTime("startDateTime");
        Instant end = item.dateTime("endDateTime");
        start = start != null ? start : certificate.getNotBefore().toInstant();
        end = end != null ? end : certificate.getNotAfter().toInstant();
        if (!end.isAfter(start)) {
            throw GraphRequestBody.invalidValue("endDateTime", "KeyCredential");
        }
        String name = item.string("displayName");
        name = name != null ? name : certificate.getSubjectX500Principal().getName();
        name = name.length() > KEY_DISPLAY_NAME_LENGTH ? name.substring(0, KEY_DISPLAY_NAME_LENGTH) : name;
        return ClientCertificate.of(certificate, keyId != null ? keyId.toLowerCase(Locale.ROOT)
            : UUID.randomUUID().toString(), name, start, end);
    }

    private static X509Certificate certificate(String base64) {
        try {
            byte[] der = Base64.getMimeDecoder().decode(base64);
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(der));
        } catch (IllegalArgumentException | CertificateException | ClassCastException e) {
            throw GraphRequestBody.invalidValue("key", "KeyCredential");
        }
    }

    // --- passwords ---------------------------------------------------------------------------------------------

    private LabHttpResponse addPassword(String objectId, LabHttpRequest request) {
        Application app = application(objectId);
        GraphRequestBody body = GraphRequestBody.of(request, "application", true);
        requireParameters(body, "passwordCredential", "addPassword");
        GraphRequestBody credential = body.object("passwordCredential", "passwordCredential");
        String name = null;
        Instant start = null;
        Instant end = null;
        if (credential != null) {
            credential.allowing(PASSWORD_MODELED, PASSWORD_UNMODELED, Map.of());
            name = credential.string("displayName");
            start = credential.dateTime("startDateTime");
            end = credential.dateTime("endDateTime");
        }
        Instant from = start != null ? start : clock.instant().truncatedTo(ChronoUnit.SECONDS);
        // addPassword's default lifetime is two years.
        Instant until = end != null ? end : from.atZone(java.time.ZoneOffset.UTC).plusYears(2).toInstant();
        if (!until.isAfter(from)) {
            throw GraphRequestBody.invalidValue("endDateTime", "PasswordCredential");
        }
        String description = name;
        NewClientSecret added = directory.change(() ->
            directory.addClientSecret(application(objectId).appId(), description, from, until));
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("@odata.context", GraphEndpoint.RESOURCE + "/v1.0/$metadata#microsoft.graph.passwordCredential");
        json.putAll(GraphObjects.passwordCredential(added.secret(), added.value()));
        return LabHttpResponse.json(200, Json.write(json));
    }

    private LabHttpResponse removePassword(String objectId, LabHttpRequest request) {
        application(objectId);
        GraphRequestBody body = GraphRequestBody.of(request, "application", false);
        requireParameters(body, "keyId", "removePassword");
        String keyId = body.string("keyId");
        if (keyId == null || !isGuid(keyId)) {
            throw GraphRequestBody.invalidValue("keyId", "PasswordCredential");
        }
        boolean removed = directory.change(() -> directory.removeClientSecret(application(objectId).appId(), keyId));
        if (!removed) {
            // Graph's wording for a key id the application does not have is not documented; this is the lab's.
            throw new GraphException(404, "Request_ResourceNotFound", "No password credential with keyId '" + keyId
                + "' exists on application '" + objectId + "'.");
        }
        return noContent();
    }

    /** An action's body may hold only its parameters (OData's words otherwise). */
    private static void requireParameters(GraphRequestBody body, String parameter, String action) {
        body.json().fieldNames().forEachRemaining(name -> {
            if (!name.equals(parameter) && !name.startsWith("@odata.")) {
                throw new GraphException(400, "BadRequest", "The parameter '" + name + "' in the request payload is "
                    + "not a valid parameter for the operation '" + action + "'.");
            }
        });
    }

    // --- service principals ------------------------------------------------------------------------------------

    private LabHttpResponse createServicePrincipal(ValidatedToken caller, LabHttpRequest request) {
        GraphEndpoint.authorize(caller, WRITE_APPLICATIONS);
        GraphRequestBody body = GraphRequestBody.of(request, "servicePrincipal", false)
            .allowing(Set.of("appId", "accountEnabled"), SERVICE_PRINCIPAL_UNMODELED, Map.of());
        String appId = body.string("appId");
        if (appId == null || appId.isBlank()) {
            throw GraphRequestBody.invalidValue("appId", "ServicePrincipal");
        }
        if (Boolean.FALSE.equals(body.bool("accountEnabled"))) {
            throw body.notModeled("accountEnabled");
        }
        ServicePrincipal created = directory.change(() -> {
            Application app = directory.application(appId).orElseThrow(() -> new GraphException(400,
                "Request_BadRequest", "The appId '" + appId + "' of the service principal does not reference a "
                + "valid application object."));
            if (directory.byAppId(appId).isPresent()) {
                throw new GraphException(409, "Request_MultipleObjectsWithSameKeyValue", "The service principal "
                    + "cannot be created, updated, or restored because the service principal name " + app.appId()
                    + " is already in use.");
            }
            return directory.createServicePrincipal(app.appId());
        });
        Application app = directory.application(created.appId()).orElse(null);
        return GraphEndpoint.object(201, "servicePrincipals", GraphObjects.servicePrincipal(created, app,
            directory.tenant(), false));
    }

    private LabHttpResponse deleteServicePrincipal(ValidatedToken caller, String objectId) {
        GraphEndpoint.authorize(caller, WRITE_APPLICATIONS);
        directory.change(() -> {
            ServicePrincipal sp = directory.byObjectId(objectId).orElseThrow(() -> GraphException.notFound(objectId));
            if (sp.kind().isManagedIdentity()) {
                // A managed identity's principal goes with its Azure resource; the wording is the lab's.
                throw new GraphException(400, "Request_BadRequest", "The service principal of a managed identity "
                    + "cannot be deleted through Microsoft Graph; delete the identity or turn it off on its resource.");
            }
            directory.delete(sp.objectId());
            return null;
        });
        return noContent();
    }

    private static boolean isGuid(String value) {
        try {
            return UUID.fromString(value).toString().equalsIgnoreCase(value);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static LabHttpResponse noContent() {
        return new LabHttpResponse(204, Map.of(), new byte[0]);
    }
}
