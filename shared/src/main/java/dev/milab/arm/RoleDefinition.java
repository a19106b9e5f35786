package dev.milab.arm;

import java.util.List;

/**
 * An Azure role definition ({@code Microsoft.Authorization/roleDefinitions}): what a role allows, as one permission
 * block of control-plane {@code actions} and data-plane {@code dataActions}, each minus its exclusions.
 *
 * @param name the role's GUID, the same in every tenant for a built-in role
 */
public record RoleDefinition(String name, String roleName, String description, List<String> actions,
                             List<String> notActions, List<String> dataActions, List<String> notDataActions) {

    public RoleDefinition {
        actions = List.copyOf(actions);
        notActions = List.copyOf(notActions);
        dataActions = List.copyOf(dataActions);
        notDataActions = List.copyOf(notDataActions);
    }

    /** Whether this role allows a control-plane action: matched by {@code actions} and not by {@code notActions}. */
    public boolean allowsAction(String action) {
        return PermissionPattern.anyMatches(actions, action) && !PermissionPattern.anyMatches(notActions, action);
    }

    /** Whether this role allows a data action: matched by {@code dataActions} and not by {@code notDataActions}. */
    public boolean allowsDataAction(String dataAction) {
        return PermissionPattern.anyMatches(dataActions, dataAction)
            && !PermissionPattern.anyMatches(notDataActions, dataAction);
    }

    /** The definition's resource id at a subscription, the form ARM returns. */
    public String idAt(String subscriptionId) {
        return ResourceIds.subscription(subscriptionId) + "/providers/Microsoft.Authorization/roleDefinitions/" + name;
    }
}
