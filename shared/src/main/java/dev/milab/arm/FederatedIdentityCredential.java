package dev.milab.arm;

import java.util.List;

/**
 * A federated identity credential on a user-assigned identity
 * ({@code Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials}): tokens from
 * {@code issuer} with this {@code subject} and one of the {@code audiences} may be exchanged for the identity's
 * tokens (workload identity federation).
 */
public record FederatedIdentityCredential(String name, String issuer, String subject, List<String> audiences) {

    public FederatedIdentityCredential {
        audiences = List.copyOf(audiences);
    }
}
