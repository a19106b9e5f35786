package dev.milab.entra;

import java.util.ArrayList;
import java.util.List;

/**
 * An application registration in the lab's single tenant ("App registrations" in the portal): the application
 * object, which is not its service principal. Entra ID keeps them apart: Microsoft Graph's {@code POST /applications}
 * ({@code az ad app create}) makes only the application, {@code POST /servicePrincipals} ({@code az ad sp create})
 * its service principal, and only a service principal can be issued tokens or be a token's resource. Immutable; the
 * directory replaces it when something changes.
 *
 * @param objectId         the application object's id (not the service principal's)
 * @param appId            the client id ({@code appid} claim, {@code AZURE_CLIENT_ID})
 * @param displayName      the application's name
 * @param identifierUris   its application ID URIs ({@code api://{appId}}): the resource names tokens may be asked for
 *                         once it has a service principal
 * @param servicePrincipal the principal tokens are issued to (its {@code objectId} is the {@code oid} that role
 *                         assignments name), or null while the tenant has none for this application
 * @param secrets          client secrets, newest last
 * @param certificates     certificate credentials (public parts only)
 * @param federatedCredentials federated identity credentials (workload identity federation)
 */
public record Application(String objectId, String appId, String displayName, List<String> identifierUris,
                          ServicePrincipal servicePrincipal, List<ClientSecret> secrets,
                          List<ClientCertificate> certificates, List<FederatedCredential> federatedCredentials) {

    public Application {
        identifierUris = List.copyOf(identifierUris);
        secrets = List.copyOf(secrets);
        certificates = List.copyOf(certificates);
        federatedCredentials = List.copyOf(federatedCredentials);
    }

    /** Whether the tenant has a service principal for this application (only then can it get tokens). */
    public boolean hasServicePrincipal() {
        return servicePrincipal != null;
    }

    public Application withDisplayName(String name) {
        return new Application(objectId, appId, name, identifierUris, servicePrincipal, secrets, certificates,
            federatedCredentials);
    }

    public Application withIdentifierUris(List<String> uris) {
        return new Application(objectId, appId, displayName, uris, servicePrincipal, secrets, certificates,
            federatedCredentials);
    }

    /** The certificate credentials replaced as a whole, as Graph's {@code PATCH} of {@code keyCredentials} does. */
    public Application withCertificates(List<ClientCertificate> list) {
        return new Application(objectId, appId, displayName, identifierUris, servicePrincipal, secrets, list,
            federatedCredentials);
    }

    Application withServicePrincipal(ServicePrincipal principal) {
        return new Application(objectId, appId, displayName, identifierUris, principal, secrets, certificates,
            federatedCredentials);
    }

    Application withSecret(ClientSecret secret) {
        List<ClientSecret> list = new ArrayList<>(secrets);
        list.add(secret);
        return new Application(objectId, appId, displayName, identifierUris, servicePrincipal, list, certificates,
            federatedCredentials);
    }

    Application withoutSecret(String keyId) {
        return new Application(objectId, appId, displayName, identifierUris, servicePrincipal, secrets.stream()
            .filter(s -> !s.keyId().equalsIgnoreCase(keyId)).toList(), certificates, federatedCredentials);
    }

    Application withCertificate(ClientCertificate certificate) {
        List<ClientCertificate> list = new ArrayList<>(certificates);
        list.add(certificate);
        return withCertificates(list);
    }

    Application withFederatedCredential(FederatedCredential credential) {
        List<FederatedCredential> list = new ArrayList<>(federatedCredentials.stream()
            .filter(f -> !f.name().equals(credential.name())).toList());
        list.add(credential);
        return new Application(objectId, appId, displayName, identifierUris, servicePrincipal, secrets, certificates,
            list);
    }
}
