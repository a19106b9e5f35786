package dev.milab.console;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import dev.milab.arm.BuiltInRoles;
import dev.milab.arm.KeyVault;
import dev.milab.arm.ResourceManagerEndpoint;
import dev.milab.arm.RoleAssignment;
import dev.milab.arm.RoleDefinition;
import dev.milab.entra.InvalidTokenException;
import dev.milab.entra.JsonWebToken;
import dev.milab.entra.ResourceApplications;
import dev.milab.entra.ValidatedToken;
import dev.milab.keyvault.KeyVaultEndpoint;
import dev.milab.keyvault.SecretDataActions;
import dev.milab.sql.LoginResult;
import dev.milab.sql.SqlAuthenticator;
import dev.milab.sql.SqlDatabase;
import dev.milab.sql.SqlServer;
import dev.milab.trace.Decision;

/**
 * A pasted JWT, decoded, and what each lab resource would do with it: the same validator every resource runs
 * (signature, issuer, audience, times), then that resource's authorization (RBAC for Resource Manager and each key
 * vault's {@code getSecret}, the database user for each SQL database). It only asks; it logs nobody in and records
 * nothing in the trace.
 */
final class TokenInspector {

    /** Larger than any token Entra ID issues (the lab refuses longer ones too). */
    static final int MAX_TOKEN_CHARS = 16 * 1024;

    private final LabConsole.Sources lab;

    TokenInspector(LabConsole.Sources lab) {
        this.lab = lab;
    }

    /**
     * The token's header and claims, its times, and one verdict per resource.
     *
     * @throws IllegalArgumentException if {@code token} is no compact JWT
     */
    Map<String, Object> inspect(String token) {
        String text = token.strip();
        if (text.regionMatches(true, 0, "Bearer ", 0, 7)) {
            text = text.substring(7).strip();
        }
        JsonWebToken jwt = JsonWebToken.parse(text);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("header", jwt.header());
        answer.put("claims", jwt.claims());
        Map<String, Object> times = new LinkedHashMap<>();
        for (String claim : List.of("iat", "nbf", "exp")) {
            Long seconds = jwt.claimEpochSeconds(claim);
            if (seconds != null) {
                times.put(claim, Instant.ofEpochSecond(seconds).toString());
            }
        }
        answer.put("times", times);
        answer.put("now", lab.clock().instant().toString());
        List<Map<String, Object>> verdicts = new ArrayList<>();
        verdicts.add(resourceManager(text));
        for (KeyVault vault : lab.resources().keyVaults()) {
            verdicts.add(keyVault(text, vault));
        }
        for (SqlServer server : lab.sql().servers()) {
            for (SqlDatabase db : server.databases()) {
                if (!db.name().equalsIgnoreCase(SqlServer.MASTER)) {
                    verdicts.add(sqlDatabase(text, server, db));
                }
            }
        }
        answer.put("verdicts", verdicts);
        return answer;
    }

    private Map<String, Object> resourceManager(String token) {
        List<Decision> why = new ArrayList<>();
        Optional<ValidatedToken> valid = validate(token, ResourceManagerEndpoint.audiences(), why);
        boolean accepted = false;
        if (valid.isPresent()) {
            List<RoleAssignment> roles = lab.resources().roleAssignments().stream()
                .filter(a -> a.principalId().equalsIgnoreCase(String.valueOf(valid.get().objectId()))).toList();
            accepted = !roles.isEmpty();
            if (roles.isEmpty()) {
                why.add(new Decision(Decision.RBAC, false, "no role assignment for oid " + valid.get().objectId()
                    + ": every request answers 403 AuthorizationFailed"));
            }
            roles.forEach(a -> why.add(new Decision(Decision.RBAC, true, roleName(a) + " at " + a.scope())));
        }
        return verdict("Resource Manager", "management.azure.com", accepted, why);
    }

    private Map<String, Object> keyVault(String token, KeyVault vault) {
        List<Decision> why = new ArrayList<>();
        Optional<ValidatedToken> valid = validate(token, ResourceApplications.audienceForms(KeyVaultEndpoint.RESOURCE),
            why);
        boolean accepted = false;
        if (valid.isPresent()) {
            if (!vault.enableRbacAuthorization()) {
                why.add(new Decision(Decision.RBAC, false, "the vault uses access policies, which the lab does not"
                    + " model: every request answers 403 AccessDenied"));
            } else {
                Optional<RoleAssignment> granting = lab.rbac().grantingAssignment(valid.get().objectId(),
                    SecretDataActions.GET_SECRET, vault.id(), true);
                accepted = granting.isPresent();
                why.add(new Decision(Decision.RBAC, accepted, granting.map(a -> roleName(a) + " at " + a.scope()
                    + " allows " + SecretDataActions.GET_SECRET).orElse("missing data action "
                    + SecretDataActions.GET_SECRET + " at " + vault.id() + ": 403 ForbiddenByRbac")));
            }
        }
        return verdict("Key Vault (" + vault.name() + ")", vault.vaultUri() + " get secret", accepted, why);
    }

    private Map<String, Object> sqlDatabase(String token, SqlServer server, SqlDatabase db) {
        List<Decision> why = new ArrayList<>();
        validate(token, SqlAuthenticator.AUDIENCES, why);
        LoginResult result = lab.sql().authenticator().withToken(server, db.name(), token);
        boolean accepted = result instanceof LoginResult.Success;
        if (result instanceof LoginResult.Success success) {
            why.add(new Decision(Decision.SQL, true, success.identity().serverAdmin()
                ? "the server's Entra admin (dbo)" : "database user " + success.identity().userName()));
        } else {
            ((LoginResult.Failure) result).errors().stream().findFirst().ifPresent(e -> why.add(new Decision(
                Decision.SQL, false, "error " + e.number() + ": " + e.message())));
        }
        return verdict(server.name(), server.hostName() + " login to " + db.name(), accepted, why);
    }

    /** The lab's validator on {@code token} for a resource accepting {@code audiences}; the outcome goes to why. */
    private Optional<ValidatedToken> validate(String token, Set<String> audiences, List<Decision> why) {
        try {
            ValidatedToken valid = lab.validator().validate(token, audiences);
            why.add(new Decision(Decision.TOKEN, true, "aud " + valid.audience() + " is this resource's; signature,"
                + " iss and times check out"));
            return Optional.of(valid);
        } catch (InvalidTokenException e) {
            why.add(new Decision(Decision.TOKEN, false, e.reason().claim() + ": " + e.getMessage()));
            return Optional.empty();
        }
    }

    private static String roleName(RoleAssignment a) {
        return BuiltInRoles.byId(a.roleDefinitionName()).map(RoleDefinition::roleName).orElse(a.roleDefinitionName());
    }

    private static Map<String, Object> verdict(String resource, String what, boolean accepted, List<Decision> why) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("resource", resource);
        v.put("what", what);
        v.put("accepted", accepted);
        v.put("decisions", why.stream().map(d -> Map.of("check", d.check(), "passed", d.passed(), "detail",
            d.detail())).toList());
        return v;
    }

}
