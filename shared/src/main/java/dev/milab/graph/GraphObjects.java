package dev.milab.graph;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.milab.entra.Application;
import dev.milab.entra.ClientCertificate;
import dev.milab.entra.ClientSecret;
import dev.milab.entra.ServicePrincipal;
import dev.milab.entra.Tenant;

/**
 * The lab's directory objects in Microsoft Graph v1.0's JSON shape (Microsoft Learn, "servicePrincipal resource
 * type", "application resource type"): the properties clients read, with Graph's names and Graph's values for what
 * the lab does not model (empty lists, nulls).
 */
final class GraphObjects {

    static final String SERVICE_PRINCIPAL_TYPE = "#microsoft.graph.servicePrincipal";
    /** The tenant that owns the managed identities' application objects (Microsoft's services tenant). */
    static final String MANAGED_IDENTITY_OWNER_TENANT = "f8cdef31-a31e-4b4a-93e4-5f571e91255a";

    private GraphObjects() {
    }

    /**
     * A service principal. An application's lists its client id as service principal name; a managed identity's
     * its client id and an {@code https://identity.azure.net/} name, and {@code alternativeNames} names its
     * resource ({@code isExplicit=True} for a user-assigned identity, as Graph shows it).
     */
    static Map<String, Object> servicePrincipal(ServicePrincipal sp, Tenant tenant, boolean withType) {
        return servicePrincipal(sp, null, tenant, withType);
    }

    /** A service principal with its application's names ({@code app} null for a managed identity). */
    static Map<String, Object> servicePrincipal(ServicePrincipal sp, Application app, Tenant tenant, boolean withType) {
        boolean managed = sp.kind().isManagedIdentity();
        Map<String, Object> json = new LinkedHashMap<>();
        if (withType) {
            json.put("@odata.type", SERVICE_PRINCIPAL_TYPE);
        }
        json.put("id", sp.objectId());
        json.put("deletedDateTime", null);
        json.put("accountEnabled", true);
        json.put("alternativeNames", managed ? List.of("isExplicit="
            + (sp.kind() == ServicePrincipal.Kind.USER_ASSIGNED_MANAGED_IDENTITY ? "True" : "False"),
            sp.resourceId()) : List.of());
        json.put("appDisplayName", managed ? null : app != null ? app.displayName() : sp.displayName());
        json.put("appDescription", null);
        json.put("appId", sp.appId());
        json.put("applicationTemplateId", null);
        json.put("appOwnerOrganizationId", managed ? MANAGED_IDENTITY_OWNER_TENANT : tenant.id());
        json.put("appRoleAssignmentRequired", false);
        json.put("description", null);
        json.put("displayName", sp.displayName());
        json.put("homepage", null);
        json.put("loginUrl", null);
        json.put("logoutUrl", null);
        json.put("notes", null);
        json.put("notificationEmailAddresses", List.of());
        json.put("preferredSingleSignOnMode", null);
        json.put("replyUrls", List.of());
        json.put("servicePrincipalNames", servicePrincipalNames(sp, app));
        json.put("servicePrincipalType", managed ? "ManagedIdentity" : "Application");
        json.put("signInAudience", managed ? null : "AzureADMyOrg");
        json.put("tags", List.of());
        json.put("addIns", List.of());
        json.put("appRoles", List.of());
        json.put("keyCredentials", List.of());
        json.put("oauth2PermissionScopes", List.of());
        json.put("passwordCredentials", List.of());
        return json;
    }

    /** An application's principal is named by its client id and its application's identifier URIs. */
    static List<String> servicePrincipalNames(ServicePrincipal sp, Application app) {
        if (!sp.kind().isManagedIdentity()) {
            List<String> names = new ArrayList<>();
            names.add(sp.appId());
            if (app != null) {
                names.addAll(app.identifierUris());
            }
            return names;
        }
        return List.of(sp.appId(), "https://identity.azure.net/" + identityName(sp.resourceId()));
    }

    /** An opaque, stable name derived from the identity's resource (Graph's value is opaque too). */
    private static String identityName(String resourceId) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(String.valueOf(resourceId)
                .getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An application registration with its credentials' metadata (never a secret's value: Graph returns none). */
    static Map<String, Object> application(Application app, Tenant tenant) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", app.objectId());
        json.put("deletedDateTime", null);
        json.put("appId", app.appId());
        json.put("displayName", app.displayName());
        json.put("description", null);
        json.put("identifierUris", app.identifierUris());
        json.put("publisherDomain", tenant.domain());
        json.put("signInAudience", "AzureADMyOrg");
        json.put("tags", List.of());
        json.put("appRoles", List.of());
        json.put("requiredResourceAccess", List.of());
        List<Object> passwords = new ArrayList<>();
        for (ClientSecret s : app.secrets()) {
            passwords.add(passwordCredential(s, null));
        }
        json.put("passwordCredentials", passwords);
        List<Object> keys = new ArrayList<>();
        for (ClientCertificate c : app.certificates()) {
            Map<String, Object> k = new LinkedHashMap<>();
            k.put("customKeyIdentifier", c.thumbprint());
            k.put("displayName", c.displayName());
            k.put("endDateTime", c.endDateTime().toString());
            // Graph returns the key only to $select=keyCredentials on one object; otherwise null.
            k.put("key", null);
            k.put("keyId", c.keyId());
            k.put("startDateTime", c.startDateTime().toString());
            k.put("type", "AsymmetricX509Cert");
            k.put("usage", "Verify");
            keys.add(k);
        }
        json.put("keyCredentials", keys);
        return json;
    }

    /**
     * A password credential ("passwordCredential resource type"): its value ({@code secretText}) only in the answer
     * to {@code addPassword}, else null; {@code hint} is its first three characters.
     */
    static Map<String, Object> passwordCredential(ClientSecret secret, String secretText) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("customKeyIdentifier", null);
        p.put("displayName", secret.description());
        p.put("endDateTime", secret.endDateTime().toString());
        p.put("hint", secret.hint());
        p.put("keyId", secret.keyId());
        p.put("secretText", secretText);
        p.put("startDateTime", secret.startDateTime().toString());
        return p;
    }
}
