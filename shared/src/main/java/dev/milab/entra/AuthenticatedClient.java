package dev.milab.entra;

/**
 * A client that proved its identity at the token endpoint.
 *
 * @param principal the application's service principal, to which the token is issued
 * @param appidacr  how it authenticated, for the {@code appidacr} claim: {@code "1"} secret, {@code "2"} certificate
 */
public record AuthenticatedClient(ServicePrincipal principal, String appidacr) {
}
