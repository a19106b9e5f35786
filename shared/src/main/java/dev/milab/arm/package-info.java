/**
 * Azure Resource Manager in the lab: the resource graph (the one state model: subscription, resource groups, VMs
 * with their {@code identity} block, user-assigned identities with federated credentials, SQL servers with their
 * Microsoft Entra admin, key vaults, role assignments) with Azure's identity lifecycle; {@link
 * dev.milab.arm.RbacEvaluator}, the lab's one authority on Azure RBAC (actions and data actions, built-in roles with
 * their real ids, inheritance, propagation delay); and {@link dev.milab.arm.ResourceManagerEndpoint}, the REST subset
 * of {@code https://management.azure.com} that the unmodified azure-resourcemanager SDK drives, with one handler per
 * resource provider, template deployments ({@link dev.milab.arm.DeploymentsApi}) running each resource through them.
 */
package dev.milab.arm;
