package dev.milab.routing;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

import com.azure.core.http.HttpClient;
import com.azure.core.http.HttpHeader;
import com.azure.core.http.HttpHeaders;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.core.util.BinaryData;
import com.azure.core.util.Context;
import com.azure.core.util.HttpClientOptions;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * An azure-core {@link HttpClient} that speaks HTTP/1.1 itself and only ever connects to loopback.
 *
 * <ul>
 *   <li>A request for a host in the route table (Azure's public names, IMDS's {@code 169.254.169.254}) goes to the
 *       lab endpoint the table names, with the original {@code Host} header and TLS server name, and is trusted
 *       only if the lab CA signed a certificate for that name: the SDK's own checks see Azure's URLs.</li>
 *   <li>A request for a loopback address goes there directly (HTTPS trusting only the lab CA).</li>
 *   <li>Anything else is refused with {@link LabRoutingException}: the client fails closed.</li>
 * </ul>
 */
final class LabHttpClient implements HttpClient {

    private static final int MAX_RESPONSE_BYTES = 64 * 1024 * 1024;
    /**
     * The lab machine this process stands for (a VM, a laptop), sent to the lab in {@value #MACHINE_HEADER} so that
     * its trace can say who asked; read once from {@code MILAB_MACHINE}. Lab-only: Azure never sees this header.
     */
    static final String MACHINE_HEADER = "x-milab-machine";
    private static final String MACHINE = machineName();
    private static final Map<String, ConcurrentLinkedDeque<Connection>> POOL = new ConcurrentHashMap<>();
    /** Kept-alive connections kept per destination; more are closed after their answer (the pool stays bounded). */
    static final int MAX_IDLE_PER_DESTINATION = 32;

    private final Duration readTimeout;
    private final Duration connectTimeout;

    LabHttpClient(HttpClientOptions options) {
        Duration read = options == null ? null : options.getReadTimeout();
        Duration connect = options == null ? null : options.getConnectTimeout();
        this.readTimeout = read == null || read.isZero() || read.isNegative() ? Duration.ofSeconds(60) : read;
        this.connectTimeout = connect == null || connect.isZero() || connect.isNegative()
            ? Duration.ofSeconds(10) : connect;
    }

    @Override
    public Mono<HttpResponse> send(HttpRequest request) {
        return Mono.fromCallable(() -> exchange(request));
    }

    @Override
    public Mono<HttpResponse> send(HttpRequest request, Context context) {
        return send(request);
    }

    @Override
    public HttpResponse sendSync(HttpRequest request, Context context) {
        try {
            return exchange(request);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Where one request goes: the socket address, and the name TLS must verify (null for plain HTTP). */
    record Destination(String host, int port, String tlsName, SSLContext tls) {
        String poolKey() {
            return host + ":" + port + "|" + tlsName;
        }
    }

    static Destination resolve(URL url) {
        String scheme = url.getProtocol().toLowerCase(Locale.ROOT);
        boolean https = scheme.equals("https");
        if (!https && !scheme.equals("http")) {
            throw new LabRoutingException("The lab routes only http and https, not " + scheme);
        }
        String host = url.getHost();
        int port = url.getPort() < 0 ? url.getDefaultPort() : url.getPort();
        RouteTable table = LabRouting.current().orElse(null);
        if (table != null) {
            var route = table.find(host, port);
            if (route.isPresent()) {
                return new Destination(route.get().targetHost(), route.get().targetPort(), https ? host : null,
                    https ? requireTls(table, host) : null);
            }
        }
        if (Loopback.isLoopbackLiteral(host)) {
            return new Destination(host, port, https ? host : null, https ? requireTls(table, host) : null);
        }
        throw new LabRoutingException("Refused to connect to " + host + ":" + port + ": the lab's HTTP client only "
            + "talks to loopback and to Azure hosts routed to a running lab"
            + (table == null ? " (no lab in this JVM and " + RouteTable.ROUTES_SETTING + " is not set)"
                : " (routed hosts: " + table.routesSetting() + ")")
            + ". Nothing leaves this machine.");
    }

    private static SSLContext requireTls(RouteTable table, String host) {
        if (table == null || table.tls() == null) {
            throw new LabRoutingException("No lab CA to trust for https://" + host + " (set "
                + RouteTable.CA_FILE_SETTING + ")");
        }
        return table.tls();
    }

    private HttpResponse exchange(HttpRequest request) throws IOException {
        URL url = request.getUrl();
        Destination destination = resolve(url);
        byte[] body = requestBody(request);
        byte[] head = requestHead(request, url, body.length);
        ConcurrentLinkedDeque<Connection> idle = POOL.computeIfAbsent(destination.poolKey(),
            k -> new ConcurrentLinkedDeque<>());
        Connection pooled = idle.pollFirst();
        if (pooled != null) {
            try {
                return roundTrip(pooled, head, body, request, idle);
            } catch (IOException stale) {
                pooled.close();
                // A kept-alive connection the server had closed: try once more on a new one.
            }
        }
        Connection fresh = open(destination);
        try {
            return roundTrip(fresh, head, body, request, idle);
        } catch (IOException | RuntimeException e) {
            fresh.close();
            throw e;
        }
    }

    private HttpResponse roundTrip(Connection c, byte[] head, byte[] body, HttpRequest request,
                                   ConcurrentLinkedDeque<Connection> idle) throws IOException {
        c.out.write(head);
        c.out.write(body);
        c.out.flush();
        ParsedResponse parsed = readResponse(c.in, request.getHttpMethod().name());
        if (parsed.keepAlive && idle.size() < MAX_IDLE_PER_DESTINATION) {
            idle.offerFirst(c);
        } else {
            c.close();
        }
        return new BufferedResponse(request, parsed.status, parsed.headers, parsed.body);
    }

    private Connection open(Destination d) throws IOException {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(d.host(), d.port()), (int) connectTimeout.toMillis());
            socket.setSoTimeout((int) readTimeout.toMillis());
            if (d.tlsName() != null) {
                SSLSocket ssl = (SSLSocket) d.tls().getSocketFactory().createSocket(socket, d.tlsName(), d.port(),
                    true);
                SSLParameters params = ssl.getSSLParameters();
                params.setEndpointIdentificationAlgorithm("HTTPS");
                if (!d.tlsName().chars().allMatch(ch -> Character.isDigit(ch) || ch == '.')) {
                    params.setServerNames(List.of(new SNIHostName(d.tlsName())));
                }
                params.setApplicationProtocols(new String[] {"http/1.1"});
                ssl.setSSLParameters(params);
                ssl.startHandshake();
                socket = ssl;
            }
            return new Connection(socket);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    private static byte[] requestBody(HttpRequest request) {
        BinaryData data = request.getBodyAsBinaryData();
        return data == null ? new byte[0] : data.toBytes();
    }

    private static byte[] requestHead(HttpRequest request, URL url, int contentLength) {
        StringBuilder sb = new StringBuilder(512);
        String target = url.getFile().isEmpty() ? "/" : url.getFile();
        sb.append(request.getHttpMethod().name()).append(' ').append(target).append(" HTTP/1.1\r\n");
        int defaultPort = url.getDefaultPort();
        sb.append("Host: ").append(url.getHost());
        if (url.getPort() >= 0 && url.getPort() != defaultPort) {
            sb.append(':').append(url.getPort());
        }
        sb.append("\r\n");
        if (MACHINE != null) {
            sb.append(MACHINE_HEADER).append(": ").append(MACHINE).append("\r\n");
        }
        HttpHeaders headers = request.getHeaders();
        for (HttpHeader header : headers) {
            String name = header.getName();
            String lower = name.toLowerCase(Locale.ROOT);
            if (lower.equals("host") || lower.equals("content-length") || lower.equals("connection")
                || lower.equals("transfer-encoding")) {
                continue;
            }
            for (String value : header.getValuesList()) {
                if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
                    throw new IllegalArgumentException("Header " + name + " contains a line break");
                }
                sb.append(name).append(": ").append(value).append("\r\n");
            }
        }
        String method = request.getHttpMethod().name();
        if (contentLength > 0 || method.equals("POST") || method.equals("PUT") || method.equals("PATCH")) {
            sb.append("Content-Length: ").append(contentLength).append("\r\n");
        }
        sb.append("\r\n");
        return sb.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    private record ParsedResponse(int status, HttpHeaders headers, byte[] body, boolean keepAlive) {
    }

    private static ParsedResponse readResponse(InputStream in, String method) throws IOException {
        String statusLine = readLine(in);
        if (statusLine == null) {
            throw new EOFException("The server closed the connection before answering");
        }
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
            throw new IOException("Not an HTTP/1.x status line: " + statusLine);
        }
        int status = Integer.parseInt(parts[1]);
        HttpHeaders headers = new HttpHeaders();
        String line;
        int count = 0;
        while ((line = readLine(in)) != null && !line.isEmpty()) {
            if (++count > 200) {
                throw new IOException("Too many response headers");
            }
            int colon = line.indexOf(':');
            if (colon > 0) {
                headers.add(line.substring(0, colon).trim(), line.substring(colon + 1).trim());
            }
        }
        boolean keepAlive = parts[0].equals("HTTP/1.1")
            && !"close".equalsIgnoreCase(headers.getValue("Connection"));
        byte[] body;
        String te = headers.getValue("Transfer-Encoding");
        String cl = headers.getValue("Content-Length");
        if (method.equals("HEAD") || status == 204 || status == 304 || (status >= 100 && status < 200)) {
            body = new byte[0];
        } else if (te != null && te.toLowerCase(Locale.ROOT).contains("chunked")) {
            body = readChunked(in);
        } else if (cl != null) {
            long length = Long.parseLong(cl.trim());
            if (length > MAX_RESPONSE_BYTES) {
                throw new IOException("Response body too large: " + length);
            }
            body = in.readNBytes((int) length);
            if (body.length != length) {
                throw new EOFException("The response body ended early");
            }
        } else {
            body = in.readNBytes(MAX_RESPONSE_BYTES);
            keepAlive = false;
        }
        return new ParsedResponse(status, headers, body, keepAlive);
    }

    private static byte[] readChunked(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = readLine(in);
            if (sizeLine == null) {
                throw new EOFException("Chunked body ended early");
            }
            int semi = sizeLine.indexOf(';');
            int size = Integer.parseInt((semi < 0 ? sizeLine : sizeLine.substring(0, semi)).trim(), 16);
            if (size == 0) {
                String trailer;
                while ((trailer = readLine(in)) != null && !trailer.isEmpty()) {
                    // trailers are not used by the lab
                }
                return out.toByteArray();
            }
            if (out.size() + size > MAX_RESPONSE_BYTES) {
                throw new IOException("Response body too large");
            }
            byte[] chunk = in.readNBytes(size);
            if (chunk.length != size) {
                throw new EOFException("Chunk ended early");
            }
            out.write(chunk);
            readLine(in);
        }
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                int len = sb.length();
                return len > 0 && sb.charAt(len - 1) == '\r' ? sb.substring(0, len - 1) : sb.toString();
            }
            if (sb.length() > 64 * 1024) {
                throw new IOException("Response line too long");
            }
            sb.append((char) b);
        }
        return sb.length() == 0 ? null : sb.toString();
    }

    private static String machineName() {
        String name = com.azure.core.util.Configuration.getGlobalConfiguration().get(RouteTable.MACHINE_SETTING);
        return name != null && name.matches("[A-Za-z0-9._-]{1,64}") ? name : null;
    }

    private static final class Connection {
        final Socket socket;
        final InputStream in;
        final OutputStream out;

        Connection(Socket socket) throws IOException {
            this.socket = socket;
            this.in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
            this.out = new BufferedOutputStream(socket.getOutputStream(), 16 * 1024);
        }

        void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    private static final class BufferedResponse extends HttpResponse {
        private final int status;
        private final HttpHeaders headers;
        private final byte[] body;

        BufferedResponse(HttpRequest request, int status, HttpHeaders headers, byte[] body) {
            super(request);
            this.status = status;
            this.headers = headers;
            this.body = body;
        }

        @Override
        public int getStatusCode() {
            return status;
        }

        @Override
        @Deprecated
        public String getHeaderValue(String name) {
            return headers.getValue(name);
        }

        @Override
        public HttpHeaders getHeaders() {
            return headers;
        }

        @Override
        public Flux<ByteBuffer> getBody() {
            return body.length == 0 ? Flux.empty() : Flux.just(ByteBuffer.wrap(body));
        }

        @Override
        public BinaryData getBodyAsBinaryData() {
            return BinaryData.fromBytes(body);
        }

        @Override
        public Mono<byte[]> getBodyAsByteArray() {
            return body.length == 0 ? Mono.empty() : Mono.just(body);
        }

        @Override
        public Mono<String> getBodyAsString() {
            return getBodyAsString(StandardCharsets.UTF_8);
        }

        @Override
        public Mono<String> getBodyAsString(Charset charset) {
            return body.length == 0 ? Mono.empty() : Mono.just(new String(body, charset));
        }
    }
}
