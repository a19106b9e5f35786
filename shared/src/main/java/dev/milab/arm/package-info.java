/**
 * Azure Resource Manager in the lab: the resource graph (subscription, resource groups, virtual machines with
 * their {@code identity} block, user-assigned identities) and the identity lifecycle Azure enforces. The REST
 * subset and RBAC arrive with the ARM issue.
 */
package dev.milab.arm;
