package dev.milab.keyvault;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;

import dev.milab.entra.InvalidTokenException;
import dev.milab.entra.ResourceApplications;
import dev.milab.entra.Tenant;
import dev.milab.entra.TokenValidator;
import dev.milab.entra.ValidatedToken;
import dev.milab.http.Json;
import dev.milab.http.LabHttpHandler;
import dev.milab.http.LabHttpRequest;
import dev.milab.http.LabHttpResponse;

/**
 * The Key Vault secrets data plane ({@code https://{vault}.vault.azure.net}) as the Azure SDK meets it: challenge
 * authentication (the SDK's first request carries no token and learns the tenant and resource from the 401),
 * token validation, authorization per data action, and the secrets REST operations (Microsoft Learn, "Key Vault
 * REST API reference: Secrets").
 */
public final class KeyVaultEndpoint implements LabHttpHandler {

    /** The resource that Key Vault tokens are for. */
    public static final String RESOURCE = "https://vault.azure.net";
    private static final Set<String> AUDIENCES = ResourceApplications.audienceForms(RESOURCE);
    /**
     * The secrets API's generally available versions, oldest first (Microsoft Learn, "Azure Key Vault versions";
     * the SDKs' version enums). The newest is what {@code @azure/keyvault-secrets} 4.12 sends by default;
     * azure-security-keyvault-secrets 4.11 (Java) sends 2025-07-01; 2016-10-01 is the Azure CLI's hybrid profile.
     */
    public static final List<String> API_VERSIONS = List.of("2015-06-01", "2016-10-01", "7.0", "7.1", "7.2", "7.3",
        "7.4", "7.5", "7.6", "2025-07-01", "2026-04-01");
    /** The version Key Vault names when it refuses one it does not know. */
    static final String LATEST_API_VERSION = API_VERSIONS.get(API_VERSIONS.size() - 1);
    private static final int MAX_PAGE = 25;

    private final Tenant tenant;
    private final TokenValidator validator;
    private final Function<String, KeyVault> vaults;
    private final DataActionAuthorizer authorizer;

    /**
     * @param vaults     finds a vault by name (null if there is none)
     * @param authorizer the lab's RBAC, asked for every data action on an RBAC vault
     */
    public KeyVaultEndpoint(Tenant tenant, TokenValidator validator, Function<String, KeyVault> vaults,
                            DataActionAuthorizer authorizer) {
        this.tenant = tenant;
        this.validator = validator;
        this.vaults = vaults;
        this.authorizer = authorizer;
    }

    @Override
    public LabHttpResponse handle(LabHttpRequest request) {
        try {
            return serve(request);
        } catch (KeyVaultException e) {
            return error(e);
        }
    }

    private LabHttpResponse serve(LabHttpRequest request) {
        String host = request.host();
        String vaultName = host.endsWith(".vault.azure.net") ? host.substring(0, host.indexOf('.')) : "";
        KeyVault vault = vaults.apply(vaultName);
        if (vault == null) {
            // On Azure the name would not resolve in DNS; the lab answers instead.
            throw new KeyVaultException(404, "VaultNotFound", "The lab has no key vault named '" + vaultName + "'.");
        }
        String authorization = request.header("Authorization").orElse("");
        if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return challenge("Unauthorized", "AKV10000: Request is missing a Bearer or PoP token.");
        }
        ValidatedToken caller;
        try {
            caller = validator.validate(authorization.substring(7).trim(), AUDIENCES);
        } catch (InvalidTokenException e) {
            return challenge("Unauthorized", tokenError(e));
        }
        Map<String, List<String>> query;
        try {
            query = request.queryParameters();
        } catch (IllegalArgumentException e) {
            throw new KeyVaultException(400, "BadParameter", "The query string is not valid URL encoding.");
        }
        String apiVersion = first(query, "api-version");
        if (apiVersion == null) {
            // Wording is the lab's: Microsoft documents no text for a missing api-version.
            throw new KeyVaultException(400, "BadParameter", "The api-version query parameter is required.");
        }
        if (!API_VERSIONS.contains(apiVersion)) {
            // Key Vault's words, as clients report them (for example Azure/azure-sdk-for-python#28595).
            throw new KeyVaultException(400, "BadParameter", "The specified version (" + apiVersion
                + ") is not recognized. Consider using the latest supported version (" + LATEST_API_VERSION + ").");
        }
        String path = request.normalizedPath();
        if (path.length() > 1 && path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        String[] seg = path.substring(1).split("/");
        String method = request.method();
        Operation op = Operation.of(method, seg);
        if (op == null) {
            throw new KeyVaultException(405, "BadParameter", "The operation " + method + " " + path
                + " is not supported by the lab's Key Vault.");
        }
        if (seg.length > 1) {
            SecretStore.requireName(seg[1]);
        }
        String scope = vault.resourceId() + (seg.length > 1 ? "/secrets/" + seg[1] : "");
        authorize(vault, caller, op, scope);
        SecretStore store = vault.secrets();
        return switch (op) {
            case SET -> ok(bundle(vault, setSecret(store, seg[1], request)));
            case GET -> ok(bundle(vault, readable(store.get(seg[1], seg.length > 2 ? seg[2] : null))));
            case UPDATE -> ok(bundle(vault, store.update(seg[1], seg.length > 2 ? seg[2] : null, attributeUpdate(request))));
            case LIST -> ok(page(vault, store.list(), query, false, "/secrets"));
            case LIST_VERSIONS -> ok(page(vault, store.versions(seg[1]), query, true, "/secrets/" + seg[1] + "/versions"));
            case DELETE -> ok(deletedBundle(vault, store.delete(seg[1]), true));
            case GET_DELETED -> ok(deletedBundle(vault, store.getDeleted(seg[1]), true));
            case LIST_DELETED -> ok(deletedPage(vault, store.listDeleted(), query));
            case RECOVER -> ok(bundle(vault, store.recover(seg[1])));
            case PURGE -> {
                store.purge(seg[1]);
                yield new LabHttpResponse(204, Map.of(), new byte[0]);
            }
        };
    }

    /** The REST operations and the data action each needs. */
    enum Operation {
        SET(SecretDataActions.SET_SECRET, "set"),
        GET(SecretDataActions.GET_SECRET, "get"),
        UPDATE(SecretDataActions.UPDATE, "update"),
        LIST(SecretDataActions.READ_METADATA, "list"),
        LIST_VERSIONS(SecretDataActions.READ_METADATA, "list"),
        DELETE(SecretDataActions.DELETE, "delete"),
        GET_DELETED(SecretDataActions.READ_METADATA, "get"),
        LIST_DELETED(SecretDataActions.READ_METADATA, "list"),
        RECOVER(SecretDataActions.RECOVER, "recover"),
        PURGE(SecretDataActions.PURGE, "purge");

        final String dataAction;
        final String permission;

        Operation(String dataAction, String permission) {
            this.dataAction = dataAction;
            this.permission = permission;
        }

        static Operation of(String method, String[] seg) {
            String collection = seg[0].toLowerCase(Locale.ROOT);
            if (collection.equals("secrets")) {
                return switch (seg.length) {
                    case 1 -> method.equals("GET") ? LIST : null;
                    case 2 -> switch (method) {
                        case "PUT" -> SET;
                        case "GET" -> GET;
                        case "PATCH" -> UPDATE;
                        case "DELETE" -> DELETE;
                        default -> null;
                    };
                    case 3 -> seg[2].equalsIgnoreCase("versions")
                        ? (method.equals("GET") ? LIST_VERSIONS : null)
                        : method.equals("GET") ? GET : method.equals("PATCH") ? UPDATE : null;
                    default -> null;
                };
            }
            if (collection.equals("deletedsecrets")) {
                return switch (seg.length) {
                    case 1 -> method.equals("GET") ? LIST_DELETED : null;
                    case 2 -> method.equals("GET") ? GET_DELETED : method.equals("DELETE") ? PURGE : null;
                    case 3 -> seg[2].equalsIgnoreCase("recover") && method.equals("POST") ? RECOVER : null;
                    default -> null;
                };
            }
            return null;
        }
    }

    private void authorize(KeyVault vault, ValidatedToken caller, Operation op, String scope) {
        String who = "appid=" + caller.appId() + ";oid=" + caller.objectId() + ";iss=" + caller.issuer();
        if (!vault.rbacAuthorization()) {
            throw new KeyVaultException(403, "Forbidden", "The user, group or application '" + who + "' does not "
                + "have secrets " + op.permission + " permission on key vault '" + vault.name() + ";location="
                + vault.location() + "'. For help resolving this issue, please see "
                + "https://go.microsoft.com/fwlink/?linkid=2125287", "AccessDenied");
        }
        if (!authorizer.isAllowed(caller.objectId(), op.dataAction, scope)) {
            throw new KeyVaultException(403, "Forbidden", "Caller is not authorized to perform action on resource.\r\n"
                + "If role assignments, deny assignments or role definitions were changed recently, please observe "
                + "propagation time.\r\nCaller: " + who + "\r\nAction: '" + op.dataAction + "'\r\nResource: '"
                + scope.toLowerCase(Locale.ROOT) + "'\r\nAssignment: (not found)\r\nDenyAssignmentId: null\r\n"
                + "DecisionReason: null \r\nVault: " + vault.name() + ";location=" + vault.location() + "\r\n",
                "ForbiddenByRbac");
        }
    }

    /**
     * Disabled secrets cannot be read. Expired and not-yet-valid ones can: "A secret's get operation will work for
     * not-yet-valid and expired secrets, outside the nbf / exp window" (Microsoft Learn, "About Azure Key Vault
     * secrets", Date-time controlled operations).
     */
    private static SecretVersion readable(SecretVersion v) {
        if (!v.enabled()) {
            throw new KeyVaultException(403, "Forbidden", "Operation get is not allowed on a disabled secret.",
                "SecretDisabled");
        }
        return v;
    }

    private static SecretVersion setSecret(SecretStore store, String name, LabHttpRequest request) {
        JsonNode body = jsonBody(request);
        JsonNode value = body.get("value");
        if (value == null || !value.isTextual()) {
            throw new KeyVaultException(400, "BadParameter", "The parameter value is required and must be a string.");
        }
        JsonNode attributes = body.path("attributes");
        return store.set(name, value.asText(), text(body, "contentType"), bool(attributes, "enabled"),
            epoch(attributes, "nbf"), epoch(attributes, "exp"), tags(body));
    }

    private static SecretStore.AttributeUpdate attributeUpdate(LabHttpRequest request) {
        JsonNode body = jsonBody(request);
        JsonNode attributes = body.path("attributes");
        return new SecretStore.AttributeUpdate(text(body, "contentType"), bool(attributes, "enabled"),
            epoch(attributes, "nbf"), epoch(attributes, "exp"), tags(body));
    }

    private static JsonNode jsonBody(LabHttpRequest request) {
        try {
            JsonNode node = Json.read(request.bodyAsString());
            if (node == null || !node.isObject()) {
                throw new KeyVaultException(400, "BadParameter", "The request body must be a JSON object.");
            }
            return node;
        } catch (IOException e) {
            throw new KeyVaultException(400, "BadParameter", "The request body is not valid JSON.");
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static Boolean bool(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isBoolean()) {
            throw new KeyVaultException(400, "BadParameter", "Attribute '" + field + "' must be true or false.");
        }
        return v.asBoolean();
    }

    private static Instant epoch(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.canConvertToLong()) {
            throw new KeyVaultException(400, "BadParameter", "Attribute '" + field + "' must be seconds since 1970.");
        }
        return Instant.ofEpochSecond(v.asLong());
    }

    private static Map<String, String> tags(JsonNode body) {
        JsonNode t = body.get("tags");
        if (t == null || t.isNull()) {
            return null;
        }
        if (!t.isObject()) {
            throw new KeyVaultException(400, "BadParameter", "Tags must be a JSON object of strings.");
        }
        Map<String, String> tags = new LinkedHashMap<>();
        t.fields().forEachRemaining(e -> tags.put(e.getKey(), e.getValue().asText()));
        return tags;
    }

    private static Map<String, Object> attributes(SecretVersion v) {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("enabled", v.enabled());
        if (v.notBefore() != null) {
            a.put("nbf", v.notBefore().getEpochSecond());
        }
        if (v.expires() != null) {
            a.put("exp", v.expires().getEpochSecond());
        }
        a.put("created", v.created().getEpochSecond());
        a.put("updated", v.updated().getEpochSecond());
        a.put("recoveryLevel", "Recoverable+Purgeable");
        a.put("recoverableDays", (int) SecretStore.RETENTION.toDays());
        return a;
    }

    private static Map<String, Object> bundle(KeyVault vault, SecretVersion v) {
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("value", v.value());
        if (v.contentType() != null) {
            b.put("contentType", v.contentType());
        }
        b.put("id", vault.vaultUri() + "/secrets/" + v.name() + "/" + v.version());
        b.put("attributes", attributes(v));
        if (!v.tags().isEmpty()) {
            b.put("tags", v.tags());
        }
        return b;
    }

    private static Map<String, Object> item(KeyVault vault, SecretVersion v, boolean withVersion) {
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("id", vault.vaultUri() + "/secrets/" + v.name() + (withVersion ? "/" + v.version() : ""));
        b.put("attributes", attributes(v));
        if (v.contentType() != null) {
            b.put("contentType", v.contentType());
        }
        if (!v.tags().isEmpty()) {
            b.put("tags", v.tags());
        }
        return b;
    }

    private static Map<String, Object> deletedBundle(KeyVault vault, DeletedSecret d, boolean withValue) {
        Map<String, Object> b = withValue ? bundle(vault, d.latest()) : item(vault, d.latest(), false);
        if (withValue) {
            // A deleted secret's value is not returned by get-deleted or delete.
            b.remove("value");
        }
        b.put("recoveryId", vault.vaultUri() + "/deletedsecrets/" + d.name());
        b.put("deletedDate", d.deletedDate().getEpochSecond());
        b.put("scheduledPurgeDate", d.scheduledPurgeDate().getEpochSecond());
        return b;
    }

    private static Map<String, Object> page(KeyVault vault, List<SecretVersion> all, Map<String, List<String>> query,
                                            boolean withVersion, String path) {
        List<Object> items = new ArrayList<>();
        for (SecretVersion v : all) {
            items.add(item(vault, v, withVersion));
        }
        return paged(vault, items, query, path);
    }

    private static Map<String, Object> deletedPage(KeyVault vault, List<DeletedSecret> all,
                                                   Map<String, List<String>> query) {
        List<Object> items = new ArrayList<>();
        for (DeletedSecret d : all) {
            items.add(deletedBundle(vault, d, false));
        }
        return paged(vault, items, query, "/deletedsecrets");
    }

    /** One page of at most {@code maxresults} (1..25) items, and a {@code nextLink} while more remain. */
    private static Map<String, Object> paged(KeyVault vault, List<Object> items, Map<String, List<String>> query,
                                             String path) {
        int max = MAX_PAGE;
        String maxText = first(query, "maxresults");
        if (maxText != null) {
            try {
                max = Integer.parseInt(maxText);
            } catch (NumberFormatException e) {
                max = -1;
            }
            if (max < 1 || max > MAX_PAGE) {
                throw new KeyVaultException(400, "BadParameter", "invalid maxresults: it must be between 1 and 25.");
            }
        }
        int offset = 0;
        String skip = first(query, "$skiptoken");
        if (skip != null) {
            try {
                offset = Integer.parseInt(new String(Base64.getUrlDecoder().decode(skip), StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                throw new KeyVaultException(400, "BadParameter", "The $skiptoken is invalid.");
            }
        }
        int from = Math.min(Math.max(offset, 0), items.size());
        int to = Math.min(from + max, items.size());
        Map<String, Object> page = new LinkedHashMap<>();
        page.put("value", items.subList(from, to));
        page.put("nextLink", to < items.size()
            ? vault.vaultUri() + ":443" + path + "?api-version=" + first(query, "api-version") + "&$skiptoken="
                + Base64.getUrlEncoder().withoutPadding().encodeToString(Integer.toString(to)
                    .getBytes(StandardCharsets.UTF_8)) + "&maxresults=" + max
            : null);
        return page;
    }

    private LabHttpResponse challenge(String code, String message) {
        return LabHttpResponse.json(401, errorJson(code, message, null), Map.of("WWW-Authenticate",
            "Bearer authorization=\"https://login.microsoftonline.com/" + tenant.id() + "\", resource=\"" + RESOURCE
                + "\""));
    }

    /**
     * Key Vault's texts for refused tokens; the AKV codes for audience, issuer and a missing token are the ones Key
     * Vault sends, the others are the lab's wording.
     */
    private String tokenError(InvalidTokenException e) {
        return switch (e.reason()) {
            case WRONG_AUDIENCE -> "AKV10022: Invalid audience. Expected " + RESOURCE + ", found: "
                + e.getMessage().replaceAll(".*audience '(.*)' is invalid\\.", "$1") + ".";
            case WRONG_ISSUER -> "AKV10032: Invalid issuer. Expected one of " + tenant.v1Issuer() + ", "
                + tenant.v2Issuer() + ", found " + e.getMessage().replaceAll(".*issuer '(.*)' is invalid\\.", "$1")
                + ".";
            case EXPIRED -> "Token validation failed: " + e.getMessage();
            default -> "Token validation failed: " + e.getMessage();
        };
    }

    private static LabHttpResponse ok(Map<String, Object> body) {
        return LabHttpResponse.json(200, Json.write(body));
    }

    private static LabHttpResponse error(KeyVaultException e) {
        return LabHttpResponse.json(e.status(), errorJson(e.code(), e.getMessage(), e.innerCode()));
    }

    private static String errorJson(String code, String message, String innerCode) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("code", code);
        error.put("message", message);
        if (innerCode != null) {
            error.put("innererror", Map.of("code", innerCode));
        }
        return Json.write(Map.of("error", error));
    }

    private static String first(Map<String, List<String>> query, String name) {
        List<String> v = query.get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }
}
