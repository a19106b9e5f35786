/**
 * TLS for the lab: a certificate authority made at start (or kept on disk for the standalone server), the server
 * certificate for the Azure host names the lab answers ({@code login.microsoftonline.com},
 * {@code management.azure.com}, {@code *.vault.azure.net}, {@code *.database.windows.net},
 * {@code graph.microsoft.com}) and loopback, and the trust material (PEM, PKCS12) that JVMs, curl and other languages
 * use to trust the lab without switching certificate checks off.
 */
package dev.milab.tls;
