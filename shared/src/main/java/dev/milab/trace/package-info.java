/**
 * The lab's trace: every hop a demo causes (a VM asking its IMDS, IMDS getting a token from Entra ID, a client
 * calling Resource Manager or Key Vault, a login to Azure SQL), recorded as it happens with who asked, what, and
 * what the lab answered, so a demo can show the whole conversation at the end as a Mermaid sequence diagram or as
 * plain text. It depends on nothing else in the lab; the services' hooks feed it (see {@code dev.milab.lab.Lab}).
 */
package dev.milab.trace;
