/**
 * Entra ID in the lab: the tenant, its directory of service principals (managed identities, and applications with
 * client secrets), the RS256 signing keys with rollover, the token service that issues Azure-shaped v1.0 tokens, the
 * token endpoint's client-credentials grant (client secret now; {@link dev.milab.entra.ClientAuthentication} is where
 * certificate and federated assertions plug in), MSAL's instance discovery, the validator every lab resource runs on
 * a bearer token, and the discovery and JWKS endpoints of {@code login.microsoftonline.com}.
 */
package dev.milab.entra;
