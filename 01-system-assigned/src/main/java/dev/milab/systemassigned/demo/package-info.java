/**
 * Demo 01, narrated: the admin workstation (provisioning through azure-resourcemanager, the database admin's
 * statements), the programs the demo runs on VM1 besides the app, and the lab wiring ({@link
 * dev.milab.systemassigned.demo.LabWiring}, the one place that knows it is a lab).
 */
package dev.milab.systemassigned.demo;
