package dev.milab.entra;

/**
 * A user in the lab's directory (Microsoft Entra ID's "Users"): a person who signs in, with no password in the lab.
 * A user's tokens name it by {@code oid} (what role assignments and SQL admins name) and by {@code upn}.
 *
 * @param objectId          the user object's id: the {@code oid} claim, Graph's {@code id}
 * @param userPrincipalName the sign-in name, {@code name@<tenant's initial domain>}: the {@code upn},
 *                          {@code unique_name} and {@code preferred_username} claims
 * @param displayName       the {@code name} claim
 * @param givenName         first name ({@code given_name})
 * @param surname           last name ({@code family_name})
 */
public record User(String objectId, String userPrincipalName, String displayName, String givenName,
                   String surname) {
}
