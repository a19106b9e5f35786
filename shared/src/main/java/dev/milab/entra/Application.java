package dev.milab.entra;

import java.util.List;

/**
 * An application registration and its service principal in the lab's single tenant ("App registrations" in the
 * portal). Immutable; the directory replaces it when a credential is added or removed.
 *
 * @param objectId         the application object's id (not the service principal's)
 * @param servicePrincipal the principal tokens are issued to: its {@code appId} is the client id, its
 *                         {@code objectId} is the {@code oid} that role assignments name
 * @param secrets          client secrets, newest last
 * @param certificates     certificate credentials (public parts only)
 * @param federatedCredentials federated identity credentials (workload identity federation)
 */
public record Application(String objectId, ServicePrincipal servicePrincipal, List<ClientSecret> secrets,
                          List<ClientCertificate> certificates, List<FederatedCredential> federatedCredentials) {

    public Application {
        secrets = List.copyOf(secrets);
        certificates = List.copyOf(certificates);
        federatedCredentials = List.copyOf(federatedCredentials);
    }

    /** The client id ({@code appid} claim, {@code AZURE_CLIENT_ID}). */
    public String appId() {
        return servicePrincipal.appId();
    }

    public String displayName() {
        return servicePrincipal.displayName();
    }

    Application withSecret(ClientSecret secret) {
        List<ClientSecret> list = new java.util.ArrayList<>(secrets);
        list.add(secret);
        return new Application(objectId, servicePrincipal, list, certificates, federatedCredentials);
    }

    Application withCertificate(ClientCertificate certificate) {
        List<ClientCertificate> list = new java.util.ArrayList<>(certificates);
        list.add(certificate);
        return new Application(objectId, servicePrincipal, secrets, list, federatedCredentials);
    }

    Application withFederatedCredential(FederatedCredential credential) {
        List<FederatedCredential> list = new java.util.ArrayList<>(federatedCredentials.stream()
            .filter(f -> !f.name().equals(credential.name())).toList());
        list.add(credential);
        return new Application(objectId, servicePrincipal, secrets, certificates, list);
    }
}
