/**
 * How unmodified Azure SDK code reaches the lab: an azure-core {@code HttpClientProvider} that sends requests for
 * Azure's public hosts to the lab's loopback endpoints (keeping Azure's URLs, Host headers and TLS names) and
 * refuses every other non-loopback destination. Nothing leaves the machine.
 */
package dev.milab.routing;
