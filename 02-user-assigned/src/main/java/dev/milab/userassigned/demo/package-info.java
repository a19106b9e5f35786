/**
 * Demo 02, narrated: the admin workstation (provisioning through azure-resourcemanager, the database admin's
 * statements), the program the demo runs on the VMs besides the app ({@link dev.milab.userassigned.demo.AskImds},
 * the curl of a learner logged in to a VM), and the lab wiring ({@link dev.milab.userassigned.demo.LabWiring}, the
 * one place that knows it is a lab).
 */
package dev.milab.userassigned.demo;
