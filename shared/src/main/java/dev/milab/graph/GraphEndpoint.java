package dev.milab.graph;

import java.io.IOException;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

import dev.milab.entra.Application;
import dev.milab.entra.Directory;
import dev.milab.entra.InvalidTokenException;
import dev.milab.entra.ServicePrincipal;
import dev.milab.entra.TokenValidator;
import dev.milab.entra.ValidatedToken;
import dev.milab.http.Json;
import dev.milab.http.LabHttpHandler;
import dev.milab.http.LabHttpRequest;
import dev.milab.http.LabHttpResponse;

/**
 * {@code https://graph.microsoft.com} in the lab: the v1.0 subset that the Azure CLI and scripts use to find
 * principals (Microsoft Learn, "List servicePrincipals", "Get servicePrincipal", "List applications",
 * "directoryObject: getByIds", "Get the signed-in user").
 *
 * <ol>
 *   <li>The bearer token is validated (signature, issuer, audience {@code https://graph.microsoft.com}, times);
 *       otherwise 401 {@code InvalidAuthenticationToken} with Graph's messages.</li>
 *   <li>The operation needs one of its application permissions in the token's {@code roles} claim (Graph's
 *       least-privileged lists: {@code Application.Read.All} or {@code Directory.Read.All} to read principals);
 *       otherwise 403 {@code Authorization_RequestDenied}.</li>
 * </ol>
 * A delegated (user's) token is authorized by its delegated permissions ({@code scp}) instead. Users and
 * {@code /me} are {@link GraphUsers}'; {@code /me} is 400 for an app-only token, as Graph answers a token with no
 * signed-in user. Writes to applications and service principals (what {@code az ad app create},
 * {@code az ad sp create} and {@code az ad app credential reset} send) are {@link GraphWrites}'.
 */
public final class GraphEndpoint implements LabHttpHandler {

    /** Microsoft Graph's application id, also accepted as a token audience. */
    public static final String GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000";
    public static final String RESOURCE = "https://graph.microsoft.com";
    /** Application permissions (Microsoft Graph permissions reference) the lab checks. */
    public static final String DIRECTORY_READ_ALL = "Directory.Read.All";
    public static final String APPLICATION_READ_ALL = "Application.Read.All";
    public static final String APPLICATION_READ_WRITE_ALL = "Application.ReadWrite.All";

    private static final Set<String> AUDIENCES = Set.of(RESOURCE, RESOURCE + "/", GRAPH_APP_ID);
    private static final Set<String> READ_PRINCIPALS = Set.of(APPLICATION_READ_ALL, APPLICATION_READ_WRITE_ALL,
        DIRECTORY_READ_ALL, "Directory.ReadWrite.All");
    private static final Set<String> READ_DIRECTORY_OBJECTS = Set.of(DIRECTORY_READ_ALL, "Directory.ReadWrite.All");
    private static final DateTimeFormatter INNER_ERROR_DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss")
        .withZone(ZoneOffset.UTC);
    private static final String METADATA = RESOURCE + "/v1.0/$metadata#";

    private static final String VALUE = "'((?:[^']|'')*)'";
    private static final Pattern ANY_NAME = Pattern.compile("(servicePrincipalNames|identifierUris)/any\\((\\w+):\\2"
        + "\\s+eq\\s+" + VALUE + "\\)", Pattern.CASE_INSENSITIVE);
    private static final Pattern EQUALS = Pattern.compile("(appId|displayName|id|userPrincipalName)\\s+eq\\s+"
        + VALUE, Pattern.CASE_INSENSITIVE);
    private static final Pattern STARTS_WITH = Pattern.compile("startswith\\((displayName|userPrincipalName)\\s*,\\s*"
        + VALUE + "\\)", Pattern.CASE_INSENSITIVE);

    private final Directory directory;
    private final TokenValidator validator;
    private final Clock clock;
    private final GraphWrites writes;
    private final GraphUsers users;

    public GraphEndpoint(Directory directory, TokenValidator validator, Clock clock) {
        this.users = new GraphUsers(directory);
        this.directory = directory;
        this.validator = validator;
        this.clock = clock;
        this.writes = new GraphWrites(directory, clock);
    }

    /** The audiences Graph accepts. */
    public static Set<String> audiences() {
        return AUDIENCES;
    }

    @Override
    public LabHttpResponse handle(LabHttpRequest request) {
        String requestId = UUID.randomUUID().toString();
        String clientRequestId = request.header("client-request-id").orElse(requestId);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("request-id", requestId);
        headers.put("client-request-id", clientRequestId);
        try {
            ValidatedToken caller = authenticate(request, headers);
            LabHttpResponse response = route(request, caller);
            Map<String, String> all = new LinkedHashMap<>(response.headers());
            all.putAll(headers);
            return new LabHttpResponse(response.status(), all, response.body());
        } catch (GraphException e) {
            Map<String, Object> inner = new LinkedHashMap<>();
            inner.put("date", INNER_ERROR_DATE.format(clock.instant().truncatedTo(ChronoUnit.SECONDS)));
            inner.put("request-id", requestId);
            inner.put("client-request-id", clientRequestId);
            Map<String, Object> error = new LinkedHashMap<>();
            error.put("code", e.code());
            error.put("message", e.getMessage());
            error.put("innerError", inner);
            return LabHttpResponse.json(e.status(), Json.write(Map.of("error", error)), headers);
        }
    }

    private ValidatedToken authenticate(LabHttpRequest request, Map<String, String> headers) {
        String header = request.header("Authorization").orElse("");
        String token = header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).trim() : "";
        try {
            if (token.isEmpty()) {
                throw new GraphException(401, "InvalidAuthenticationToken", "Access token is empty.");
            }
            try {
                return validator.validate(token, AUDIENCES);
            } catch (InvalidTokenException e) {
                throw new GraphException(401, "InvalidAuthenticationToken", switch (e.reason()) {
                    case WRONG_AUDIENCE -> "Access token validation failure. Invalid audience.";
                    case EXPIRED -> "Lifetime validation failed, the token is expired.";
                    case NOT_YET_VALID -> "Lifetime validation failed, the token is not yet valid.";
                    // Graph documents no per-reason texts for these; the wording is the lab's.
                    case WRONG_ISSUER -> "Access token validation failure. Invalid issuer.";
                    default -> "Access token validation failure.";
                });
            }
        } catch (GraphException e) {
            headers.put("WWW-Authenticate", "Bearer realm=\"\", authorization_uri="
                + "\"https://login.microsoftonline.com/common/oauth2/authorize\", client_id=\"" + GRAPH_APP_ID + "\"");
            throw e;
        }
    }

    private LabHttpResponse route(LabHttpRequest request, ValidatedToken caller) {
        String path = request.normalizedPath();
        String[] s = (path.endsWith("/") ? path.substring(0, path.length() - 1) : path).substring(1).split("/");
        if (s.length < 2 || s[0].isEmpty()) {
            throw new GraphException(400, "BadRequest", "Invalid request.");
        }
        if (!s[0].equals("v1.0")) {
            throw new GraphException(400, "BadRequest", "Invalid version: " + s[0]);
        }
        String collection = s[1];
        String id = s.length > 2 ? s[2] : null;
        String method = request.method();
        if (GraphWrites.serves(collection, method, s.length)) {
            return writes.handle(request, caller, s);
        }
        if (s.length > 3) {
            throw unsupportedSegment(s[3]);
        }
        switch (collection) {
            case "servicePrincipals" -> {
                requireGet(method);
                authorize(caller, READ_PRINCIPALS);
                return id == null ? list("servicePrincipals", servicePrincipals(filter(request)).stream()
                    .map(this::servicePrincipalJson).toList())
                    : object("servicePrincipals", servicePrincipalJson(servicePrincipal(id)));
            }
            case "applications" -> {
                requireGet(method);
                authorize(caller, READ_PRINCIPALS);
                return id == null ? list("applications", applications(filter(request)).stream()
                    .map(a -> GraphObjects.application(a, directory.tenant())).toList())
                    : object("applications", GraphObjects.application(application(id), directory.tenant()));
            }
            case "users" -> {
                requireGet(method);
                return id == null ? list("users", users.list(caller, filter(request)))
                    : object("users", users.get(caller, id));
            }
            case "me" -> {
                if (id != null || s.length > 2) {
                    throw unsupportedSegment(s[2]);
                }
                requireGet(method);
                return object("users", users.me(caller));
            }
            case "directoryObjects" -> {
                if (!"getByIds".equals(id)) {
                    throw id == null ? new GraphException(405, "Request_BadRequest",
                        "Specified HTTP method is not allowed for the request target.") : GraphException.notFound(id);
                }
                if (!"POST".equals(method)) {
                    throw methodNotAllowed();
                }
                authorize(caller, READ_DIRECTORY_OBJECTS);
                return getByIds(request);
            }
            default -> throw new GraphException(400, "BadRequest", "Resource not found for the segment '"
                + collection + "'.");
        }
    }

    private List<ServicePrincipal> servicePrincipals(Predicate<Map<String, Object>> filter) {
        return sorted(directory.all()).stream()
            .filter(sp -> filter.test(servicePrincipalFields(sp, directory.application(sp.appId()).orElse(null))))
            .toList();
    }

    private Map<String, Object> servicePrincipalJson(ServicePrincipal sp) {
        return GraphObjects.servicePrincipal(sp, directory.application(sp.appId()).orElse(null), directory.tenant(),
            false);
    }

    /** The tenant's applications, with or without a service principal, in the display name's order. */
    private List<Application> applications(Predicate<Map<String, Object>> filter) {
        List<Application> all = new ArrayList<>(directory.applications());
        all.sort(java.util.Comparator.comparing(Application::displayName, String.CASE_INSENSITIVE_ORDER)
            .thenComparing(Application::objectId));
        return all.stream().filter(a -> filter.test(applicationFields(a))).toList();
    }

    /** The directory in a stable order (Graph's order is its own; the lab's is the display name's). */
    private static List<ServicePrincipal> sorted(Collection<ServicePrincipal> all) {
        List<ServicePrincipal> list = new ArrayList<>(all);
        list.sort(java.util.Comparator.comparing(ServicePrincipal::displayName, String.CASE_INSENSITIVE_ORDER)
            .thenComparing(ServicePrincipal::objectId));
        return list;
    }

    /** The properties a {@code $filter} may name on a service principal ({@code app} its application, or null). */
    private static Map<String, Object> servicePrincipalFields(ServicePrincipal sp, Application app) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("id", sp.objectId());
        f.put("appid", sp.appId());
        f.put("displayname", sp.displayName());
        f.put("serviceprincipalnames", GraphObjects.servicePrincipalNames(sp, app));
        return f;
    }

    /** The properties a {@code $filter} may name on an application. */
    private static Map<String, Object> applicationFields(Application app) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("id", app.objectId());
        f.put("appid", app.appId());
        f.put("displayname", app.displayName());
        f.put("identifieruris", app.identifierUris());
        return f;
    }

    /**
     * The {@code $filter} forms clients send: {@code appId eq '...'}, {@code displayName eq '...'},
     * {@code id eq '...'}, {@code startswith(displayName,'...')}, {@code servicePrincipalNames/any(c:c eq '...')},
     * {@code identifierUris/any(s:s eq '...')}; {@code eq} ignores case as Graph's does for these properties.
     */
    private static Predicate<Map<String, Object>> filter(LabHttpRequest request) {
        List<String> values = request.queryParameters().get("$filter");
        String filter = values == null || values.isEmpty() ? null : values.get(0).trim();
        if (filter == null || filter.isEmpty()) {
            return f -> true;
        }
        Matcher any = ANY_NAME.matcher(filter);
        if (any.matches()) {
            String property = any.group(1).toLowerCase(Locale.ROOT);
            String value = unquote(any.group(3));
            return f -> f.get(property) instanceof List<?> l && l.stream()
                .anyMatch(v -> String.valueOf(v).equalsIgnoreCase(value));
        }
        Matcher eq = EQUALS.matcher(filter);
        if (eq.matches()) {
            String property = eq.group(1).toLowerCase(Locale.ROOT);
            String value = unquote(eq.group(2));
            return f -> f.get(property) != null && String.valueOf(f.get(property)).equalsIgnoreCase(value);
        }
        Matcher starts = STARTS_WITH.matcher(filter);
        if (starts.matches()) {
            String property = starts.group(1).toLowerCase(Locale.ROOT);
            String prefix = unquote(starts.group(2)).toLowerCase(Locale.ROOT);
            return f -> f.get(property) != null && String.valueOf(f.get(property)).toLowerCase(Locale.ROOT)
                .startsWith(prefix);
        }
        // Graph's answer to a filter it cannot parse or does not support on this collection.
        throw new GraphException(400, "Request_UnsupportedQuery", "Unsupported or invalid query filter clause "
            + "specified for property or navigation property of resource.");
    }

    private static String unquote(String odataString) {
        return odataString.replace("''", "'");
    }

    private ServicePrincipal servicePrincipal(String id) {
        return directory.byObjectId(id).orElseThrow(() -> GraphException.notFound(id));
    }

    private Application application(String objectId) {
        return directory.applicationByObjectId(objectId).orElseThrow(() -> GraphException.notFound(objectId));
    }

    private LabHttpResponse getByIds(LabHttpRequest request) {
        JsonNode body;
        try {
            body = request.body().length == 0 ? null : Json.read(request.bodyAsString());
        } catch (IOException e) {
            body = null;
        }
        JsonNode ids = body == null ? null : body.get("ids");
        if (ids == null || !ids.isArray()) {
            throw new GraphException(400, "Request_BadRequest", "Invalid request: the request body needs 'ids', "
                + "a list of directory object ids.");
        }
        if (ids.size() > 1000) {
            throw new GraphException(400, "Request_BadRequest", "Too many ids: at most 1000 per request.");
        }
        JsonNode types = body.get("types");
        boolean servicePrincipals = types == null || !types.isArray() || types.size() == 0;
        if (!servicePrincipals) {
            for (JsonNode t : types) {
                servicePrincipals |= t.asText().equalsIgnoreCase("servicePrincipal")
                    || t.asText().equalsIgnoreCase("directoryObject");
            }
        }
        List<Object> found = new ArrayList<>();
        if (servicePrincipals) {
            for (JsonNode id : ids) {
                directory.byObjectId(id.asText()).ifPresent(sp -> found.add(GraphObjects.servicePrincipal(sp,
                    directory.tenant(), true)));
            }
        }
        return list("directoryObjects", found);
    }

    static void authorize(ValidatedToken caller, Set<String> anyOf) {
        if (!GraphUsers.permits(caller, anyOf)) {
            throw GraphException.insufficientPrivileges();
        }
    }

    private static void requireGet(String method) {
        if (!"GET".equals(method)) {
            throw methodNotAllowed();
        }
    }

    static GraphException methodNotAllowed() {
        return new GraphException(405, "Request_BadRequest",
            "Specified HTTP method is not allowed for the request target.");
    }

    static GraphException unsupportedSegment(String segment) {
        return new GraphException(400, "BadRequest", "Resource not found for the segment '" + segment + "'.");
    }

    private static LabHttpResponse list(String collection, List<?> values) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("@odata.context", METADATA + collection);
        json.put("value", values);
        return LabHttpResponse.json(200, Json.write(json));
    }

    private static LabHttpResponse object(String collection, Map<String, Object> value) {
        return object(200, collection, value);
    }

    /** One entity with its {@code @odata.context}: 200 for a read, 201 for a create. */
    static LabHttpResponse object(int status, String collection, Map<String, Object> value) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("@odata.context", METADATA + collection + "/$entity");
        json.putAll(value);
        return LabHttpResponse.json(status, Json.write(json));
    }
}
