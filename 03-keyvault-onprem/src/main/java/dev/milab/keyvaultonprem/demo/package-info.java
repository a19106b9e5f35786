/**
 * Demo 03, narrated: the admin workstation (role assignments, identities and federated credentials through
 * azure-resourcemanager, secrets through {@code SecretClient}), the programs the demo runs on the hosts besides the
 * app ({@link dev.milab.keyvaultonprem.demo.ArcKeyFileChallenge}, {@link
 * dev.milab.keyvaultonprem.demo.TryToWriteSecret}), and the lab wiring ({@link
 * dev.milab.keyvaultonprem.demo.LabWiring}, the one place that knows it is a lab).
 */
package dev.milab.keyvaultonprem.demo;
