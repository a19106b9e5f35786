/**
 * The lab console: a web page, served by the lab itself on loopback, where a workshop watches the trust chain while
 * a demo runs. It shows the lab's resources (VMs with their identity blocks, user-assigned identities, SQL servers
 * with their Entra admin and database users, key vaults, role assignments and their orphans), the directory (service
 * principals, credential kinds and expiry, never a secret), every hop as it happens with what decided its answer,
 * the same as a growing sequence diagram, and a token inspector that asks the lab's own validators whether each
 * resource would accept a pasted JWT. Read-only: nothing here changes the lab. Everything it needs (HTML, CSS,
 * JavaScript, no framework) is served from the jar, so it works offline. It depends on the services' state and the
 * trace, never on {@code dev.milab.lab}, which starts it.
 */
package dev.milab.console;
