package dev.milab.sql;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import dev.milab.entra.InvalidTokenException;
import dev.milab.entra.ResourceApplications;
import dev.milab.entra.TokenValidator;
import dev.milab.entra.ValidatedToken;

/**
 * Decides who may log in, as Azure SQL does. A token must pass the resource checks every lab resource runs
 * (signature, issuer, audience {@code https://database.windows.net/} with or without its slash, times); then its
 * principal must be the server's Entra admin or have a contained user in the database. A token stays valid until
 * it expires even if its principal was deleted since. A SQL login needs the server's SQL administrator or a
 * contained SQL user with that password.
 */
public final class SqlAuthenticator {

    /** What Azure SQL accepts in {@code aud}. */
    public static final Set<String> AUDIENCES = ResourceApplications.audienceForms(ResourceApplications.AZURE_SQL);

    private final TokenValidator validator;

    public SqlAuthenticator(TokenValidator validator) {
        this.validator = validator;
    }

    /** A login with an Entra access token (FEDAUTH, either library). */
    public LoginResult withToken(SqlServer server, String databaseName, String token) {
        ValidatedToken validated;
        try {
            validated = validator.validate(token, AUDIENCES);
        } catch (InvalidTokenException e) {
            return LoginResult.Failure.of(switch (e.reason()) {
                case EXPIRED -> AzureSqlErrors.tokenExpired();
                case WRONG_AUDIENCE, WRONG_ISSUER -> AzureSqlErrors.tokenNotAccepted();
                default -> AzureSqlErrors.loginFailed(AzureSqlErrors.TOKEN_PRINCIPAL);
            });
        }
        Optional<EntraAdmin> admin = server.entraAdmin();
        if (admin.isEmpty()) {
            return LoginResult.Failure.of(AzureSqlErrors.tokenNotAccepted());
        }
        String database = databaseName == null || databaseName.isEmpty() ? SqlServer.MASTER : databaseName;
        Optional<SqlDatabase> db = server.database(database);
        if (db.isEmpty()) {
            return LoginResult.Failure.of(AzureSqlErrors.cannotOpenDatabase(database),
                AzureSqlErrors.loginFailed(AzureSqlErrors.TOKEN_PRINCIPAL));
        }
        // Azure SQL reports a service principal's login as <application id>@<tenant id>, a user's as its UPN. The
        // client a user signed in with (appid) is no principal here: a user is its object id.
        boolean user = validated.isUser();
        String loginName = user && validated.userPrincipalName() != null ? validated.userPrincipalName()
            : (validated.appId() != null ? validated.appId() : validated.objectId()) + "@" + validated.tenantId();
        if (admin.get().matches(validated.objectId(), user ? null : validated.appId())) {
            return new LoginResult.Success(server, db.get(), new SessionIdentity(loginName, "dbo", true, true, null));
        }
        Optional<DatabaseUser> contained = db.get().externalUserBySid(user ? validated.objectId() : validated.appId());
        if (contained.isEmpty()) {
            return LoginResult.Failure.of(AzureSqlErrors.loginFailed(AzureSqlErrors.TOKEN_PRINCIPAL));
        }
        return new LoginResult.Success(server, db.get(), new SessionIdentity(loginName, contained.get().name(), true,
            false, contained.get()));
    }

    /** A SQL authentication login; {@code user@server} is accepted as Azure SQL's gateway accepts it. */
    public LoginResult withPassword(SqlServer server, String databaseName, String user, String password) {
        String login = user == null ? "" : user;
        String suffix = "@" + server.name().toLowerCase(Locale.ROOT);
        if (login.toLowerCase(Locale.ROOT).endsWith(suffix)) {
            login = login.substring(0, login.length() - suffix.length());
        }
        if (server.entraOnlyAuthentication()) {
            return LoginResult.Failure.of(AzureSqlErrors.entraOnlyAuthentication(login));
        }
        String database = databaseName == null || databaseName.isEmpty() ? SqlServer.MASTER : databaseName;
        Optional<SqlDatabase> db = server.database(database);
        if (db.isEmpty()) {
            return LoginResult.Failure.of(AzureSqlErrors.cannotOpenDatabase(database),
                AzureSqlErrors.loginFailed(login));
        }
        Optional<DatabaseUser> admin = server.sqlAdministrator();
        if (admin.isPresent() && admin.get().name().equalsIgnoreCase(login) && admin.get().passwordMatches(password)) {
            return new LoginResult.Success(server, db.get(), new SessionIdentity(admin.get().name(), "dbo", false,
                true, null));
        }
        Optional<DatabaseUser> contained = db.get().user(login).filter(u -> u.passwordMatches(password));
        if (contained.isPresent()) {
            return new LoginResult.Success(server, db.get(), new SessionIdentity(contained.get().name(),
                contained.get().name(), false, false, contained.get()));
        }
        return LoginResult.Failure.of(AzureSqlErrors.loginFailed(login));
    }
}
