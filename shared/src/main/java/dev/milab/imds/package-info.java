/**
 * The Instance Metadata Service in the lab, one endpoint per VM on its own loopback port: the managed identity
 * token endpoint ({@code /metadata/identity/oauth2/token}, also with the trailing slash msal-node sends) and
 * instance metadata ({@code /metadata/instance} with route parameters down to a leaf, {@code format=text}; its
 * {@code vmSize} is the VM's in Resource Manager), with IMDS's rules on headers, api-versions, identity selection,
 * token caching, throttling and injected faults for teaching retries.
 */
package dev.milab.imds;
