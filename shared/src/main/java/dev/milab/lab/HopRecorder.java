package dev.milab.lab;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import dev.milab.arm.BuiltInRoles;
import dev.milab.arm.RbacEvaluator;
import dev.milab.arm.RoleDefinition;
import dev.milab.entra.Directory;
import dev.milab.entra.InvalidTokenException;
import dev.milab.entra.FirstPartyClients;
import dev.milab.entra.IssuedToken;
import dev.milab.entra.ServicePrincipal;
import dev.milab.entra.TokenValidator;
import dev.milab.entra.ValidatedToken;
import dev.milab.http.Json;
import dev.milab.http.LabHttpHandler;
import dev.milab.http.LabHttpRequest;
import dev.milab.http.LabHttpResponse;
import dev.milab.http.LabHttpServer;
import dev.milab.sql.LoginAttempt;
import dev.milab.sql.LoginResult;
import dev.milab.sql.SqlError;
import dev.milab.trace.Decision;
import dev.milab.trace.Trace;

/**
 * Turns what the lab's services saw into hops of its {@link Trace}, with participants named as a learner thinks of
 * them: the VM or host, its identity endpoint ({@code IMDS (vm1)}, {@code Arc agent (arc1)}), {@code Entra ID},
 * {@code Resource Manager}, {@code Key Vault (kv1)}, a SQL server by name, and {@code workstation} for the admin.
 * A caller that presents a token is the token's holder ({@link TokenHolders}).
 *
 * <p>Every request passes here, so the work is small: a header, the query, a JWT's claims decoded without
 * verifying, and JSON read only from error bodies.
 */
final class HopRecorder {

    static final String ENTRA_ID = "Entra ID";
    static final String RESOURCE_MANAGER = "Resource Manager";
    /** The admin application's holder: the learner's own machine. */
    static final String WORKSTATION = "workstation";

    private static final int MAX_DETAIL = 60;
    private static final List<String> IDENTITY_SELECTORS = List.of("client_id", "object_id", "principal_id",
        "msi_res_id", "mi_res_id");

    private final Trace trace;
    private final Directory directory;
    private final String adminAppId;
    private final TokenHolders holders;

    HopRecorder(Trace trace, Directory directory, String adminAppId) {
        this.trace = trace;
        this.directory = directory;
        this.adminAppId = adminAppId;
        this.holders = new TokenHolders(directory);
    }

    /** The gateway's hops: to Entra ID, Resource Manager or a key vault, by the request's host. */
    void gatewayExchange(LabHttpServer.Exchange exchange) {
        LabHttpRequest request = exchange.request();
        LabHttpResponse response = exchange.response();
        String host = request.host();
        if (host.equals("login.microsoftonline.com") || host.equals("127.0.0.1") || host.equals("localhost")) {
            entraExchange(request, response);
            return;
        }
        String to = host.equals("management.azure.com") ? RESOURCE_MANAGER
            : host.equals("graph.microsoft.com") ? "Microsoft Graph"
            : host.endsWith(".vault.azure.net") ? "Key Vault (" + host.substring(0, host.indexOf('.')) + ")"
            : host.isEmpty() ? "gateway" : host;
        String token = bearerToken(request);
        TokenHolders.Holder caller = holders.holderOf(token);
        trace.record(machineOr(request, caller.caller()), to, request.method() + " "
            + shortPath(request.normalizedPath()), outcome(response), response.status() < 400, caller.identity(), token,
            decisionsFor(token, response.status() < 400));
    }

    // --- what decided: the token check and the RBAC decision behind a hop ---------------------------------------

    /** A decision a service took on this thread, and the token it was about (null for RBAC). */
    private record Pending(String token, Decision decision) {
    }

    private static final int MAX_PENDING = 16;
    /** The decisions taken on this thread since the gateway began serving its request (or since the last login). */
    private final ThreadLocal<List<Pending>> pending = ThreadLocal.withInitial(ArrayList::new);

    /** {@code handler}, with this thread's decisions forgotten before each request, so a hop gets only its own. */
    LabHttpHandler explaining(LabHttpHandler handler) {
        return request -> {
            pending.get().clear();
            return handler.handle(request);
        };
    }

    /** A resource validated a token (see {@link TokenValidator#onValidation}). */
    void tokenChecked(TokenValidator.Check check) {
        Decision decision;
        if (check.accepted() != null) {
            ValidatedToken t = check.accepted();
            decision = new Decision(Decision.TOKEN, true, "aud " + t.audience() + " is this service's; signature,"
                + " iss and times check out (valid until " + t.expiresOn() + ")");
        } else {
            InvalidTokenException refused = check.refused();
            decision = new Decision(Decision.TOKEN, false, refused.reason().claim() + ": " + refused.getMessage());
        }
        remember(new Pending(check.token(), decision));
    }

    /** RBAC decided an action or data action (see {@link RbacEvaluator#onDecision}). */
    void rbacDecided(RbacEvaluator.Decision d) {
        String detail = d.granting().map(a -> BuiltInRoles.byId(a.roleDefinitionName()).map(RoleDefinition::roleName)
                .orElse(a.roleDefinitionName()) + " at " + a.scope() + " allows " + d.operation())
            .orElseGet(() -> d.dataAction() ? "missing data action " + d.operation() + " at " + d.scope()
                + ": no role there or above grants it"
                : "no role at " + d.scope() + " or above allows " + d.operation());
        remember(new Pending(null, new Decision(Decision.RBAC, d.granting().isPresent(), detail)));
    }

    private void remember(Pending p) {
        List<Pending> list = pending.get();
        if (list.size() >= MAX_PENDING) {
            list.remove(0);
        }
        list.add(p);
    }

    /**
     * This request's decisions: its token's check, and the RBAC decisions that explain the answer (the refusals of a
     * refused request, else the first grant); at most a few.
     */
    private List<Decision> decisionsFor(String token, boolean granted) {
        List<Pending> list = pending.get();
        List<Decision> result = new ArrayList<>();
        for (Pending p : list) {
            if (p.token() != null && p.token().equals(token) && result.isEmpty()) {
                result.add(p.decision());
            }
        }
        int rbac = 0;
        for (Pending p : list) {
            Decision d = p.decision();
            if (d.check().equals(Decision.RBAC) && rbac < 2 && d.passed() == granted
                && result.stream().noneMatch(d::equals)) {
                result.add(d);
                rbac++;
                if (granted) {
                    break;
                }
            }
        }
        list.clear();
        return result;
    }

    private void entraExchange(LabHttpRequest request, LabHttpResponse response) {
        String path = request.normalizedPath();
        int afterTenant = path.indexOf('/', 1);
        String rest = afterTenant < 0 ? "" : path.substring(afterTenant + 1);
        if (!rest.equals("oauth2/v2.0/token") && !rest.equals("oauth2/token")) {
            String what = switch (rest) {
                case "discovery/instance" -> "instance discovery";
                case ".well-known/openid-configuration", "v2.0/.well-known/openid-configuration" ->
                    "openid-configuration";
                case "discovery/keys", "discovery/v2.0/keys" -> "signing keys";
                default -> shortPath(path);
            };
            trace.record(machineOr(request, TokenHolders.UNKNOWN_CALLER), ENTRA_ID, request.method() + " " + what,
                outcome(response),
                response.status() < 400, null, null);
            return;
        }
        String form = request.bodyAsString();
        String grant = formValue(form, "grant_type");
        String caller = machineOr(request, callerOf(formValue(form, "client_id")));
        String requestText = "POST /token" + (grant == null ? "" : " ("
            + grant.replace("urn:ietf:params:oauth:grant-type:", "") + ")");
        String token = response.status() == 200 ? TokenHolders.claim(response.bodyAsString(), "access_token") : null;
        if (token == null) {
            trace.record(caller, ENTRA_ID, requestText, outcome(response), response.status() < 400, null, null);
            return;
        }
        String identity = holders.holderOf(token).identity();
        holders.issued(token, caller, identity);
        trace.record(caller, ENTRA_ID, requestText, tokenOutcome(identity), true, identity, token);
    }

    /**
     * The lab machine a request came from, as the lab's own HTTP client names it ({@code x-milab-machine}), else
     * {@code otherwise}: what the token or the client id says.
     */
    private static String machineOr(LabHttpRequest request, String otherwise) {
        return request.header("x-milab-machine").filter(m -> m.matches("[A-Za-z0-9._-]{1,64}")).orElse(otherwise);
    }

    /** The client of the token endpoint: the admin's workstation, or an application by its display name. */
    private String callerOf(String clientId) {
        if (clientId == null) {
            return TokenHolders.UNKNOWN_CALLER;
        }
        if (clientId.equalsIgnoreCase(adminAppId)) {
            return WORKSTATION;
        }
        return directory.byAppId(clientId).map(ServicePrincipal::displayName)
            .or(() -> FirstPartyClients.byAppId(clientId).map(FirstPartyClients.Client::displayName))
            .orElse(TokenHolders.UNKNOWN_CALLER);
    }

    /**
     * A managed identity endpoint's hops ({@code vm1 -> IMDS (vm1)}); {@code host} is the VM or host whose
     * processes alone reach it.
     */
    Consumer<LabHttpServer.Exchange> identityEndpoint(String host, String endpoint) {
        return exchange -> {
            LabHttpRequest request = exchange.request();
            LabHttpResponse response = exchange.response();
            String token = response.status() == 200 && request.normalizedPath().endsWith("/token")
                ? TokenHolders.claim(response.bodyAsString(), "access_token") : null;
            String identity = token == null ? null : holders.holderOf(token).identity();
            trace.record(host, endpoint, identityRequest(request),
                token == null ? outcome(response) : tokenOutcome(identity), response.status() < 400, identity, token);
        };
    }

    /**
     * The hop behind a managed identity endpoint: it got a new token from Entra ID (its cache answers the rest).
     * The token belongs to {@code host}.
     */
    Consumer<IssuedToken> tokensIssuedBy(String host, String endpoint) {
        return issued -> {
            String identity = issued.principal().displayName();
            holders.issued(issued.accessToken(), host, identity);
            trace.record(endpoint, ENTRA_ID, "issue token for " + identity + " (aud " + issued.resource() + ")",
                "token issued", true, identity, issued.accessToken());
        };
    }

    /** A login to a SQL server: {@code vm1 -> sql1: login (db1)}. */
    void sqlLogin(LoginAttempt attempt) {
        TokenHolders.Holder caller = holders.holderOf(attempt.token());
        String outcome;
        boolean ok = attempt.result() instanceof LoginResult.Success;
        if (attempt.result() instanceof LoginResult.Success success) {
            outcome = "logged in as " + (caller.identity() != null ? caller.identity()
                : success.identity().loginName());
        } else {
            List<SqlError> errors = ((LoginResult.Failure) attempt.result()).errors();
            SqlError first = errors.isEmpty() ? null : errors.get(0);
            outcome = first == null ? "refused" : first.number() + " " + withoutFinalPeriod(first.message());
        }
        String database = attempt.database().isEmpty() ? "master" : attempt.database();
        String server = attempt.serverName() == null || attempt.serverName().isBlank() ? "Azure SQL"
            : attempt.serverName();
        List<Decision> decisions = new ArrayList<>();
        if (attempt.token() != null) {
            pending.get().stream().filter(p -> attempt.token().equals(p.token())).reduce((a, b) -> b)
                .ifPresent(p -> decisions.add(p.decision()));
        }
        pending.get().clear();
        if (attempt.result() instanceof LoginResult.Success success) {
            decisions.add(new Decision(Decision.SQL, true, success.identity().serverAdmin()
                ? "the server's admin (" + success.identity().userName() + ") in " + database
                : "database user " + success.identity().userName() + " in " + database));
        } else {
            ((LoginResult.Failure) attempt.result()).errors().stream().findFirst().ifPresent(e -> decisions.add(
                new Decision(Decision.SQL, false, "error " + e.number() + ": " + e.message())));
        }
        trace.record(caller.caller(), server, "login (" + database + ")", outcome, ok,
            caller.identity(), attempt.token(), decisions);
    }

    private static String tokenOutcome(String identity) {
        return identity == null ? "200 token" : "200 token for " + identity;
    }

    /** {@code GET token resource=https://database.windows.net/ client_id=...}, or the method and path. */
    private static String identityRequest(LabHttpRequest request) {
        String path = request.normalizedPath();
        if (!path.endsWith("/token")) {
            return request.method() + " " + path;
        }
        StringBuilder text = new StringBuilder(request.method()).append(" token");
        Map<String, List<String>> query;
        try {
            query = request.queryParameters();
        } catch (IllegalArgumentException e) {
            return text.toString();
        }
        List<String> resource = query.get("resource");
        if (resource != null) {
            text.append(" resource=").append(resource.get(0));
        }
        for (String selector : IDENTITY_SELECTORS) {
            List<String> value = query.get(selector);
            if (value != null) {
                String v = value.get(0);
                text.append(' ').append(selector).append('=').append(selector.endsWith("res_id") ? shortPath(v) : v);
            }
        }
        return text.toString();
    }

    private static String bearerToken(LabHttpRequest request) {
        String authorization = request.header("Authorization").orElse(null);
        return authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
            ? authorization.substring(7).trim() : null;
    }

    /** One decoded value of an {@code application/x-www-form-urlencoded} body, or null; other values stay encoded. */
    static String formValue(String form, String name) {
        for (String pair : form.split("&")) {
            if (pair.length() > name.length() && pair.startsWith(name) && pair.charAt(name.length()) == '=') {
                try {
                    return URLDecoder.decode(pair.substring(name.length() + 1), StandardCharsets.UTF_8);
                } catch (IllegalArgumentException e) {
                    return null;
                }
            }
        }
        return null;
    }

    /**
     * A path short enough for a diagram: up to three segments as they are, else {@code …/} and the last two; a
     * long segment (a GUID, a secret version) cut to its first eight characters.
     */
    static String shortPath(String path) {
        String[] segments = Arrays.stream(path.split("/")).filter(s -> !s.isEmpty())
            .map(s -> s.length() > 24 ? s.substring(0, 8) + "…" : s).toArray(String[]::new);
        if (segments.length <= 3) {
            return "/" + String.join("/", segments);
        }
        return "…/" + segments[segments.length - 2] + "/" + segments[segments.length - 1];
    }

    /**
     * The status, and for an error what the body says in short: Azure's {@code {"error":{"code":...}}}, or OAuth's
     * {@code error} with its AADSTS number or the first sentence of {@code error_description}.
     */
    static String outcome(LabHttpResponse response) {
        String status = Integer.toString(response.status());
        if (response.status() < 400) {
            return status;
        }
        String detail = errorDetail(response.body());
        return detail == null ? status : status + " " + detail;
    }

    private static String errorDetail(byte[] body) {
        Map<String, Object> json;
        try {
            json = Json.readMap(body);
        } catch (IOException | RuntimeException e) {
            return null;
        }
        Object error = json.get("error");
        if (error instanceof Map<?, ?> azure && azure.get("code") instanceof String code) {
            return code;
        }
        if (!(error instanceof String code)) {
            return null;
        }
        if (json.get("error_description") instanceof String description) {
            if (description.startsWith("AADSTS")) {
                int colon = description.indexOf(':');
                return code + " " + (colon < 0 ? description : description.substring(0, colon));
            }
            return firstSentence(description);
        }
        return firstSentence(code);
    }

    /** {@code "Identity not found"} → {@code "identity not found"}; long text is cut. */
    private static String firstSentence(String text) {
        int end = text.indexOf(". ");
        String sentence = withoutFinalPeriod(end < 0 ? text : text.substring(0, end)).strip();
        if (sentence.length() > MAX_DETAIL) {
            sentence = sentence.substring(0, MAX_DETAIL - 1) + "…";
        }
        if (sentence.length() > 1 && Character.isUpperCase(sentence.charAt(0))
            && Character.isLowerCase(sentence.charAt(1))) {
            sentence = Character.toLowerCase(sentence.charAt(0)) + sentence.substring(1);
        }
        return sentence;
    }

    private static String withoutFinalPeriod(String text) {
        return text.endsWith(".") ? text.substring(0, text.length() - 1) : text;
    }
}
