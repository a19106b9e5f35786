package dev.milab.arm;

import java.time.Instant;

/**
 * A role assignment ({@code Microsoft.Authorization/roleAssignments}): a principal holds a role at a scope and, by
 * inheritance, at every scope below it.
 *
 * @param name              the assignment's GUID (clients make it up)
 * @param scope             {@code /}, a subscription, a resource group or a resource id
 * @param roleDefinitionName the role's GUID
 * @param principalId       the object id of the principal the role is for
 * @param principalType     {@code ServicePrincipal} for applications and managed identities
 * @param createdOn         when it was written; it counts from {@code createdOn} plus the lab's propagation delay
 * @param createdBy         the object id of who wrote it
 */
public record RoleAssignment(String name, String scope, String roleDefinitionName, String principalId,
                             String principalType, String description, Instant createdOn, String createdBy) {

    /** {@code {scope}/providers/Microsoft.Authorization/roleAssignments/{name}}. */
    public String id() {
        return idOf(scope, name);
    }

    public static String idOf(String scope, String name) {
        return ("/".equals(scope) ? "" : scope) + "/providers/Microsoft.Authorization/roleAssignments/" + name;
    }

    /** Whether it is the same grant (principal, role, scope), whatever its name. */
    public boolean sameGrantAs(RoleAssignment other) {
        return principalId.equalsIgnoreCase(other.principalId)
            && roleDefinitionName.equalsIgnoreCase(other.roleDefinitionName)
            && ResourceIds.key(scope).equals(ResourceIds.key(other.scope));
    }
}
