package dev.milab.arm;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Azure RBAC for the whole lab: may a principal perform an action (or data action) at a scope? Resource Manager
 * asks it for every request and the Key Vault data plane for every secret operation (Microsoft Learn, "How Azure RBAC
 * determines if a user has access to a resource").
 *
 * <ul>
 *   <li>Role assignments are inherited: one at a subscription counts at its resource groups and their resources.</li>
 *   <li>A role allows what its {@code actions} match minus what its {@code notActions} match (the same for
 *       {@code dataActions} and {@code notDataActions}); patterns use {@link PermissionPattern}'s wildcards.</li>
 *   <li>There are no deny assignments in the lab: any one role that allows is enough.</li>
 *   <li>A new assignment counts only after the lab's propagation delay (default none), as Azure's can take minutes.</li>
 * </ul>
 */
public final class RbacEvaluator {

    private final ResourceGraph graph;
    private final Clock clock;
    private final Supplier<Duration> propagationDelay;
    private volatile Consumer<Decision> observer;

    public RbacEvaluator(ResourceGraph graph, Clock clock, Supplier<Duration> propagationDelay) {
        this.graph = graph;
        this.clock = clock;
        this.propagationDelay = propagationDelay;
    }

    /** Whether {@code principalObjectId} may perform the control-plane {@code action} at {@code scope}. */
    public boolean isAllowed(String principalObjectId, String action, String scope) {
        return grantingAssignment(principalObjectId, action, scope, false).isPresent();
    }

    /** Whether {@code principalObjectId} may perform the data-plane {@code dataAction} at {@code scope}. */
    public boolean isDataActionAllowed(String principalObjectId, String dataAction, String scope) {
        return grantingAssignment(principalObjectId, dataAction, scope, true).isPresent();
    }

    /**
     * The first effective role assignment that allows the operation, if any.
     *
     * @param dataAction whether {@code operation} is a data action (checked against {@code dataActions})
     */
    public Optional<RoleAssignment> grantingAssignment(String principalObjectId, String operation, String scope,
                                                       boolean dataAction) {
        Optional<RoleAssignment> granting = find(principalObjectId, operation, scope, dataAction);
        Consumer<Decision> o = observer;
        if (o != null) {
            try {
                o.accept(new Decision(principalObjectId, operation, scope, dataAction, granting));
            } catch (RuntimeException e) {
                // a watcher's failure must not change the decision
            }
        }
        return granting;
    }

    /**
     * One decision, for whoever watches (the lab's trace).
     *
     * @param granting the assignment that allowed, or empty when no role grants {@code operation} at {@code scope}
     */
    public record Decision(String principalObjectId, String operation, String scope, boolean dataAction,
                           Optional<RoleAssignment> granting) {
    }

    /** Calls {@code observer} after every decision, on the deciding thread; null removes it. */
    public void onDecision(Consumer<Decision> observer) {
        this.observer = observer;
    }

    private Optional<RoleAssignment> find(String principalObjectId, String operation, String scope,
                                          boolean dataAction) {
        if (principalObjectId == null) {
            return Optional.empty();
        }
        Instant effectiveBefore = clock.instant().minus(propagationDelay.get());
        List<RoleAssignment> assignments = graph.roleAssignments();
        for (RoleAssignment a : assignments) {
            if (!a.principalId().equalsIgnoreCase(principalObjectId) || a.createdOn().isAfter(effectiveBefore)
                || !isAtOrAbove(a.scope(), scope)) {
                continue;
            }
            Optional<RoleDefinition> role = BuiltInRoles.byId(a.roleDefinitionName());
            if (role.isPresent() && (dataAction ? role.get().allowsDataAction(operation)
                : role.get().allowsAction(operation))) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }

    /** Whether {@code ancestor} is {@code scope} itself or a scope above it (resource ids compare ignoring case). */
    public static boolean isAtOrAbove(String ancestor, String scope) {
        if ("/".equals(ancestor)) {
            return true;
        }
        String a = ResourceIds.key(stripSlash(ancestor));
        String s = ResourceIds.key(stripSlash(scope));
        return s.equals(a) || s.startsWith(a + "/");
    }

    private static String stripSlash(String scope) {
        return scope.endsWith("/") && scope.length() > 1 ? scope.substring(0, scope.length() - 1) : scope;
    }
}
