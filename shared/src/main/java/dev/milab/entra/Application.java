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
 */
public record Application(String objectId, ServicePrincipal servicePrincipal, List<ClientSecret> secrets) {

    public Application {
        secrets = List.copyOf(secrets);
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
        return new Application(objectId, servicePrincipal, list);
    }
}
