package dev.milab.graph;

/** A request Microsoft Graph refuses: its status, Graph's error code and message. */
final class GraphException extends RuntimeException {

    private final int status;
    private final String code;

    GraphException(int status, String code, String message) {
        super(message);
        this.status = status;
        this.code = code;
    }

    int status() {
        return status;
    }

    String code() {
        return code;
    }

    /** 403 for a token without one of the application permissions an operation needs. */
    static GraphException insufficientPrivileges() {
        return new GraphException(403, "Authorization_RequestDenied",
            "Insufficient privileges to complete the operation.");
    }

    /** 404 for an object id nobody has (Graph's words for a missing directory object). */
    static GraphException notFound(String id) {
        return new GraphException(404, "Request_ResourceNotFound", "Resource '" + id + "' does not exist or one of "
            + "its queried reference-property objects are not present.");
    }
}
