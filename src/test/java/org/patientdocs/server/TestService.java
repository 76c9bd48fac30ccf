package org.patientdocs.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
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
import org.patientdocs.storage.S3ProxyServer;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The real service for integration tests: started on a free port over a fresh database and a temporary data
 * directory, in production auth mode with a signing key and an API key generated here, called over HTTP.
 * <p>
 * The database and the document store are this test run's ({@link TestDatabase}: the build runs the integration
 * suite on H2 with documents on the file system, on PostgreSQL with documents in the database, and on PostgreSQL with
 * documents in S3, on this JVM's {@link S3ProxyServer});
 * overrides of {@code db.url} or {@code documents.store} pick others. When a test fails, the service's log lines
 * of that test are printed ({@link ServerLogOnFailure}).
 */
final class TestService implements AutoCloseable {

    static final String ISSUER = "https://login.test/issuer";
    static final String AUDIENCE = "documents-api";
    static final String API_KEY = "test-api-key-" + UUID.randomUUID();
    static final ObjectMapper JSON = new ObjectMapper();

    final Path dataDir;
    final ServiceConfig config;
    final ServiceRuntime runtime;
    final URI base;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    private final RSAKey signingKey;
    private final TestDatabase ownDatabase;

    private TestService(Path dataDir, ServiceConfig config, ServiceRuntime runtime, RSAKey signingKey,
                        TestDatabase ownDatabase) {
        this.dataDir = dataDir;
        this.config = config;
        this.runtime = runtime;
        this.base = runtime.baseUri();
        this.signingKey = signingKey;
        this.ownDatabase = ownDatabase;
    }

    /** The service on a fresh database of this run's kind (unless the overrides name one), dropped on close. */
    static TestService start(Map<String, String> overrides) throws Exception {
        return start(overrides, Clock.systemUTC());
    }

    /** As {@link #start(Map)}, with the clock the rate limits' buckets refill by. */
    static TestService start(Map<String, String> overrides, Clock rateLimitClock) throws Exception {
        if (overrides.containsKey("db.url")) {
            return start(null, overrides, null, rateLimitClock);
        }
        TestDatabase database = TestDatabase.fresh();
        try {
            return start(database, overrides, database, rateLimitClock);
        } catch (Exception | Error e) {
            database.close();
            throw e;
        }
    }

    /** The service on a database the caller owns, e.g. one shared by several instances. */
    static TestService start(TestDatabase database, Map<String, String> overrides) throws Exception {
        return start(database, overrides, null, Clock.systemUTC());
    }

    /** As {@link #start(TestDatabase, Map)}, with the clock the rate limits' buckets refill by. */
    static TestService start(TestDatabase database, Map<String, String> overrides, Clock rateLimitClock)
            throws Exception {
        return start(database, overrides, null, rateLimitClock);
    }

    private static TestService start(TestDatabase database, Map<String, String> overrides, TestDatabase owned,
                                     Clock rateLimitClock) throws Exception {
        Path dataDir = Files.createTempDirectory("patientdocs-it");
        RSAKey key = new RSAKeyGenerator(2048).keyID("test-key").generate();
        Path jwks = dataDir.resolve("jwks.json");
        Files.writeString(jwks, new JWKSet(key.toPublicJWK()).toString());
        Map<String, String> settings = new HashMap<>();
        settings.put("data.dir", dataDir.toString());
        if (database != null) {
            settings.put("db.url", database.url());
            settings.put("db.user", database.user());
            settings.put("db.password", database.password());
        }
        settings.put("documents.store", TestDatabase.documentStore());
        settings.put("http.port", "0");
        settings.put("auth.mode", "production");
        settings.put("auth.issuer", ISSUER);
        settings.put("auth.audience", AUDIENCE);
        settings.put("auth.jwks", jwks.toString());
        settings.put("auth.algorithms", "RS256");
        settings.put("auth.api-key-sha256", ApiKeys.sha256Hex(API_KEY));
        // many tests make hundreds of requests as one user within seconds; RateLimitIT sets limits of its own
        settings.put("rate-limit.api-key.requests-per-minute", "0");
        settings.put("rate-limit.subject.requests-per-minute", "0");
        // no load balancer to wait for; a request a test left hanging is given what Jetty used to give it
        settings.put("shutdown.delay-seconds", "0");
        settings.put("shutdown.grace-seconds", "5");
        settings.putAll(overrides);
        if ("s3".equals(settings.get("documents.store"))) {
            s3Defaults(settings);
        }
        ServiceRuntime runtime;
        ServiceConfig config;
        try {
            config = ConfigLoader.fromOverrides(settings);
            runtime = ServiceRuntime.start(config, rateLimitClock);
        } catch (Exception | Error e) {
            // tests of a refused configuration or start leave no directory behind either
            try {
                deleteTree(dataDir);
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
        // the service serves before its sweep at start-up is done; some tests run the sweep without a minimum age,
        // where it would remove an upload's bytes committed a moment before its row, and some count what it removed
        runtime.awaitStartupSweep();
        return new TestService(dataDir, config, runtime, key, owned);
    }

    /**
     * The S3 store on this JVM's S3Proxy unless the overrides name another. The objects of the services on one
     * database (several instances of one deployment) share a prefix; other databases' services never see them.
     */
    private static void s3Defaults(Map<String, String> settings) {
        settings.putIfAbsent("s3.endpoint", S3ProxyServer.shared().endpoint().toString());
        settings.putIfAbsent("s3.region", S3ProxyServer.REGION);
        settings.putIfAbsent("s3.bucket", S3ProxyServer.BUCKET);
        settings.putIfAbsent("s3.path-style-access", "true");
        settings.putIfAbsent("s3.prefix", "it-" + UUID.nameUUIDFromBytes(settings.get("db.url").getBytes(
                StandardCharsets.UTF_8)) + "/");
        // large enough for the uploads of most tests to go in one piece, small enough for some to go in parts
        settings.putIfAbsent("s3.part-size-bytes", Long.toString(5L * 1024 * 1024));
    }

    /** A token of the default tenant (the tenant of {@link #API_KEY}) with every scope. */
    String token(String subject) {
        return token(subject, Instant.now().plus(Duration.ofMinutes(10)));
    }

    String token(String subject, Instant expiry) {
        return token(subject, Caller.DEFAULT_TENANT, ScopeNames.DEFAULT.all(), expiry);
    }

    /**
     * A token naming a tenant in its {@code tenant} claim and granting the scopes of a {@code scope} claim (none
     * when null).
     */
    String token(String subject, String tenant, String scope) {
        return token(subject, tenant, scope, Instant.now().plus(Duration.ofMinutes(10)));
    }

    private String token(String subject, String tenant, String scope, Instant expiry) {
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(ISSUER).audience(AUDIENCE).subject(subject)
                .claim("tenant", tenant).claim("scope", scope)
                .issueTime(Date.from(Instant.now().minusSeconds(5))).expirationTime(Date.from(expiry))
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(signingKey.getKeyID())
                .type(JOSEObjectType.JWT).build(), claims);
        try {
            jwt.sign(new RSASSASigner(signingKey));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jwt.serialize();
    }

    /** An API key and a bearer token, as a request presents them. */
    record Credentials(String apiKey, String token) {
    }

    /** The credentials of {@link #request(String)}: {@link #API_KEY} and a token of its tenant with every scope. */
    Credentials credentials() {
        return new Credentials(API_KEY, token("user-456"));
    }

    /** A request to a path relative to the service root (as written in the spec), with valid credentials. */
    HttpRequest.Builder request(String path) {
        return request(path, credentials());
    }

    /** A request to a path relative to the service root with the given credentials. */
    HttpRequest.Builder request(String path, Credentials credentials) {
        return HttpRequest.newBuilder(uri(path))
                .timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + credentials.token())
                .header("x-api-key", credentials.apiKey());
    }

    /** The URI of a path as written in the spec; '$' and quotes need no escaping, spaces become %20. */
    URI uri(String path) {
        return URI.create(base.toString() + (path.startsWith("/") ? path.substring(1) : path).replace(" ", "%20"));
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<byte[]> getBytes(String path) throws IOException, InterruptedException {
        return http.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> delete(String path) throws IOException, InterruptedException {
        return send(request(path).DELETE().build());
    }

    HttpResponse<String> postJson(String path, String json) throws IOException, InterruptedException {
        return send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    HttpResponse<String> patchJson(String path, String json) throws IOException, InterruptedException {
        return send(request(path).header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString(json)).build());
    }

    /** Uploads a PDF for a patient as the spec's multipart form does; returns the new document's id. */
    String uploadPdf(String patient, byte[] pdf) throws IOException, InterruptedException {
        Multipart form = new Multipart().file("file", "doc.pdf", Samples.PDF, pdf);
        HttpResponse<String> created = send(request("/Patients('" + patient + "')/Documents")
                .header("Content-Type", form.contentType()).POST(form.publisher()).build());
        if (created.statusCode() != 201) {
            throw new AssertionError("the upload was answered " + created.statusCode() + ": " + created.body());
        }
        return json(created).get("id").asText();
    }

    static JsonNode json(HttpResponse<String> response) {
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new AssertionError("not JSON (" + response.statusCode() + "): " + response.body(), e);
        }
    }

    /**
     * What the document store holds, whichever it is: files under the documents directory, temporary ones included,
     * and, with the database store, one per document with chunks in the database.
     */
    long storedFiles() throws IOException {
        long files = 0;
        Path root = config.storage().documentsDir();
        if (Files.exists(root)) {
            try (var all = Files.walk(root)) {
                files = all.filter(Files::isRegularFile).count();
            }
        }
        if (usesS3Store()) {
            return files + s3().keys(config.documents().s3().prefix()).size();
        }
        if (!usesDatabaseStore()) {
            return files;
        }
        try (Connection connection = connect();
             PreparedStatement statement = connection.prepareStatement(
                     "SELECT COUNT(DISTINCT document_id) FROM document_chunk");
             ResultSet rs = statement.executeQuery()) {
            rs.next();
            return files + rs.getLong(1);
        } catch (SQLException e) {
            throw new IOException("cannot count the stored chunks", e);
        }
    }

    /** Whether the document store holds bytes of the document: its file, its chunk rows, or its object. */
    boolean storesContent(String documentId) throws IOException, SQLException {
        if (usesS3Store()) {
            return !storedObjects(documentId).isEmpty();
        }
        if (usesDatabaseStore()) {
            try (Connection connection = connect();
                 PreparedStatement statement = connection.prepareStatement(
                         "SELECT COUNT(*) FROM document_chunk WHERE document_id = ?")) {
                statement.setString(1, documentId);
                try (ResultSet rs = statement.executeQuery()) {
                    rs.next();
                    return rs.getLong(1) > 0;
                }
            }
        }
        try (var files = Files.walk(config.storage().documentsDir())) {
            return files.anyMatch(p -> isStoredFileOf(p, documentId));
        }
    }

    /** Removes a document's bytes behind the service's back, wherever they are stored. */
    void loseContent(String documentId) throws IOException, SQLException {
        if (usesS3Store()) {
            try (S3Client client = s3().client()) {
                for (String key : storedObjects(documentId)) {
                    client.deleteObject(b -> b.bucket(config.documents().s3().bucket()).key(key));
                }
            }
            return;
        }
        if (usesDatabaseStore()) {
            try (Connection connection = connect();
                 PreparedStatement statement = connection.prepareStatement(
                         "DELETE FROM document_chunk WHERE document_id = ?")) {
                statement.setString(1, documentId);
                statement.executeUpdate();
            }
            return;
        }
        try (var files = Files.walk(config.storage().documentsDir())) {
            for (Path file : files.filter(p -> isStoredFileOf(p, documentId)).toList()) {
                Files.delete(file);
            }
        }
    }

    /** A file of the file store holding bytes of the document: {@code <id>}, or a later version {@code <id>.v1}. */
    private static boolean isStoredFileOf(Path file, String documentId) {
        return isContentNameOf(file.getFileName().toString(), documentId);
    }

    /** The name of the document's bytes, in a file or object: {@code <id>}, or a later version {@code <id>.v1}. */
    private static boolean isContentNameOf(String name, String documentId) {
        return name.equals(documentId) || name.matches(Pattern.quote(documentId) + "\\.v[1-9][0-9]*");
    }

    /** The keys of the S3 objects holding bytes of the document (another id may begin with its id). */
    private List<String> storedObjects(String documentId) {
        String prefix = config.documents().s3().prefix();
        return s3().keys(prefix + documentId).stream()
                .filter(key -> isContentNameOf(key.substring(prefix.length()), documentId)).toList();
    }

    /** The key of the one S3 object holding the document's bytes. */
    private String storedObject(String documentId) {
        List<String> found = storedObjects(documentId);
        if (found.size() != 1) {
            throw new IllegalStateException(found.size() + " stored objects of the document");
        }
        return found.get(0);
    }

    /** The bytes the store holds for a document, as they are at rest (encrypted or not). */
    byte[] storedBytes(String documentId) throws IOException, SQLException {
        if (usesDatabaseStore()) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (Connection connection = connect();
                 PreparedStatement statement = connection.prepareStatement(
                         "SELECT data FROM document_chunk WHERE document_id = ? ORDER BY seq")) {
                statement.setString(1, documentId);
                try (ResultSet rs = statement.executeQuery()) {
                    while (rs.next()) {
                        bytes.writeBytes(rs.getBytes(1));
                    }
                }
            }
            return bytes.toByteArray();
        }
        if (usesS3Store()) {
            try (S3Client client = s3().client()) {
                return client.getObjectAsBytes(b -> b.bucket(config.documents().s3().bucket())
                        .key(storedObject(documentId))).asByteArray();
            }
        }
        return Files.readAllBytes(storedFile(documentId));
    }

    /** Flips every bit of the stored byte at this offset, behind the service's back: what an attacker at rest does. */
    void flipStoredByte(String documentId, long offset) throws IOException, SQLException {
        if (usesDatabaseStore()) {
            try (Connection connection = connect()) {
                int chunkBytes = 0;
                int seq = 0;
                byte[] chunk = null;
                try (PreparedStatement statement = connection.prepareStatement(
                        "SELECT seq, data FROM document_chunk WHERE document_id = ? ORDER BY seq")) {
                    statement.setString(1, documentId);
                    try (ResultSet rs = statement.executeQuery()) {
                        long start = 0;
                        while (rs.next() && chunk == null) {
                            byte[] data = rs.getBytes(2);
                            if (offset < start + data.length) {
                                seq = rs.getInt(1);
                                chunk = data;
                                chunkBytes = (int) (offset - start);
                            }
                            start += data.length;
                        }
                    }
                }
                if (chunk == null) {
                    throw new IllegalArgumentException("offset past the stored bytes");
                }
                chunk[chunkBytes] ^= (byte) 0xFF;
                try (PreparedStatement update = connection.prepareStatement(
                        "UPDATE document_chunk SET data = ? WHERE document_id = ? AND seq = ?")) {
                    update.setBytes(1, chunk);
                    update.setString(2, documentId);
                    update.setInt(3, seq);
                    update.executeUpdate();
                }
            }
            return;
        }
        if (usesS3Store()) {
            // an object is rewritten whole: S3 changes no byte in place
            String key = storedObject(documentId);
            byte[] bytes = storedBytes(documentId);
            bytes[Math.toIntExact(offset)] ^= (byte) 0xFF;
            try (S3Client client = s3().client()) {
                client.putObject(b -> b.bucket(config.documents().s3().bucket()).key(key),
                        RequestBody.fromBytes(bytes));
            }
            return;
        }
        try (FileChannel file = FileChannel.open(storedFile(documentId), StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            ByteBuffer one = ByteBuffer.allocate(1);
            file.read(one, offset);
            one.put(0, (byte) (one.get(0) ^ 0xFF)).rewind();
            file.write(one, offset);
        }
    }

    private Path storedFile(String documentId) throws IOException {
        try (var files = Files.walk(config.storage().documentsDir())) {
            List<Path> found = files.filter(p -> isStoredFileOf(p, documentId)).toList();
            if (found.size() != 1) {
                throw new IllegalStateException(found.size() + " stored files of the document");
            }
            return found.get(0);
        }
    }

    boolean usesDatabaseStore() {
        return config.documents().store() == ServiceConfig.Documents.Store.DATABASE;
    }

    boolean usesS3Store() {
        return config.documents().store() == ServiceConfig.Documents.Store.S3;
    }

    /** The S3Proxy the service stores in: this JVM's shared one, or one a test started for itself. */
    private S3ProxyServer s3() {
        return S3ProxyServer.at(config.documents().s3().endpoint());
    }

    /**
     * Every patient and document row of every tenant, every column, and the stored files: what a change would change,
     * for a test to compare before and after a request that must change nothing.
     */
    String snapshot() throws SQLException, IOException {
        List<String> rows = new ArrayList<>();
        try (Connection connection = connect()) {
            for (String sql : List.of("SELECT * FROM patient ORDER BY tenant_id, id",
                    "SELECT * FROM document ORDER BY id")) {
                try (PreparedStatement statement = connection.prepareStatement(sql);
                     ResultSet rs = statement.executeQuery()) {
                    ResultSetMetaData meta = rs.getMetaData();
                    while (rs.next()) {
                        List<String> values = new ArrayList<>();
                        for (int i = 1; i <= meta.getColumnCount(); i++) {
                            values.add(meta.getColumnLabel(i).toLowerCase(Locale.ROOT) + "=" + rs.getString(i));
                        }
                        rows.add(String.join(", ", values));
                    }
                }
            }
        }
        rows.add("stored files: " + storedFiles());
        return String.join("\n", rows);
    }

    /** A connection of the test's own to the service's database. */
    Connection connect() throws SQLException {
        ServiceConfig.Database database = config.database();
        return DriverManager.getConnection(database.url(), database.user(), database.password());
    }

    /** Stops the service and deletes its data directory and, when it made one, its database. */
    @Override
    public void close() throws Exception {
        try {
            runtime.close();
        } finally {
            try {
                if (ownDatabase != null) {
                    ownDatabase.close();
                    if (usesS3Store()) {
                        // the database is gone, and so is every document of the prefix
                        s3().deleteAll(config.documents().s3().prefix());
                    }
                }
            } finally {
                deleteTree(dataDir);
            }
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var files = Files.walk(dir)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        }
    }
}
