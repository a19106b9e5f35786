package dev.milab.bearertoken.demo;

import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAPublicKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpMethod;
import com.azure.core.http.HttpPipeline;
import com.azure.core.http.HttpPipelineBuilder;
import com.azure.core.http.policy.BearerTokenAuthenticationPolicy;
import com.azure.core.util.Context;
import com.nimbusds.jose.util.JSONObjectUtils;

import dev.milab.bearertoken.app.ImdsTokenClient;
import dev.milab.bearertoken.app.OrdersApi;
import dev.milab.bearertoken.app.OrdersClient;
import dev.milab.kit.DemoOptions;
import dev.milab.kit.DemoRunner;
import dev.milab.kit.JwtView;
import dev.milab.kit.Machine;
import dev.milab.kit.Narrator;
import dev.milab.kit.Step;
import dev.milab.lab.Lab;
import dev.milab.trace.Hop;

/**
 * Demo 04: the bearer token by hand. VM1 asks IMDS for a token with the JDK's HTTP client, the demo takes the token
 * apart, a protected orders API validates it as a resource must and refuses the tokens it should, a relay shows
 * why the token travels only over HTTPS, and the API authorizes an application, not a user. Run it with
 * {@code ./mvnw -q -Pdemo -pl 04-bearer-token -am package}; {@code -Ddemo.args=--step} pauses between steps.
 */
public final class BearerTokenDemo implements DemoRunner.Demo {

    static final String NAME = "04-bearer-token";
    static final String TITLE = "Demo 04: the bearer token, by hand";
    static final String SUBTITLE = "VM1's token from IMDS with no SDK, and an orders API that checks it as Azure's"
        + " services do";
    static final String API = "orders API";
    static final String HTTP_API = "orders API (http)";
    static final String ATTACKER = "attacker";
    static final String RELAY = "relay";
    private static final String KEY_VAULT = "https://vault.azure.net";

    private final Narrator say;
    private final LabWiring wiring;
    private final Lab lab;
    private final Machine vm1;
    private final OrdersApi api;
    private final Path clientConfig;
    /** The demo's own HTTP client: another machine on the network, trusting the lab CA like VM1. */
    private final HttpClient http;
    private String token;
    /** The key step 2 fetched by hand, kept for step 4's forgery. */
    private RSAPublicKey publishedKey;
    private String publishedKid;

    public static void main(String[] args) {
        System.exit(new DemoRunner(NAME, TITLE, SUBTITLE).run(args, BearerTokenDemo::create));
    }

    static DemoRunner.Demo create(DemoOptions options, Narrator narrator) throws Exception {
        options.requireLab("run the module README's az script and the app on your VM as it describes");
        return new BearerTokenDemo(narrator, new LabWiring());
    }

    private BearerTokenDemo(Narrator say, LabWiring wiring) throws Exception {
        this.say = say;
        this.wiring = wiring;
        this.lab = wiring.lab;
        this.vm1 = wiring.vm1;
        // While VM1's JVM boots: the API, and (in the background) the classes of the later steps.
        Thread warmUp = new Thread(BearerTokenDemo::loadLaterSteps, "warm-up");
        warmUp.setDaemon(true);
        warmUp.start();
        this.api = wiring.startApi(API, true);
        this.clientConfig = wiring.clientConfig("client.properties", api.baseUri().resolve("/orders"));
        this.http = HttpClient.newBuilder().sslContext(wiring.clientTls()).connectTimeout(Duration.ofSeconds(5))
            .build();
    }

    @Override
    public List<Step> steps() {
        return List.of(
            Step.of("On VM1: a token from IMDS, with the JDK's HTTP client", n -> aTokenFromImdsWithoutAnSdk()),
            Step.of("Take the token apart by hand", n -> takeTheTokenApart()),
            Step.of("The orders API checks the token", n -> theApiChecksTheToken()),
            Step.of("Tokens the API refuses, and why", n -> tokensTheApiRefuses()),
            Step.of("Why HTTPS: a bearer token is whoever bears it", n -> whyHttps()),
            Step.of("App-only: the API authorizes an application", n -> appOnlyTokens()));
    }

    private void aTokenFromImdsWithoutAnSdk() {
        say.say("VM1's app asks IMDS with java.net.http and no Azure SDK (ImdsTokenClient):");
        say.code("HttpRequest.newBuilder(URI.create(imdsEndpoint + \"" + ImdsTokenClient.TOKEN_PATH
            + "?api-version=" + ImdsTokenClient.API_VERSION + "&resource=\" + encode(resource)))");
        say.code("    .header(\"Metadata\", \"true\").GET().build()");
        Machine.Result run = runOnVm(ShowImdsAnswer.class, "--config", clientConfig.toString());
        say.labNote("imds.endpoint in VM1's client.properties is VM1's lab IMDS; the JDK's HTTP client is not routed"
            + " by the lab, so only that setting keeps it off the real 169.254.169.254. On Azure leave it out: the"
            + " default is http://169.254.169.254.");
        Map<String, Object> body = json(run.line("body ").substring("body ".length()));
        say.expect("IMDS answers 200 with a JSON token response", run.exitCode() == 0, run::text);
        token = (String) body.get("access_token");
        say.show("access_token", token.substring(0, 20) + "…  (" + token.length() + " characters)");
        say.show("", "  the JWT to send as Authorization: Bearer (step 2 takes it apart)");
        say.show("refresh_token", "\"" + body.get("refresh_token") + "\"");
        say.show("", "  none: a managed identity just asks IMDS again");
        say.show("expires_in", body.get("expires_in"));
        say.show("", "  seconds until it expires: about 24 hours for a managed identity");
        showTime(body, "expires_on", "when it expires, in seconds since 1970 (the token's exp)");
        showTime(body, "not_before", "valid from (nbf): Entra ID back-dates it 5 minutes, for clock skew");
        say.show("ext_expires_in", body.get("ext_expires_in"));
        say.show("", "  how long it may be used if Entra ID is unreachable for a new one (same as expires_in here)");
        say.show("resource", body.get("resource"));
        say.show("", "  the API it is for, as asked: its App ID URI, which becomes the token's aud");
        say.show("token_type", body.get("token_type"));
        say.show("", "  whoever bears it may use it (step 5)");
        say.show("client_id", body.get("client_id"));
        say.show("", "  client (application) id of the identity: VM1's system-assigned identity");
        say.expect("token_type Bearer, resource the API's App ID URI, client_id VM1's identity",
            "Bearer".equals(body.get("token_type")) && wiring.apiResource.equals(body.get("resource"))
                && wiring.vm1Identity.appId().equals(body.get("client_id")), body::toString);
        say.say("The same request without the Metadata header:");
        Machine.Result bare = vm1.run(ShowImdsAnswer.class, "--config", clientConfig.toString(),
            "--no-metadata-header");
        String status = bare.line("status ");
        String answer = bare.line("body ");
        say.show(vm1.name() + ">", status);
        say.show(vm1.name() + ">", answer);
        say.expect("IMDS refuses it: 400 Required metadata header not specified", "status 400".equals(status)
            && answer.contains("Required metadata header not specified"), bare::text);
        say.why("IMDS is plain HTTP on an address only the VM can reach, and the Metadata header it insists on is one a"
            + " server-side request forgery cannot add: it answers only the VM's own code, asking on purpose.");
    }

    private void takeTheTokenApart() throws Exception {
        String[] parts = token.split("\\.");
        say.say("A JWT is three base64url parts joined by dots, header.payload.signature; java.util.Base64 reads them:");
        say.code("String[] parts = token.split(\"\\\\.\");");
        say.code("new String(Base64.getUrlDecoder().decode(parts[0]), UTF_8)   // and parts[1]");
        Map<String, Object> header = Forgery.decode(parts[0]);
        Map<String, Object> claims = Forgery.decode(parts[1]);
        say.say("The header says how it is signed:");
        say.show("typ", header.get("typ"));
        say.show("alg", header.get("alg"));
        say.show("", "  RS256: an RSA signature over SHA-256, made with Entra ID's private key");
        say.show("kid", header.get("kid"));
        say.show("", "  which of the keys Entra ID publishes made it");
        say.say("The payload holds the claims (" + claims.size() + " of them):");
        for (String name : List.of("aud", "iss", "iat", "nbf", "exp", "appid", "appidacr", "idtyp", "oid", "sub",
            "tid", "xms_mirid", "ver")) {
            Object value = claims.get(name);
            say.show(name, value instanceof Number n && !name.equals("ver")
                ? n + "  (" + Instant.ofEpochSecond(n.longValue()) + ")" : value);
            String meaning = JwtView.meaning(name);
            if (meaning != null) {
                say.show("", "  " + meaning);
            }
        }
        say.show("aio, rh, uti", "Entra ID's own (uti: a unique token id); opaque to you");
        byte[] signature = Base64.getUrlDecoder().decode(parts[2]);
        say.say("The signature is " + signature.length + " bytes: RSA-SHA256 over the ASCII of header.payload. Check it"
            + " by hand with the key Entra ID publishes:");
        say.code("GET https://login.microsoftonline.com/" + lab.tenant().id() + "/discovery/keys");
        RSAPublicKey key = publishedKey(String.valueOf(header.get("kid")));
        say.show("key", "RSA " + key.getModulus().bitLength() + " bits, e=" + key.getPublicExponent());
        byte[] signed = (parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII);
        say.code("Signature rsa = Signature.getInstance(\"SHA256withRSA\"); rsa.initVerify(key);"
            + " rsa.update(headerDotPayload); rsa.verify(signature)");
        say.expect("the signature verifies with the published key", verifies(key, signed, signature),
            () -> "it does not");
        String[] tampered = Forgery.tamperedPayload(token, c -> c.put("exp", ((Number) c.get("exp")).longValue()
            + 365L * 24 * 3600)).split("\\.");
        say.expect("and no longer once the payload says exp is a year later", !verifies(key,
            (tampered[0] + "." + tampered[1]).getBytes(StandardCharsets.US_ASCII), signature), () -> "it still does");
        say.labNote("the lab's gateway answers for login.microsoftonline.com, trusting the lab CA.");
        say.why("Anyone can read a JWT and anyone can write one; only the signature, checked with the keys Entra ID"
            + " publishes, says that Entra ID issued these claims and that nobody changed them since.");
    }

    private void theApiChecksTheToken() throws Exception {
        say.say("The orders API (OrdersApi, BearerTokenValidator: nimbus-jose-jwt) runs with these lines of its api.properties:");
        java.util.Properties settings = wiring.apiSettings(true);
        for (String key : List.of("entra.tenant-id", "api.audience", "api.allowed-callers", "api.clock-skew-seconds",
            "api.tls.key-store", "entra.openid-configuration", "entra.jwks-uri", "https.trust-store")) {
            String value = settings.getProperty(key);
            say.code(key + "=" + (key.endsWith("store") ? "<…>" : value));
        }
        say.labNote("the API's certificate is from the lab CA, and the last three lines send it to the lab's gateway for"
            + " Entra ID's documents; on Azure leave them out (it then reads https://login.microsoftonline.com/"
            + "{tenant}/.well-known/openid-configuration). api.clock-skew-seconds is 0 for step 4; keep Microsoft's 300"
            + " on Azure.");
        say.say("At the first request it reads Entra ID's OpenID configuration (the issuer, where the keys are) and"
            + " the keys, and keeps them; for every request it checks the signature (RS256 only), iss, aud, exp and"
            + " nbf, then whether it serves the caller.");
        say.say("On VM1, the client gets a token from IMDS and sends it:");
        say.code("java -cp 'app.jar:lib/*' " + OrdersClient.class.getName() + " --config client.properties");
        long before = lab.trace().lastSequence();
        Machine.Result first = runOnVm(OrdersClient.class, "--config", clientConfig.toString());
        say.expect("the API answers 200 with the orders, for VM1's oid", first.exitCode() == 0
            && first.text().contains("\"caller\":\"" + wiring.vm1Identity.objectId() + "\""), first::text);
        say.expect("it read Entra ID's OpenID configuration and keys once", entraReads(before,
            "GET openid-configuration") == 1 && entraReads(before, "GET signing keys") == 1,
            () -> lab.trace().since(before).toString());
        long cached = lab.trace().lastSequence();
        Machine.Result second = vm1.run(OrdersClient.class, "--config", clientConfig.toString());
        say.expect("a second call: 200, and the keys come from its cache", second.exitCode() == 0
            && entraReads(cached, "GET signing keys") == 0, second::text);
        say.labNote("Entra ID rolls over its signing key now (on Azure: a few times a year, published ahead).");
        lab.signingKeys().rollover();
        long rolled = lab.trace().lastSequence();
        Machine.Result third = vm1.run(OrdersClient.class, "--config", clientConfig.toString());
        say.expect("VM1's next token names a key the API has not seen: it fetches the keys again, and answers 200",
            third.exitCode() == 0 && entraReads(rolled, "GET signing keys") == 1, () -> third.text() + "\n"
            + lab.trace().since(rolled));
        say.why("A resource trusts what Entra ID publishes now, not a key it was handed once: the keys are cached, and"
            + " a kid the cache does not know makes nimbus fetch them again (at most twice in 30 s, so forged kids"
            + " cannot make it hammer Entra ID).");
    }

    private void tokensTheApiRefuses() throws Exception {
        // Two genuine tokens from VM1's IMDS: one that lives a second (first, so that it expires meanwhile), and one
        // for Key Vault.
        lab.settings().managedIdentityTokenLifetime(Duration.ofSeconds(1));
        String shortLived;
        try {
            shortLived = imdsToken();
        } finally {
            lab.settings().managedIdentityTokenLifetime(Duration.ofHours(24));
        }
        String vaultToken = imdsToken("--resource", KEY_VAULT);
        RSAPublicKey key = publishedKey(String.valueOf(Forgery.decode(token.split("\\.")[0]).get("kid")));
        String invalid = "Bearer error=\"invalid_token\", error_description=";
        wiring.caller(ATTACKER);
        say.say("An attacker's machine sends GET " + api.baseUri().resolve("/orders") + " with each of these:");
        refused("no Authorization header", null, 401, "Bearer");
        refused("VM1's genuine token for Key Vault (aud " + KEY_VAULT + ")", vaultToken, 401,
            invalid + "\"the token is for another audience (aud " + KEY_VAULT + ")\"");
        refused("VM1's token with exp moved a year ahead in the payload", Forgery.tamperedPayload(token,
            c -> c.put("exp", ((Number) c.get("exp")).longValue() + 365L * 24 * 3600)), 401,
            invalid + "\"the signature does not verify: the token was changed after it was signed, or not signed by"
            + " Entra ID\"");
        refused("VM1's claims with alg none and no signature", Forgery.unsigned(token), 401,
            invalid + "\"the token is not signed (alg none): anyone could have written it\"");
        refused("VM1's claims signed HS256 with Entra ID's public key as the secret",
            Forgery.hs256WithPublicKey(token, key), 401,
            invalid + "\"alg HS256 is not accepted: Entra ID signs with RS256\"");
        Instant exp = Instant.ofEpochSecond(((Number) Forgery.decode(shortLived.split("\\.")[1]).get("exp"))
            .longValue());
        long wait = Duration.between(Instant.now(), exp).toMillis() + 20;
        if (wait > 0) {
            Thread.sleep(wait);
        }
        refused("VM1's genuine token, a moment after its exp", shortLived, 401, invalid + "\"the token expired at "
            + exp + "\"");
        say.labNote("that last token lived 1 s instead of 24 h, and the API allows no clock skew here, so expiry took"
            + " a second.");
        say.why("A resource believes nothing in a token it has not verified: the signature first, with Entra ID's keys"
            + " and only Entra ID's algorithm, then that it is meant for this API, from this tenant, and still valid.");
    }

    private void whyHttps() throws Exception {
        try (OrdersApi plain = wiring.startApi(HTTP_API, false);
             RecordingRelay onThePath = new RecordingRelay(RELAY, HTTP_API, plain.port(), lab.trace());
             RecordingRelay onTheTlsPath = new RecordingRelay(RELAY, API, api.port(), lab.trace())) {
            say.say("Suppose the API spoke plain HTTP (no api.tls.key-store), and a relay on the network path kept a"
                + " copy of every byte it forwards:");
            Path viaRelay = wiring.clientConfig("client-http.properties", onThePath.address("http", "/orders"));
            onThePath.client(LabWiring.VM);
            wiring.caller(RELAY);
            Machine.Result call = runOnVm(OrdersClient.class, "--config", viaRelay.toString());
            say.expect("VM1 gets its orders, as before (200)", call.exitCode() == 0, call::text);
            Optional<String> stolen = onThePath.bearerToken();
            onThePath.capturedText().lines().filter(l -> l.startsWith("GET ") || l.startsWith("Authorization:"))
                .forEach(l -> say.show("relay saw", l.length() > 42 ? l.substring(0, 42) + "…" : l));
            say.expect("the relay read VM1's token in the request", stolen.isPresent(), onThePath::capturedText);
            HttpResponse<String> replay = get(plain.baseUri().resolve("/orders"), stolen.get());
            say.say("The relay's machine sends the copy itself, from somewhere VM1 has never been:");
            say.show(RELAY + ">", "GET " + plain.baseUri().resolve("/orders") + " -> " + replay.statusCode());
            say.expect("200, and VM1's orders: the API cannot tell the copy from VM1", replay.statusCode() == 200
                && replay.body().contains(wiring.vm1Identity.objectId()), replay::body);
            say.say("Now through the same kind of relay to the real API, over HTTPS:");
            Path viaTlsRelay = wiring.clientConfig("client-relay.properties", onTheTlsPath.address("https", "/orders"));
            onTheTlsPath.client(LabWiring.VM);
            Machine.Result tls = runOnVm(OrdersClient.class, "--config", viaTlsRelay.toString());
            byte[] bytes = onTheTlsPath.captured();
            say.expect("VM1 gets its orders (200)", tls.exitCode() == 0, tls::text);
            say.show("relay saw", bytes.length + " bytes, starting " + HexFormat.ofDelimiter(" ")
                .formatHex(bytes, 0, Math.min(3, bytes.length)) + " (a TLS handshake record)");
            say.expect("nowhere in them \"Bearer\", nor the token: only ciphertext", bytes.length > 0 && bytes[0] == 0x16
                && onTheTlsPath.bearerToken().isEmpty() && !onTheTlsPath.capturedText().contains("Bearer")
                && !onTheTlsPath.capturedText().contains(stolen.get().split("\\.")[1].substring(0, 40)), onTheTlsPath::capturedText);
            say.say("The Azure SDK will not even try: azure-core's BearerTokenAuthenticationPolicy, asked to send a token"
                + " to an http:// URL:");
            say.code("new HttpPipelineBuilder().policies(new BearerTokenAuthenticationPolicy(credential, \""
                + wiring.apiResource + "/.default\")).build()");
            say.code("    .sendSync(new HttpRequest(HttpMethod.GET, \"" + onThePath.address("http", "/orders")
                + "\"), Context.NONE)");
            int connectionsBefore = onThePath.connections();
            String refusal = sdkRefusal(onThePath.address("http", "/orders"));
            say.show("throws", refusal);
            say.expect("it throws before a byte is sent: the relay saw no new connection", refusal.contains("HTTPS")
                && onThePath.connections() == connectionsBefore, () -> refusal);
        }
        say.why("Bearer means whoever bears it: anyone who copies the token is VM1 until it expires. TLS keeps it"
            + " unreadable on the way (the relay still forwards every byte), which is why the SDK sends tokens over"
            + " HTTPS only.");
    }

    private void appOnlyTokens() throws Exception {
        JwtView view = JwtView.decode(token);
        say.say("VM1's token names no user: it is the VM's own, an application's:");
        say.show("idtyp", view.claim("idtyp"));
        say.show("oid", view.claim("oid") + "  (VM1's identity, the one api.allowed-callers lists)");
        say.show("appid", view.claim("appid"));
        say.show("scp, upn", "none: no user delegated anything, nobody signed in");
        say.show("roles", view.claims().containsKey("roles") ? view.claim("roles") : "none granted");
        say.expect("an app-only token: idtyp app, no scp, no upn", "app".equals(view.claim("idtyp"))
            && !view.claims().containsKey("scp") && !view.claims().containsKey("upn"), view.claims()::toString);
        say.say("VM1 also has a user-assigned identity, reports, for another job. Its token for the API is just as"
            + " valid, but its oid is not on the list:");
        wiring.caller(LabWiring.VM);
        Path asReports = wiring.clientConfig("client-reports.properties", api.baseUri().resolve("/orders"),
            "azure.client-id=" + wiring.otherIdentity.clientId());
        Machine.Result run = runOnVm(OrdersClient.class, "--config", asReports.toString());
        String expected = "WWW-Authenticate: Bearer error=\"insufficient_scope\", error_description=\"the caller "
            + wiring.otherIdentity.principalId() + " (appid " + wiring.otherIdentity.clientId()
            + ") may not read orders\"";
        say.expect("403 Forbidden, error insufficient_scope", run.exitCode() == 1
            && run.text().contains(" -> 403") && run.lines().contains(expected), run::text);
        say.say("Instead of a list, the API can require an app role (api.required-role): define it on the API's app"
            + " registration and assign it to the identity's service principal (Microsoft Graph, appRoleAssignedTo);"
            + " it then arrives in the roles claim.");
        say.say("Where proof-of-possession goes further: a PoP token is bound to a key the client holds. With a signed"
            + " HTTP request (SHR) token the client signs each request (method, URL, time) with its private key; with"
            + " an mTLS-bound token (RFC 8705) the token names the client certificate and the API checks that the"
            + " TLS connection presents it. A copied token is then useless without the key. Entra ID issues PoP"
            + " tokens only in some scenarios and for resources that support them; the tokens IMDS gives out are"
            + " bearer tokens, so keep them on HTTPS, out of logs, and let them expire.");
        say.why("With a managed identity the caller is an application: the API decides by oid (or app role) which"
            + " applications it serves, after it has checked that the token is genuine and meant for it.");
    }

    // --- helpers -----------------------------------------------------------------------------------------------

    private Machine.Result runOnVm(Class<?> program, String... args) {
        Machine.Result run = vm1.run(program, args);
        run.lines().forEach(l -> say.show(vm1.name() + ">", l.startsWith("body ") ? shorten(l, 110) : l));
        return run;
    }

    /** A token from VM1's IMDS (for the API unless {@code args} say otherwise), not shown. */
    private String imdsToken(String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "--config";
        all[1] = clientConfig.toString();
        System.arraycopy(args, 0, all, 2, args.length);
        Machine.Result run = vm1.run(ShowImdsAnswer.class, all);
        if (run.exitCode() != 0) {
            throw new IllegalStateException("IMDS refused: " + run.text());
        }
        return (String) json(run.line("body ").substring("body ".length())).get("access_token");
    }

    /** Sends one request to the API with {@code bearer} (or none) and checks status and WWW-Authenticate. */
    private void refused(String what, String bearer, int status, String wwwAuthenticate) throws Exception {
        HttpResponse<String> response = get(api.baseUri().resolve("/orders"), bearer);
        String seen = response.headers().firstValue("WWW-Authenticate").orElse("(none)");
        say.expect(what + ": " + status + ", WWW-Authenticate: " + wwwAuthenticate,
            response.statusCode() == status && seen.equals(wwwAuthenticate), () -> response.statusCode() + " " + seen);
    }

    private HttpResponse<String> get(URI uri, String bearer) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET();
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    /** azure-core's own rule, as it comes: the exception it throws for a token on an http:// URL. */
    private String sdkRefusal(URI url) {
        TokenCredential credential = request -> reactor.core.publisher.Mono.just(new AccessToken(token,
            OffsetDateTime.now().plusHours(1)));
        HttpPipeline pipeline = new HttpPipelineBuilder().policies(new BearerTokenAuthenticationPolicy(credential,
            wiring.apiResource + "/.default")).build();
        try {
            int status = pipeline.sendSync(new com.azure.core.http.HttpRequest(HttpMethod.GET, url.toString()),
                Context.NONE).getStatusCode();
            return "nothing: it sent the request (" + status + ")";
        } catch (RuntimeException e) {
            return e.getClass().getName() + ": " + e.getMessage();
        }
    }

    /** The key with {@code kid} from Entra ID's published keys (JWKS), built from its modulus and exponent. */
    private RSAPublicKey publishedKey(String kid) throws Exception {
        if (publishedKey != null && kid.equals(publishedKid)) {
            return publishedKey;
        }
        HttpResponse<String> jwks = http.send(HttpRequest.newBuilder(wiring.jwksAddress()).GET().build(),
            HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        for (Object entry : JSONObjectUtils.getJSONArray(json(jwks.body()), "keys")) {
            @SuppressWarnings("unchecked")
            Map<String, Object> jwk = (Map<String, Object>) entry;
            if (kid.equals(jwk.get("kid"))) {
                Base64.Decoder b64 = Base64.getUrlDecoder();
                RSAPublicKeySpec spec = new RSAPublicKeySpec(new BigInteger(1, b64.decode((String) jwk.get("n"))),
                    new BigInteger(1, b64.decode((String) jwk.get("e"))));
                publishedKid = kid;
                publishedKey = (RSAPublicKey) KeyFactory.getInstance("RSA").generatePublic(spec);
                return publishedKey;
            }
        }
        throw new IllegalStateException("No published key has kid " + kid);
    }

    private static boolean verifies(RSAPublicKey key, byte[] signed, byte[] signature) throws Exception {
        Signature rsa = Signature.getInstance("SHA256withRSA");
        rsa.initVerify(key);
        rsa.update(signed);
        return rsa.verify(signature);
    }

    private long entraReads(long since, String request) {
        return lab.trace().since(since).stream().filter(h -> h.to().equals("Entra ID") && h.request().equals(request))
            .count();
    }

    private void showTime(Map<String, Object> body, String name, String meaning) {
        long seconds = Long.parseLong(String.valueOf(body.get(name)));
        say.show(name, seconds + "  (" + Instant.ofEpochSecond(seconds) + ")");
        say.show("", "  " + meaning);
    }

    private static Map<String, Object> json(String text) {
        try {
            return JSONObjectUtils.parse(text);
        } catch (java.text.ParseException e) {
            throw new IllegalArgumentException("Not JSON: " + text, e);
        }
    }

    /** A body line without the token in it: {@code access_token} shortened. */
    private static String shorten(String line, int max) {
        String s = line.replaceAll("(\"access_token\":\")([^\"]{20})[^\"]*\"", "$1$2…\"");
        return s.length() > max ? s.substring(0, max) + "…" : s;
    }

    @Override
    public List<Hop> trace() {
        return lab.trace().hops();
    }

    @Override
    public java.util.Optional<Lab> lab() {
        return java.util.Optional.of(lab);
    }

    /**
     * A lab device, not part of the lesson: loads what step 5 needs (azure-core's pipeline, reactor), so that its
     * first use does not pay for class loading. Sends nothing and asks for no token.
     */
    private static void loadLaterSteps() {
        TokenCredential none = request -> reactor.core.publisher.Mono.empty();
        new HttpPipelineBuilder().policies(new BearerTokenAuthenticationPolicy(none, "api://warm-up/.default"))
            .httpClient(request -> reactor.core.publisher.Mono.empty()).build();
    }

    @Override
    public void close() {
        api.close();
        wiring.close();
    }
}
