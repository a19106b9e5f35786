package dev.milab.graph;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

import dev.milab.entra.Directory;
import dev.milab.entra.User;
import dev.milab.entra.ValidatedToken;

/**
 * Microsoft Graph's users in the lab (Microsoft Learn, "Get the signed-in user", "List users", "Get user"):
 * {@code /me} for a delegated token, {@code /users} and {@code /users/{id | userPrincipalName}}, with the default
 * properties of Graph's user resource. Also how a delegated token is authorized: by its delegated permissions
 * ({@code scp}), where an app-only token needs application permissions ({@code roles}).
 */
final class GraphUsers {

    /** Delegated permissions that may read the signed-in user's profile ("Get the signed-in user"). */
    private static final Set<String> READ_ME = Set.of("User.Read", "User.ReadWrite", "User.ReadBasic.All",
        "User.Read.All", "User.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All",
        "Directory.AccessAsUser.All");
    /** Permissions that list and read users ("List users", least privileged first; delegated and application). */
    private static final Set<String> READ_USERS = Set.of("User.ReadBasic.All", "User.Read.All", "User.ReadWrite.All",
        "Directory.Read.All", "Directory.ReadWrite.All");
    /** Delegated: the permission that lets an app do what the signed-in user may ("Access the directory as you"). */
    private static final String AS_THE_USER = "Directory.AccessAsUser.All";

    private final Directory directory;

    GraphUsers(Directory directory) {
        this.directory = directory;
    }

    /** {@code GET /me}: the user a delegated token names. */
    Map<String, Object> me(ValidatedToken caller) {
        if (!caller.isUser()) {
            // Graph finds the user in a delegated token; an app-only token has none.
            throw new GraphException(400, "BadRequest",
                "/me request is only valid with delegated authentication flow.");
        }
        authorize(caller, READ_ME);
        return json(directory.user(caller.objectId()).orElseThrow(() -> GraphException.notFound(caller.objectId())));
    }

    /** {@code GET /users}, filtered. */
    List<Map<String, Object>> list(ValidatedToken caller, Predicate<Map<String, Object>> filter) {
        authorize(caller, READ_USERS);
        return directory.users().stream().filter(u -> filter.test(filterFields(u))).map(GraphUsers::json).toList();
    }

    /** {@code GET /users/{id | userPrincipalName}}. */
    Map<String, Object> get(ValidatedToken caller, String idOrUserPrincipalName) {
        authorize(caller, READ_USERS);
        return json(directory.user(idOrUserPrincipalName)
            .orElseThrow(() -> GraphException.notFound(idOrUserPrincipalName)));
    }

    /**
     * Whether a token's permissions allow an operation that needs one of {@code anyOf}: a delegated token's
     * {@code scp} (or {@code Directory.AccessAsUser.All}: the user's own access, and a member user may read the
     * directory), an app-only token's {@code roles}.
     */
    static boolean permits(ValidatedToken caller, Set<String> anyOf) {
        if (caller.isUser()) {
            Object scp = caller.claims().get("scp");
            return scp != null && List.of(scp.toString().split(" ")).stream()
                .anyMatch(s -> anyOf.contains(s) || s.equals(AS_THE_USER));
        }
        Object roles = caller.claims().get("roles");
        return roles instanceof List<?> list && list.stream().anyMatch(r -> anyOf.contains(String.valueOf(r)));
    }

    private static void authorize(ValidatedToken caller, Set<String> anyOf) {
        if (!permits(caller, anyOf)) {
            throw GraphException.insufficientPrivileges();
        }
    }

    /** The properties a {@code $filter} may name. */
    private static Map<String, Object> filterFields(User u) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("id", u.objectId());
        f.put("displayname", u.displayName());
        f.put("userprincipalname", u.userPrincipalName());
        return f;
    }

    /**
     * A user with the properties Graph v1.0 returns by default (Microsoft Learn, "user resource type"); the lab's
     * users have no mailbox, phone, job or office, so those are empty as Graph shows them.
     */
    static Map<String, Object> json(User u) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("businessPhones", List.of());
        json.put("displayName", u.displayName());
        json.put("givenName", u.givenName());
        json.put("jobTitle", null);
        json.put("mail", null);
        json.put("mobilePhone", null);
        json.put("officeLocation", null);
        json.put("preferredLanguage", null);
        json.put("surname", u.surname());
        json.put("userPrincipalName", u.userPrincipalName());
        json.put("id", u.objectId());
        return json;
    }
}
