package dev.milab.arm;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import dev.milab.http.LabHttpResponse;

/**
 * Resource Manager's long-running operations as the lab runs them: the work is done before the 202 is sent, so an
 * operation is terminal from the start, and a client that polls (Azure-AsyncOperation or Location) learns the outcome
 * at its first poll. A failure found while "provisioning" (a password Azure SQL refuses, a server name taken) is
 * reported there, as Azure reports it, and the resource is not created (Microsoft Learn, "Track asynchronous Azure
 * operations"). The last 1,024 operations are kept.
 */
final class AsyncOperations {

    /** What polling returns: the final body for a Location poll (null: none), or the error. */
    record Operation(String id, Instant startTime, Object result, ArmException error) {
        boolean succeeded() {
            return error == null;
        }
    }

    private static final int KEPT = 1024;
    private final Clock clock;
    private final Map<String, Operation> operations = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Operation> eldest) {
            return size() > KEPT;
        }
    };

    AsyncOperations(Clock clock) {
        this.clock = clock;
    }

    synchronized Operation succeeded(Object result) {
        return add(new Operation(UUID.randomUUID().toString(), clock.instant(), result, null));
    }

    synchronized Operation failed(ArmException error) {
        return add(new Operation(UUID.randomUUID().toString(), clock.instant(), null, error));
    }

    synchronized Optional<Operation> get(String id) {
        return Optional.ofNullable(operations.get(id.toLowerCase(java.util.Locale.ROOT)));
    }

    private Operation add(Operation operation) {
        operations.put(operation.id(), operation);
        return operation;
    }

    /**
     * The 202 of an asynchronous PUT or DELETE, with both polling headers as Azure SQL sends them; the body names
     * the operation ({@code UpsertLogicalServer}, ...). {@code Retry-After: 1}: the outcome is there already, but
     * azure-core for Java takes 0 as no header and waits its default 30 s before the first poll.
     *
     * @param operationBase {@code .../providers/Microsoft.Sql/locations/{location}/server}: the URLs append
     *                      {@code AzureAsyncOperation/{id}} and {@code OperationResults/{id}}
     */
    static LabHttpResponse accepted(Operation operation, String operationBase, String apiVersion, String operationName) {
        Map<String, String> headers = new LinkedHashMap<>();
        String query = "?api-version=" + apiVersion;
        headers.put("Azure-AsyncOperation", "https://management.azure.com" + operationBase + "AzureAsyncOperation/"
            + operation.id() + query);
        headers.put("Location", "https://management.azure.com" + operationBase + "OperationResults/" + operation.id()
            + query);
        headers.put("Retry-After", "1");
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("operation", operationName);
        body.put("startTime", operation.startTime().toString());
        return LabHttpResponse.json(202, dev.milab.http.Json.write(body), headers);
    }

    /** {@code GET ...AzureAsyncOperation/{id}}: the operation's status document. */
    static LabHttpResponse status(Operation operation) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", operation.id());
        body.put("status", operation.succeeded() ? "Succeeded" : "Failed");
        body.put("startTime", operation.startTime().toString());
        if (!operation.succeeded()) {
            body.put("error", Map.of("code", operation.error().code(), "message", operation.error().getMessage()));
        }
        return ArmCall.ok(body);
    }

    /** {@code GET ...OperationResults/{id}}: the resource after the operation, 204 when there is none, or the error. */
    static LabHttpResponse result(Operation operation) {
        if (!operation.succeeded()) {
            throw operation.error();
        }
        return operation.result() == null ? ArmCall.noContent() : ArmCall.ok(operation.result());
    }
}
