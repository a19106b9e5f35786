package dev.milab.entra;

import java.util.List;

/**
 * A federated identity credential, on an application or a user-assigned managed identity: tokens from
 * {@code issuer} about {@code subject}, for one of {@code audiences}, may be exchanged for this client's tokens
 * (Microsoft Learn, "Workload identity federation"). Matching is exact and case-sensitive.
 */
public record FederatedCredential(String name, String issuer, String subject, List<String> audiences) {

    /** The audience Entra ID expects in an external token by default. */
    public static final String TOKEN_EXCHANGE_AUDIENCE = "api://AzureADTokenExchange";

    public FederatedCredential {
        audiences = List.copyOf(audiences);
    }

    public boolean matches(String tokenIssuer, String tokenSubject, String tokenAudience) {
        return issuer.equals(tokenIssuer) && subject.equals(tokenSubject) && audiences.contains(tokenAudience);
    }
}
