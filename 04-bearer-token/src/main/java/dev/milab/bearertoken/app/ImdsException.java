package dev.milab.bearertoken.app;

import java.io.IOException;

/** IMDS refused to give a token: its status and its JSON body ({@code error}, {@code error_description}). */
public final class ImdsException extends IOException {

    private final int status;
    private final String body;

    public ImdsException(int status, String body) {
        super("IMDS answered " + status + ": " + body);
        this.status = status;
        this.body = body;
    }

    public int status() {
        return status;
    }

    public String body() {
        return body;
    }
}
