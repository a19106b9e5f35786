package dev.milab.lab;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The lab's settings by name, for clients that are not Java: the standalone server's {@code --set name=value} and
 * its control endpoint ({@link LabControlEndpoint}) both change the lab through this class, with the same names,
 * values and checks as {@link LabSettings}.
 *
 * <p>Durations are ISO-8601 ({@code PT2S}) or a number with a unit ({@code 2s}, {@code 500ms}, {@code 10m},
 * {@code 1h}, {@code 14d}); {@code 0} is zero. Numbers and {@code true}/{@code false} are what they say.
 */
public final class LabControl {

    private static final Pattern SHORT_DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d)");

    private final Lab lab;
    private final Map<String, Setting> settings = new LinkedHashMap<>();

    public LabControl(Lab lab) {
        this.lab = lab;
        LabSettings s = lab.settings();
        duration("managedIdentityTokenLifetime", s::managedIdentityTokenLifetime, s::managedIdentityTokenLifetime,
            "lifetime of managed identity tokens (Azure: about 24 h)");
        duration("applicationTokenLifetime", s::applicationTokenLifetime, s::applicationTokenLifetime,
            "lifetime of client-credentials tokens (Entra ID: 60 to 90 min)");
        duration("validationClockSkew", s::validationClockSkew, s::validationClockSkew,
            "skew every resource allows on nbf and exp (Microsoft's libraries: 5 min)");
        duration("keyPrepublishPeriod", s::keyPrepublishPeriod, s::keyPrepublishPeriod,
            "how long a new signing key is published before it signs");
        duration("retiredKeyRetention", s::retiredKeyRetention, s::retiredKeyRetention,
            "how long a retired signing key stays published");
        duration("roleAssignmentPropagationDelay", s::roleAssignmentPropagationDelay,
            s::roleAssignmentPropagationDelay, "how long a new role assignment takes to count (Azure: up to 10 min)");
        duration("sqlIdleSessionTimeout", s::sqlIdleSessionTimeout, s::sqlIdleSessionTimeout,
            "Azure SQL closes a connection idle this long (Azure: 30 min)");
        settings.put("imdsThrottling", new Setting("IMDS answers 429 past its documented limits (20/s, 5 concurrent)",
            () -> String.valueOf(s.imdsThrottling()), v -> s.imdsThrottling(parseBoolean(v))));
        settings.put("imdsRequestsPerSecond", new Setting("IMDS requests per second per VM when throttling",
            () -> String.valueOf(s.imdsRequestsPerSecond()),
            v -> s.imdsLimits(parseInt(v), s.imdsConcurrentRequests())));
        settings.put("imdsConcurrentRequests", new Setting("IMDS concurrent requests per VM when throttling",
            () -> String.valueOf(s.imdsConcurrentRequests()),
            v -> s.imdsLimits(s.imdsRequestsPerSecond(), parseInt(v))));
    }

    /** A setting's current value and what it means. */
    public record SettingView(String name, String value, String meaning) {
    }

    /** Every setting, in a stable order. */
    public Map<String, SettingView> settings() {
        Map<String, SettingView> view = new LinkedHashMap<>();
        settings.forEach((name, s) -> view.put(name, new SettingView(name, s.get().get(), s.meaning())));
        return view;
    }

    /**
     * Changes one setting.
     *
     * @throws IllegalArgumentException for an unknown name or a value the setting refuses, with a message that says
     *                                  which and why
     */
    public void set(String name, String value) {
        Setting setting = settings.get(name);
        if (setting == null) {
            throw new IllegalArgumentException("Unknown setting '" + name + "'. Settings: "
                + String.join(", ", settings.keySet()) + ".");
        }
        try {
            setting.set().accept(value.trim());
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new IllegalArgumentException("Setting '" + name + "' cannot be '" + value + "': " + e.getMessage(),
                e);
        }
    }

    /** Applies {@code name=value}, as the standalone server's {@code --set} gives it. */
    public void set(String assignment) {
        int eq = assignment.indexOf('=');
        if (eq <= 0) {
            throw new IllegalArgumentException("--set needs name=value, not '" + assignment + "'");
        }
        set(assignment.substring(0, eq).trim(), assignment.substring(eq + 1));
    }

    /** Moves the lab's clock (every issuer and validator reads it). */
    public void advanceClock(String by) {
        lab.clock().advance(parseDuration(by));
    }

    public void resetClock() {
        lab.clock().reset();
    }

    /** Starts a rollover of Entra ID's signing keys. */
    public void rolloverSigningKeys() {
        lab.signingKeys().rollover();
    }

    /**
     * The device codes waiting for the learner (what {@code az login --use-device-code} printed), oldest first: user
     * code, client, scope and expiry. Never a device code: that is the client's to redeem.
     */
    public java.util.List<Map<String, String>> pendingDeviceCodes() {
        return lab.deviceCodes().pending().stream().map(p -> {
            Map<String, String> row = new LinkedHashMap<>();
            row.put("userCode", p.userCode());
            row.put("clientId", p.clientId());
            row.put("client", p.client());
            row.put("scope", p.scope());
            row.put("expiresOn", p.expiresOn().toString());
            return row;
        }).toList();
    }

    /**
     * Every VM with its resource group, identities and the address of its IMDS: where a VM's
     * {@code http://169.254.169.254} is in the lab, for a VM made by a script as for the default scenario's.
     */
    public java.util.List<Map<String, Object>> virtualMachines() {
        return lab.resources().virtualMachines().stream().map(vm -> {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("name", vm.name());
            row.put("resourceGroup", vm.resourceGroup());
            row.put("systemAssignedPrincipalId", vm.systemAssigned() == null ? null : vm.systemAssigned().objectId());
            row.put("userAssignedIdentities", vm.userAssigned().stream().map(u -> u.id()).toList());
            row.put("imds", lab.imdsAddress(vm.resourceGroup(), vm.name()).toString());
            return row;
        }).toList();
    }

    /** The learner signs in with the code {@code userCode}: Entra ID's "Are you trying to sign in to ...? Continue". */
    public dev.milab.entra.DeviceCodes.Decision approveDeviceCode(String userCode) {
        return lab.deviceCodes().approve(userCode, lab.learner());
    }

    /** The learner declines the sign-in for {@code userCode}. */
    public dev.milab.entra.DeviceCodes.Decision declineDeviceCode(String userCode) {
        return lab.deviceCodes().decline(userCode);
    }

    /** The learner, who approves device codes. */
    public dev.milab.entra.User learner() {
        return lab.learner();
    }

    /** The lab's time and how far it is from the real time. */
    public Map<String, String> clock() {
        Map<String, String> clock = new LinkedHashMap<>();
        clock.put("now", lab.clock().instant().toString());
        clock.put("offset", Duration.between(java.time.Instant.now(), lab.clock().instant())
            .withNanos(0).toString());
        return clock;
    }

    /** A duration as this class reads it; see the class comment. */
    static Duration parseDuration(String text) {
        String value = text.trim();
        if (value.equals("0")) {
            return Duration.ZERO;
        }
        boolean negative = value.startsWith("-");
        String unsigned = negative ? value.substring(1) : value;
        Matcher m = SHORT_DURATION.matcher(unsigned.toLowerCase(Locale.ROOT));
        Duration d;
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            d = switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        } else {
            try {
                d = Duration.parse(unsigned.toUpperCase(Locale.ROOT));
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("'" + text + "' is not a duration (use PT2S, 2s, 500ms, 10m, 1h "
                    + "or 14d)");
            }
        }
        return negative ? d.negated() : d;
    }

    private static boolean parseBoolean(String v) {
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("'" + v + "' is not true or false");
        };
    }

    private static int parseInt(String v) {
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + v + "' is not a whole number");
        }
    }

    private void duration(String name, Supplier<Duration> get, Function<Duration, LabSettings> set, String meaning) {
        settings.put(name, new Setting(meaning, () -> get.get().toString(), v -> set.apply(parseDuration(v))));
    }

    private record Setting(String meaning, Supplier<String> get, Consumer<String> set) {
    }
}
