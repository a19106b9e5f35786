/**
 * The code to copy, in two halves that never share a class with the lab. On the VM: {@link
 * dev.milab.bearertoken.app.ImdsTokenClient} asks the instance metadata endpoint for a token with the JDK's own HTTP
 * client, and {@link dev.milab.bearertoken.app.OrdersClient} sends it as {@code Authorization: Bearer}. On the
 * server: {@link dev.milab.bearertoken.app.OrdersApi}, a protected API whose {@link
 * dev.milab.bearertoken.app.BearerTokenValidator} checks the token as a resource must (OpenID discovery, the
 * published keys, signature, issuer, audience, times) before it lets an allowed caller in. Only the JDK and
 * nimbus-jose-jwt; everything that differs between the lab and Azure is in {@code client.properties} and
 * {@code api.properties}.
 */
package dev.milab.bearertoken.app;
