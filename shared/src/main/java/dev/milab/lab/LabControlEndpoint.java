package dev.milab.lab;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.milab.entra.DeviceCodes;
import dev.milab.http.Json;
import dev.milab.http.LabHttpHandler;
import dev.milab.http.LabHttpRequest;
import dev.milab.http.LabHttpResponse;

/**
 * The standalone lab's control endpoint, on loopback and plain HTTP: what a Java demo does with
 * {@code lab.settings()} and {@code lab.clock()}, for a test in any language (shorten token lifetimes, move the clock
 * to see a token expire, roll Entra ID's signing keys). It is the lab's own door, not an Azure API.
 *
 * <pre>
 * GET   /lab/settings                 every setting, its value and what it means
 * PATCH /lab/settings                 {"managedIdentityTokenLifetime": "2s", ...}: all or none
 * GET   /lab/clock                    the lab's time and its offset from the real time
 * POST  /lab/clock/advance?by=1h      moves the lab's time (ISO-8601 or 2s, 500ms, 10m, 1h, 14d)
 * POST  /lab/clock/reset              back to the real time
 * POST  /lab/signing-keys/rollover    starts a rollover of Entra ID's signing keys
 * GET   /lab/device-codes             device codes waiting for the learner (user code, client, scope, expiry)
 * POST  /lab/device-codes/{code}/approve   the learner signs in with that code (where Azure's person would
 *                                          enter it at https://microsoft.com/devicelogin); /decline declines
 * </pre>
 *
 * <p>A request with an {@code Origin} header is refused (403): browsers send one with every cross-site write, so a
 * web page cannot change the lab on a learner's behalf.
 */
public final class LabControlEndpoint implements LabHttpHandler {

    private final LabControl control;

    public LabControlEndpoint(LabControl control) {
        this.control = control;
    }

    @Override
    public LabHttpResponse handle(LabHttpRequest request) {
        if (request.hasHeader("origin")) {
            return error(403, "OriginNotAllowed", "The lab's control endpoint does not serve web pages: requests "
                + "with an Origin header are refused.");
        }
        String path = request.normalizedPath();
        String method = request.method();
        try {
            return switch (path) {
                case "/lab", "/lab/" -> only(method, "GET", () -> ok(Map.of("routes", List.of(
                    "GET /lab/settings", "PATCH /lab/settings", "GET /lab/clock", "POST /lab/clock/advance?by=1h",
                    "POST /lab/clock/reset", "POST /lab/signing-keys/rollover", "GET /lab/device-codes",
                    "POST /lab/device-codes/{userCode}/approve", "POST /lab/device-codes/{userCode}/decline",
                    "GET /lab/virtual-machines"))));
                case "/lab/settings" -> switch (method) {
                    case "GET" -> settings();
                    case "PATCH" -> patchSettings(request);
                    default -> methodNotAllowed(method, "GET, PATCH");
                };
                case "/lab/clock" -> only(method, "GET", () -> ok(control.clock()));
                case "/lab/clock/advance" -> only(method, "POST", () -> {
                    List<String> by = request.queryParameters().getOrDefault("by", List.of());
                    if (by.size() != 1) {
                        return error(400, "MissingParameter", "Give the duration once: /lab/clock/advance?by=1h");
                    }
                    control.advanceClock(by.get(0));
                    return ok(control.clock());
                });
                case "/lab/clock/reset" -> only(method, "POST", () -> {
                    control.resetClock();
                    return ok(control.clock());
                });
                case "/lab/signing-keys/rollover" -> only(method, "POST", () -> {
                    control.rolloverSigningKeys();
                    return ok(Map.of("rollover", "started"));
                });
                case "/lab/device-codes" -> only(method, "GET", () -> ok(Map.of("deviceCodes",
                    control.pendingDeviceCodes())));
                case "/lab/virtual-machines" -> only(method, "GET", () -> ok(Map.of("virtualMachines",
                    control.virtualMachines())));
                default -> path.startsWith("/lab/device-codes/") ? deviceCode(method, path)
                    : error(404, "NotFound", "No lab control route " + path + "; GET /lab lists them.");
            };
        } catch (IllegalArgumentException e) {
            return error(400, "InvalidValue", e.getMessage());
        }
    }

    /** {@code POST /lab/device-codes/{userCode}/approve} or {@code /decline}. */
    private LabHttpResponse deviceCode(String method, String path) {
        String[] parts = path.substring("/lab/device-codes/".length()).split("/", -1);
        if (parts.length != 2 || !(parts[1].equals("approve") || parts[1].equals("decline"))) {
            return error(404, "NotFound", "No lab control route " + path + "; use POST /lab/device-codes/{userCode}"
                + "/approve or /decline.");
        }
        return only(method, "POST", () -> {
            String code = parts[0];
            boolean approve = parts[1].equals("approve");
            DeviceCodes.Decision decision = approve ? control.approveDeviceCode(code) : control.declineDeviceCode(code);
            return switch (decision) {
                case APPROVED -> ok(Map.of("userCode", code, "decision", "approved", "user",
                    control.learner().userPrincipalName()));
                case DECLINED -> ok(Map.of("userCode", code, "decision", "declined"));
                case ALREADY_DECIDED -> error(409, "AlreadyDecided", "The code " + code + " was approved or declined "
                    + "already.");
                case EXPIRED -> error(410, "ExpiredCode", "The code " + code + " expired: codes are good for 15 "
                    + "minutes. Sign in again to get a new one.");
                default -> error(404, "UnknownCode", "No device code " + code + " is waiting; GET /lab/device-codes "
                    + "lists those that are.");
            };
        });
    }

    private LabHttpResponse settings() {
        List<Map<String, String>> list = new ArrayList<>();
        control.settings().values().forEach(s -> {
            Map<String, String> row = new LinkedHashMap<>();
            row.put("name", s.name());
            row.put("value", s.value());
            row.put("meaning", s.meaning());
            list.add(row);
        });
        return ok(Map.of("settings", list));
    }

    /** Applies every change or none: on a refused value, the ones already applied are put back. */
    private LabHttpResponse patchSettings(LabHttpRequest request) {
        Map<String, Object> changes;
        try {
            changes = Json.readMap(request.body());
        } catch (IOException | RuntimeException e) {
            return error(400, "InvalidJson", "The body must be a JSON object of setting names to values, for "
                + "example {\"managedIdentityTokenLifetime\": \"2s\"}.");
        }
        if (changes == null || changes.isEmpty()) {
            return error(400, "InvalidJson", "The body names no setting.");
        }
        Map<String, LabControl.SettingView> before = control.settings();
        List<String> applied = new ArrayList<>();
        try {
            for (Map.Entry<String, Object> change : changes.entrySet()) {
                if (!(change.getValue() instanceof String || change.getValue() instanceof Number
                    || change.getValue() instanceof Boolean)) {
                    throw new IllegalArgumentException("Setting '" + change.getKey() + "' needs a string, number or "
                        + "boolean value.");
                }
                control.set(change.getKey(), String.valueOf(change.getValue()));
                applied.add(change.getKey());
            }
        } catch (IllegalArgumentException e) {
            for (String name : applied) {
                control.set(name, before.get(name).value());
            }
            throw e;
        }
        return settings();
    }

    private static LabHttpResponse only(String method, String allowed, java.util.function.Supplier<LabHttpResponse> ok) {
        return method.equals(allowed) ? ok.get() : methodNotAllowed(method, allowed);
    }

    private static LabHttpResponse methodNotAllowed(String method, String allowed) {
        return LabHttpResponse.json(405, errorJson("MethodNotAllowed", method + " is not allowed here; use "
            + allowed + "."), Map.of("Allow", allowed));
    }

    private static LabHttpResponse ok(Object body) {
        return LabHttpResponse.json(200, Json.write(body));
    }

    private static LabHttpResponse error(int status, String code, String message) {
        return LabHttpResponse.json(status, errorJson(code, message));
    }

    private static String errorJson(String code, String message) {
        return Json.write(Map.of("error", Map.of("code", code, "message", message)));
    }
}
