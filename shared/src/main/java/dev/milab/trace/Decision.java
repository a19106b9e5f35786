package dev.milab.trace;

import java.util.Objects;

/**
 * Why a service answered a hop as it did: one check it ran and what decided it.
 *
 * @param check  which rule: {@link #TOKEN} (signature, issuer, audience, times), {@link #RBAC} (a role at a scope),
 *               {@link #SQL} (a login as Azure SQL decides it)
 * @param passed whether that check let the request through
 * @param detail what decided, for people: the claim ({@code aud https://database.windows.net/}, {@code exp}), the
 *               role and scope that allowed, the data action no role grants, the SQL error number
 */
public record Decision(String check, boolean passed, String detail) {

    public static final String TOKEN = "token";
    public static final String RBAC = "RBAC";
    public static final String SQL = "SQL";

    public Decision {
        Objects.requireNonNull(check, "check");
        Objects.requireNonNull(detail, "detail");
    }
}
