package org.patientdocs.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.patientdocs.auth.ApiKeys;
import org.patientdocs.auth.Caller;
import org.patientdocs.auth.ScopeNames;
import org.patientdocs.config.ConfigLoader;
import org.patientdocs.config.ServiceConfig;
import org.patientdocs.server.ServiceRuntime;
import org.patientdocs.storage.AuditTrail;
import org.patientdocs.storage.S3ProxyServer;

/**
 * The real service, started in this JVM on a free port of 127.0.0.1 in production auth mode with a signing key and an
 * API key made for the run, so every measured request pays for token and key verification as in production.
 */
final class BenchService implements AutoCloseable {

    private static final String ISSUER = "https://login.bench/issuer";
    private static final String AUDIENCE = "documents-api";
    private static final ObjectMapper JSON = new ObjectMapper();

    final ServiceConfig config;
    final URI base;
    private final ServiceRuntime runtime;
    private final String apiKey;
    private final String token;

    private BenchService(ServiceConfig config, ServiceRuntime runtime, String apiKey, String token) {
        this.config = config;
        this.runtime = runtime;
        this.base = runtime.baseUri();
        this.apiKey = apiKey;
        this.token = token;
    }

    /**
     * @param documentsStore {@code filesystem}, {@code database} or {@code s3} (this JVM's S3Proxy)
     * @param dataDir        the service's data directory (document bytes, upload spool)
     */
    static BenchService start(BenchDatabase database, String documentsStore, Path dataDir) throws Exception {
        return start(database, documentsStore, dataDir, UnaryOperator.identity());
    }

    /**
     * The service with its audit trail wrapped or replaced ({@link ServiceRuntime#start(ServiceConfig,
     * UnaryOperator)}): the audit suite's service without audit.
     */
    static BenchService start(BenchDatabase database, String documentsStore, Path dataDir,
                              UnaryOperator<AuditTrail> auditTrail) throws Exception {
        return start(database, documentsStore, dataDir, auditTrail, Map.of());
    }

    /** The service with more settings: the transfer suite's service with encryption at rest. */
    static BenchService start(BenchDatabase database, String documentsStore, Path dataDir,
                              Map<String, String> moreSettings) throws Exception {
        return start(database, documentsStore, dataDir, UnaryOperator.identity(), moreSettings);
    }

    private static BenchService start(BenchDatabase database, String documentsStore, Path dataDir,
                                      UnaryOperator<AuditTrail> auditTrail, Map<String, String> moreSettings)
            throws Exception {
        Files.createDirectories(dataDir);
        RSAKey key = new RSAKeyGenerator(2048).keyID("bench-key").generate();
        Path jwks = dataDir.resolve("jwks.json");
        Files.writeString(jwks, new JWKSet(key.toPublicJWK()).toString());
        String apiKey = "bench-api-key-" + UUID.randomUUID();
        Map<String, String> settings = new HashMap<>();
        settings.put("http.host", "127.0.0.1");
        settings.put("http.port", "0");
        settings.put("data.dir", dataDir.toString());
        settings.put("db.url", database.url());
        settings.put("db.user", database.user());
        settings.put("db.password", database.password());
        settings.put("documents.store", documentsStore);
        if (documentsStore.equals("s3")) {
            S3ProxyServer s3 = S3ProxyServer.shared();
            settings.put("s3.endpoint", s3.endpoint().toString());
            settings.put("s3.region", S3ProxyServer.REGION);
            settings.put("s3.bucket", S3ProxyServer.BUCKET);
            settings.put("s3.path-style-access", "true");
            settings.put("s3.prefix", "bench-" + UUID.randomUUID() + "/");
        }
        settings.put("auth.mode", "production");
        settings.put("auth.issuer", ISSUER);
        settings.put("auth.audience", AUDIENCE);
        settings.put("auth.jwks", jwks.toString());
        // one token serves the whole run, which may outlast the default hour
        settings.put("auth.max-token-lifetime-seconds", "86400");
        settings.put("auth.algorithms", "RS256");
        settings.put("auth.api-key-sha256", ApiKeys.sha256Hex(apiKey));
        // every suite sends far more requests as one user than the rate limits allow; it times the service's own work
        settings.put("rate-limit.api-key.requests-per-minute", "0");
        settings.put("rate-limit.subject.requests-per-minute", "0");
        settings.putAll(moreSettings);
        // no load balancer to wait for between suites
        settings.put("shutdown.delay-seconds", "0");
        ServiceConfig config = ConfigLoader.fromOverrides(settings);
        return new BenchService(config, ServiceRuntime.start(config, auditTrail), apiKey, sign(key));
    }

    /** A token valid for the longest benchmark run. */
    private static String sign(RSAKey key) throws JOSEException {
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(ISSUER).audience(AUDIENCE).subject("bench-user")
                .claim("tenant", Caller.DEFAULT_TENANT).claim("scope", ScopeNames.DEFAULT.all())
                .issueTime(Date.from(Instant.now().minusSeconds(5)))
                .expirationTime(Date.from(Instant.now().plus(Duration.ofHours(12))))
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID())
                .type(JOSEObjectType.JWT).build(), claims);
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    /** The credential headers every request carries, name then value. */
    Map<String, String> credentials() {
        return Map.of("Authorization", "Bearer " + token, "x-api-key", apiKey);
    }

    /** A request to a URL relative to the service root, with credentials. */
    HttpRequest.Builder request(String relativeUrl) {
        return request(base.resolve(relativeUrl));
    }

    /** A request to any URI made as the service's are: with credentials and the same timeout. */
    HttpRequest.Builder request(URI uri) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(2));
        credentials().forEach(builder::header);
        return builder;
    }

    /** Creates a patient with this id (and a last name, which the service requires) through the API. */
    void createPatient(HttpClient http, String id, String lastName) throws IOException, InterruptedException {
        HttpResponse<String> created = http.send(request("Patients").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.createObjectNode().put("id", id)
                        .put("last_name", lastName).toString())).build(), HttpResponse.BodyHandlers.ofString());
        if (created.statusCode() != 201) {
            throw new IllegalStateException("creating patient " + id + " answered " + created.statusCode() + ": "
                    + created.body());
        }
    }

    /**
     * Uploads a PDF of about {@code size} bytes with the spec's multipart form to a patient ({@code Patients('…')})
     * and returns the new document's id.
     */
    String uploadPdf(HttpClient http, String patient, int size) throws IOException, InterruptedException {
        String boundary = "bench-upload";
        byte[] pdf = org.patientdocs.server.Samples.pdf(size);
        byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.pdf\"\r\n"
                + "Content-Type: application/pdf\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] body = new byte[head.length + pdf.length + tail.length];
        System.arraycopy(head, 0, body, 0, head.length);
        System.arraycopy(pdf, 0, body, head.length, pdf.length);
        System.arraycopy(tail, 0, body, head.length + pdf.length, tail.length);
        HttpResponse<String> created = http.send(request(patient + "/Documents")
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (created.statusCode() != 201) {
            throw new IllegalStateException("the upload answered " + created.statusCode() + ": " + created.body());
        }
        return JSON.readTree(created.body()).get("id").asText();
    }

    @Override
    public void close() throws Exception {
        runtime.close();
    }
}
