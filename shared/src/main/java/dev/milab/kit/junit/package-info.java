/**
 * Testing your own copy of a demo's app code offline: {@link dev.milab.kit.junit.LabExtension} starts one lab per test
 * class with the VMs, identities and SQL servers the test names, routes the test JVM as the admin workstation, runs
 * programs "on" a VM in that VM's own JVM, and hands out the settings and JDBC URL the app's config file needs.
 * {@link dev.milab.kit.junit.SqlAdmin} is the database's Microsoft Entra admin for seeding tables and granting access
 * with the same T-SQL as on Azure. The app code under test imports nothing from here; only its tests do.
 */
package dev.milab.kit.junit;
