/**
 * Entra ID in the lab: the tenant, its directory of service principals (managed identities now, applications
 * later), the RS256 signing keys with rollover, the token service that issues Azure-shaped tokens, the validator
 * every lab resource runs on a bearer token, and the discovery and JWKS endpoints of
 * {@code login.microsoftonline.com}.
 */
package dev.milab.entra;
