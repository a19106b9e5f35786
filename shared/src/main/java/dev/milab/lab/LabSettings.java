package dev.milab.lab;

import java.time.Duration;
import java.util.Objects;

/**
 * The lab's settings that a demo may change while the lab runs. Defaults are Azure's.
 */
public final class LabSettings {

    private volatile Duration managedIdentityTokenLifetime = Duration.ofHours(24);
    private volatile Duration keyPrepublishPeriod = Duration.ZERO;
    private volatile Duration retiredKeyRetention = Duration.ofDays(14);
    private volatile Duration validationClockSkew = Duration.ofMinutes(5);
    private volatile boolean imdsThrottling = false;
    private volatile int imdsRequestsPerSecond = 20;
    private volatile int imdsConcurrentRequests = 5;
    private volatile Duration applicationTokenLifetime = Duration.ofHours(1);
    private volatile Duration roleAssignmentPropagationDelay = Duration.ZERO;
    private volatile Duration sqlIdleSessionTimeout = Duration.ofMinutes(30);
    private volatile Duration principalReplicationDelay = Duration.ZERO;

    /**
     * How long a new principal (a managed identity, an application's service principal) takes to replicate through
     * Entra ID: until then, a role assignment that does not state its {@code principalType} is refused with 400
     * {@code PrincipalNotFound}, as Azure may refuse it for seconds to minutes. Zero (the default) is no window.
     */
    public Duration principalReplicationDelay() {
        return principalReplicationDelay;
    }

    public LabSettings principalReplicationDelay(Duration delay) {
        this.principalReplicationDelay = nonNegative(delay);
        return this;
    }

    /**
     * Lifetime of tokens from the client-credentials grant (Entra ID issues them for 60 to 90 minutes; the lab
     * uses one hour).
     */
    public Duration applicationTokenLifetime() {
        return applicationTokenLifetime;
    }

    public LabSettings applicationTokenLifetime(Duration lifetime) {
        if (lifetime.isNegative() || lifetime.isZero()) {
            throw new IllegalArgumentException("A token lifetime must be positive");
        }
        this.applicationTokenLifetime = lifetime;
        return this;
    }

    /**
     * How long after it is created a role assignment starts to count. Azure documents that changes can take up to
     * 10 minutes to take effect; the lab's default is none, and a demo sets a few seconds to show the delay.
     */
    public Duration roleAssignmentPropagationDelay() {
        return roleAssignmentPropagationDelay;
    }

    public LabSettings roleAssignmentPropagationDelay(Duration delay) {
        this.roleAssignmentPropagationDelay = nonNegative(delay);
        return this;
    }

    /**
     * How long Azure SQL keeps a logged-in connection that sends nothing: Azure SQL's gateway closes idle connections
     * after 30 minutes. A demo shortens it so that a pool has to log in again between two uses; it applies to
     * connections that log in after the change.
     */
    public Duration sqlIdleSessionTimeout() {
        return sqlIdleSessionTimeout;
    }

    public LabSettings sqlIdleSessionTimeout(Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("An idle timeout must be positive");
        }
        this.sqlIdleSessionTimeout = timeout;
        return this;
    }

    /**
     * Lifetime of managed identity tokens. Azure issues them for about 24 hours (expires_in 86399) and they
     * cannot be revoked before that.
     */
    public Duration managedIdentityTokenLifetime() {
        return managedIdentityTokenLifetime;
    }

    public LabSettings managedIdentityTokenLifetime(Duration lifetime) {
        if (lifetime.isNegative() || lifetime.isZero()) {
            throw new IllegalArgumentException("A token lifetime must be positive");
        }
        this.managedIdentityTokenLifetime = lifetime;
        return this;
    }

    /** How long a new signing key is published in the JWKS before it signs (clients fetch keys ahead). */
    public Duration keyPrepublishPeriod() {
        return keyPrepublishPeriod;
    }

    public LabSettings keyPrepublishPeriod(Duration period) {
        this.keyPrepublishPeriod = nonNegative(period);
        return this;
    }

    /** How long a retired signing key stays published, so tokens it signed still validate. */
    public Duration retiredKeyRetention() {
        return retiredKeyRetention;
    }

    public LabSettings retiredKeyRetention(Duration retention) {
        this.retiredKeyRetention = nonNegative(retention);
        return this;
    }

    /**
     * Clock skew the lab's resources allow when checking {@code nbf} and {@code exp}: five minutes, the default of
     * Microsoft's token validation libraries. Set to zero to show expiry to the second.
     */
    public Duration validationClockSkew() {
        return validationClockSkew;
    }

    public LabSettings validationClockSkew(Duration skew) {
        this.validationClockSkew = nonNegative(skew);
        return this;
    }

    /**
     * Whether each VM's IMDS enforces Azure's managed identity limits (20 requests per second and 5 concurrent
     * requests per VM, answering 429 past them). Off by default so tests and benchmarks are not throttled.
     */
    public boolean imdsThrottling() {
        return imdsThrottling;
    }

    public LabSettings imdsThrottling(boolean enabled) {
        this.imdsThrottling = enabled;
        return this;
    }

    public int imdsRequestsPerSecond() {
        return imdsRequestsPerSecond;
    }

    public int imdsConcurrentRequests() {
        return imdsConcurrentRequests;
    }

    public LabSettings imdsLimits(int requestsPerSecond, int concurrentRequests) {
        if (requestsPerSecond < 1 || concurrentRequests < 1) {
            throw new IllegalArgumentException("IMDS limits must be at least 1");
        }
        this.imdsRequestsPerSecond = requestsPerSecond;
        this.imdsConcurrentRequests = concurrentRequests;
        return this;
    }

    private static Duration nonNegative(Duration d) {
        Objects.requireNonNull(d);
        if (d.isNegative()) {
            throw new IllegalArgumentException("Must not be negative: " + d);
        }
        return d;
    }
}
