/**
 * The Instance Metadata Service in the lab, one endpoint per VM on its own loopback port: the managed identity
 * token endpoint ({@code /metadata/identity/oauth2/token}) and instance metadata, with IMDS's rules on headers,
 * api-versions, identity selection, token caching, throttling and injected faults for teaching retries.
 */
package dev.milab.imds;
