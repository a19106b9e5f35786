package dev.milab.imds;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import dev.milab.entra.ResourceApplications;
import dev.milab.entra.ServicePrincipal;
import dev.milab.http.Json;
import dev.milab.http.LabHttpHandler;
import dev.milab.http.LabHttpRequest;
import dev.milab.http.LabHttpResponse;

/**
 * An Azure Arc-enabled server's Hybrid Instance Metadata Service (HIMDS, {@code http://localhost:40342} on a real
 * machine): the managed identity endpoint of an on-premises server. Only a process that can read a file the agent
 * writes may get a token (Microsoft Learn, "Authenticate against Azure resources with Azure Arc-enabled servers"):
 * the first request is answered 401 with {@code WWW-Authenticate: Basic realm=<path of a .key file>}; the retry
 * carries {@code Authorization: Basic <that file's content>}. System-assigned identity only.
 */
public final class ArcIdentityEndpoint implements LabHttpHandler {

    /** Where the Arc agent writes key files on Linux, the only place MSAL accepts them from. */
    public static final Path LINUX_KEY_DIRECTORY = Path.of("/var/opt/azcmagent/tokens");
    public static final List<String> API_VERSIONS = List.of("2019-11-01", "2020-06-01");
    /** How long a challenge's key file stays valid. */
    private static final Duration KEY_LIFETIME = Duration.ofMinutes(1);
    /**
     * Challenges (and key files) outstanding at once: a client that asks and never answers costs a file for a
     * minute, so a flood is bounded; past this, the oldest challenge is withdrawn, its file deleted.
     */
    static final int MAX_OUTSTANDING_CHALLENGES = 1024;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String machineName;
    private final Supplier<Optional<ServicePrincipal>> identity;
    private final ManagedIdentityTokenCache tokens;
    private final ResourceApplications resources;
    private final Path keyDirectory;
    private final Clock clock;
    private final Map<String, Challenge> outstanding = new ConcurrentHashMap<>();

    private record Challenge(Path file, Instant expires) {
    }

    public ArcIdentityEndpoint(String machineName, Supplier<Optional<ServicePrincipal>> identity,
                               ManagedIdentityTokenCache tokens, ResourceApplications resources, Path keyDirectory,
                               Clock clock) {
        this.machineName = machineName;
        this.identity = identity;
        this.tokens = tokens;
        this.resources = resources;
        this.keyDirectory = keyDirectory;
        this.clock = clock;
    }

    /**
     * Whether this endpoint can write its key files, and if not why: MSAL reads them only from
     * {@code /var/opt/azcmagent/tokens/}, which needs root (or a prepared directory) on Linux.
     */
    public static Optional<String> keyDirectoryProblem(Path directory) {
        try {
            Files.createDirectories(directory);
            Path probe = Files.createTempFile(directory, "probe", ".tmp");
            Files.delete(probe);
            return Optional.empty();
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return Optional.of("the Arc key-file directory " + directory + " is not writable by this user ("
                + e.getClass().getSimpleName() + ": " + e.getMessage() + "); MSAL only reads Arc key files from "
                + LINUX_KEY_DIRECTORY + "/, so run as root or create that directory writable for this user");
        }
    }

    public String machineName() {
        return machineName;
    }

    @Override
    public LabHttpResponse handle(LabHttpRequest request) {
        if (!request.normalizedPath().equals(InstanceMetadataService.TOKEN_PATH)) {
            return InstanceMetadataService.error(404, "not_found", "The requested path was not found.");
        }
        if (!"GET".equals(request.method())) {
            return InstanceMetadataService.error(405, "method_not_allowed", "Only GET is allowed.");
        }
        if (!request.header("Metadata").map("true"::equalsIgnoreCase).orElse(false)) {
            return InstanceMetadataService.error(400, "invalid_request", "Required metadata header not specified");
        }
        Map<String, List<String>> query;
        try {
            query = request.queryParameters();
        } catch (IllegalArgumentException e) {
            return InstanceMetadataService.error(400, "invalid_request", "The query string is not valid URL encoding.");
        }
        String apiVersion = single(query, "api-version");
        if (apiVersion == null || !API_VERSIONS.contains(apiVersion)) {
            return InstanceMetadataService.error(400, "invalid_request", "Invalid api-version '" + apiVersion
                + "'; HIMDS supports " + String.join(", ", API_VERSIONS) + ".");
        }
        String resource = single(query, "resource");
        if (resource == null || resource.isEmpty()) {
            return InstanceMetadataService.error(400, "invalid_request", "Required query variable 'resource' is missing");
        }
        if (single(query, "client_id") != null || single(query, "object_id") != null
            || single(query, "msi_res_id") != null || single(query, "mi_res_id") != null) {
            return InstanceMetadataService.error(400, "invalid_request",
                "Azure Arc-enabled servers have a system-assigned identity only.");
        }
        Optional<String> authorization = request.header("Authorization");
        if (authorization.isEmpty()) {
            return challenge();
        }
        if (!authorization.get().regionMatches(true, 0, "Basic ", 0, 6)
            || !redeem(authorization.get().substring(6).trim())) {
            return InstanceMetadataService.error(401, "invalid_request", "The key in the Authorization header is not "
                + "the content of a key file this agent wrote, or it has expired. Request a new challenge.");
        }
        Optional<ServicePrincipal> principal = identity.get();
        if (principal.isEmpty()) {
            return InstanceMetadataService.error(400, "invalid_request", "Identity not found");
        }
        Optional<String> known = resources.resolve(resource);
        if (known.isEmpty()) {
            return InstanceMetadataService.error(400, "invalid_resource", "AADSTS500011: The resource principal named "
                + resource + " was not found in the tenant.");
        }
        return LabHttpResponse.json(200, Json.write(tokens.responseBody(tokens.tokenFor(principal.get(),
            known.get()))));
    }

    /** Writes a fresh key file (readable by its owner only) and answers 401 naming it. */
    private LabHttpResponse challenge() {
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        String key = HexFormat.of().formatHex(secret);
        Path file = keyDirectory.resolve(UUID.randomUUID() + ".key");
        try {
            Files.createDirectories(keyDirectory);
            Files.writeString(file, key, StandardCharsets.UTF_8);
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: the directory's protection is all there is
            }
        } catch (IOException e) {
            return InstanceMetadataService.error(500, "server_error", "The agent cannot write its key file: "
                + keyDirectoryProblem(keyDirectory).orElse(e.getMessage()));
        }
        expireOldChallenges();
        while (outstanding.size() >= MAX_OUTSTANDING_CHALLENGES) {
            outstanding.entrySet().stream().min(java.util.Comparator.comparing(e -> e.getValue().expires()))
                .ifPresent(oldest -> {
                    if (outstanding.remove(oldest.getKey(), oldest.getValue())) {
                        deleteQuietly(oldest.getValue().file());
                    }
                });
        }
        outstanding.put(key, new Challenge(file, clock.instant().plus(KEY_LIFETIME)));
        return new LabHttpResponse(401, Map.of("WWW-Authenticate", "Basic realm=" + file,
            "Content-Type", "application/json; charset=utf-8"),
            Json.write(Map.of("error", "unauthorized", "error_description", "Read the key file named in the "
                + "WWW-Authenticate header and retry with Authorization: Basic <its content>.")).getBytes(
                StandardCharsets.UTF_8));
    }

    /** A key is good once, and only until it expires; its file goes away with it. */
    private boolean redeem(String key) {
        Challenge c = outstanding.remove(key);
        if (c == null) {
            return false;
        }
        deleteQuietly(c.file());
        return clock.instant().isBefore(c.expires());
    }

    private void expireOldChallenges() {
        Instant now = clock.instant();
        outstanding.entrySet().removeIf(e -> {
            if (!now.isBefore(e.getValue().expires())) {
                deleteQuietly(e.getValue().file());
                return true;
            }
            return false;
        });
    }

    /** Removes every key file this endpoint still has on disk. */
    public void close() {
        outstanding.values().forEach(c -> deleteQuietly(c.file()));
        outstanding.clear();
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // a key file left behind is useless once its key is forgotten
        }
    }

    private static String single(Map<String, List<String>> query, String name) {
        List<String> values = query.get(name);
        return values == null ? null : values.get(0);
    }
}
