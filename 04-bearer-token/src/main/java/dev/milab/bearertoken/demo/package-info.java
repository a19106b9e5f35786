/**
 * Demo 04, narrated: the steps ({@link dev.milab.bearertoken.demo.BearerTokenDemo}), the program that shows IMDS's
 * answer on VM1, the forged tokens, the recording relay on the network path, and the lab wiring ({@link
 * dev.milab.bearertoken.demo.LabWiring}, the one place that knows it is a lab).
 */
package dev.milab.bearertoken.demo;
