package dev.milab.http;

/** A lab endpoint as a pure function from request to response; the transport lives in {@link LabHttpServer}. */
@FunctionalInterface
public interface LabHttpHandler {
    LabHttpResponse handle(LabHttpRequest request);
}
