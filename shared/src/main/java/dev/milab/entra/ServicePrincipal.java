package dev.milab.entra;

/**
 * A service principal in the lab's directory: the identity a token is issued to.
 *
 * @param objectId    the principal's object id: the {@code oid} and {@code sub} claims
 * @param appId       the application (client) id: the {@code appid} claim; for a managed identity its client id
 * @param displayName for a system-assigned identity the VM's name, for a user-assigned identity its resource name
 * @param kind        what sort of principal it is
 * @param resourceId  for a managed identity the Azure resource it belongs to (the {@code xms_mirid} claim); else null
 */
public record ServicePrincipal(String objectId, String appId, String displayName, Kind kind, String resourceId) {

    /** The sorts of service principal the lab knows. */
    public enum Kind {
        SYSTEM_ASSIGNED_MANAGED_IDENTITY,
        USER_ASSIGNED_MANAGED_IDENTITY,
        APPLICATION;

        public boolean isManagedIdentity() {
            return this != APPLICATION;
        }
    }
}
