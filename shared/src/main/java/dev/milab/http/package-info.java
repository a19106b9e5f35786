/**
 * The lab's HTTP plumbing shared by every Azure service it emulates: transport-neutral request and response
 * records, handlers as plain functions, one adapter onto the JDK's built-in server bound to loopback, and JSON.
 */
package dev.milab.http;
