/**
 * Entra ID in the lab: the tenant, its directory of users (the learner) and service principals (managed identities,
 * and applications with client secrets), the device code and refresh token grants that sign a user in at the Azure
 * CLI ({@link dev.milab.entra.UserGrants}, {@link dev.milab.entra.DeviceCodes}), the RS256 signing keys with rollover, the token service that issues Azure-shaped v1.0 tokens, the
 * token endpoint's client-credentials grant (client secret now; {@link dev.milab.entra.ClientAuthentication} is where
 * certificate and federated assertions plug in), MSAL's instance discovery, the validator every lab resource runs on
 * a bearer token, and the discovery and JWKS endpoints of {@code login.microsoftonline.com}.
 */
package dev.milab.entra;
