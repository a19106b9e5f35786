package dev.milab.routing;

import com.azure.core.http.HttpClient;
import com.azure.core.http.HttpClientProvider;
import com.azure.core.util.HttpClientOptions;

/**
 * The lab's azure-core {@link HttpClientProvider}, registered in {@code META-INF/services}. Choose it with the
 * standard setting {@code AZURE_HTTP_CLIENT_IMPLEMENTATION=dev.milab.routing.LabHttpClientProvider}; the app code
 * does not change.
 */
public final class LabHttpClientProvider implements HttpClientProvider {

    @Override
    public HttpClient createInstance() {
        return new LabHttpClient(null);
    }

    @Override
    public HttpClient createInstance(HttpClientOptions clientOptions) {
        return new LabHttpClient(clientOptions);
    }
}
