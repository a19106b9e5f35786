package dev.milab.lab;

/**
 * The lab's admin principal, as a client needs it for {@code ClientSecretCredential}.
 *
 * @param objectId the service principal's object id, which role assignments name
 */
public record AdminPrincipal(String tenantId, String clientId, String clientSecret, String objectId) {

    @Override
    public String toString() {
        return "AdminPrincipal[tenantId=" + tenantId + ", clientId=" + clientId + ", objectId=" + objectId + "]";
    }
}
