package dev.milab.entra;

/**
 * An Entra ID tenant.
 *
 * @param id     the tenant id (a GUID), the {@code tid} claim
 * @param domain the tenant's initial domain, for example {@code milab.onmicrosoft.com}
 */
public record Tenant(String id, String domain) {

    /** Issuer of v1.0 tokens (managed identity tokens are v1.0): {@code https://sts.windows.net/{tid}/}. */
    public String v1Issuer() {
        return "https://sts.windows.net/" + id + "/";
    }

    /** Issuer of v2.0 tokens: {@code https://login.microsoftonline.com/{tid}/v2.0}. */
    public String v2Issuer() {
        return "https://login.microsoftonline.com/" + id + "/v2.0";
    }

    /** Whether a path segment names this tenant (its id or domain) or a multi-tenant alias. */
    public boolean isNamedBy(String segment) {
        return id.equalsIgnoreCase(segment) || domain.equalsIgnoreCase(segment)
            || "common".equalsIgnoreCase(segment) || "organizations".equalsIgnoreCase(segment);
    }
}
