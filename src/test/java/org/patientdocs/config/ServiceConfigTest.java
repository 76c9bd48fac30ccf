package org.patientdocs.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** A configuration a test builds directly obeys the rules the loader's does, with the same messages. */
class ServiceConfigTest {

    private static final String HASH = "a".repeat(64);
    private static final ServiceConfig.Auth.Scopes SCOPES = new ServiceConfig.Auth.Scopes("documents.read",
            "documents.write", "documents.delete", "patients.read", "patients.write", "audit.read");

    static Stream<Arguments> brokenParts() {
        return Stream.of(
                broken("a port beyond 65535", () -> http("127.0.0.1", 70000, null, List.of()),
                        "http.port must be an integer in 0..65535, was '70000'"),
                broken("no host", () -> http(" ", 8080, null, List.of()), "http.host must be set, was ' '"),
                broken("a base URL with a query", () -> http("h", 1, URI.create("https://a.example/x?y"), List.of()),
                        "http.public-base-url must be an absolute http(s) URL without query,"
                                + " was 'https://a.example/x?y'"),
                broken("a relative base URL", () -> http("h", 1, URI.create("/documents"), List.of()),
                        "http.public-base-url must be an absolute http(s) URL without query, was '/documents'"),
                broken("a base URL ending in a slash", () -> http("h", 1, URI.create("https://a.example/"), List.of()),
                        "http.public-base-url must not end with /, was 'https://a.example/'"),
                broken("an origin with a path", () -> http("h", 1, null, List.of("https://a.example/")),
                        "http.cors.allowed-origins must list origins such as https://app.example.org (scheme, host"
                                + " and port, no path, not even /), or be * alone, was 'https://a.example/'"),
                broken("* beside an origin", () -> http("h", 1, null, List.of("*", "https://a.example")),
                        "http.cors.allowed-origins must list origins such as https://app.example.org (scheme, host"
                                + " and port, no path, not even /), or be * alone, was '*'"),
                broken("a MySQL URL", () -> database("jdbc:mysql://db/x", 10, 5000),
                        "db.url must be a jdbc:h2: or jdbc:postgresql: URL, was 'jdbc:mysql://db/x'"),
                broken("an empty pool", () -> database("jdbc:h2:mem:x", 0, 5000),
                        "db.pool-size must be an integer in 1..500, was '0'"),
                broken("a connect timeout under 250 ms", () -> database("jdbc:h2:mem:x", 10, 249),
                        "db.connect-timeout-ms must be an integer in 250..600000, was '249'"),
                broken("no data directory", () -> new ServiceConfig.Storage(null, null), "data.dir must be set, was ''"),
                broken("no document store", () -> documents(null, 0, 0),
                        "documents.store must be filesystem or database or s3, was ''"),
                broken("a negative sweep interval", () -> documents(ServiceConfig.Documents.Store.FILESYSTEM, -1, 0),
                        "documents.orphan-sweep-interval-seconds must be an integer in 0..604800, was '-1'"),
                broken("an orphan age over a week", () -> documents(ServiceConfig.Documents.Store.DATABASE, 0,
                        604801), "documents.orphan-min-age-seconds must be an integer in 0..604800, was '604801'"),
                broken("an upload limit of nothing", () -> new ServiceConfig.Upload(0, 1, 1, 1),
                        "upload.max-bytes must be an integer in 1..9223372036854775807, was '0'"),
                broken("an archive of no entries", () -> new ServiceConfig.Upload(1, 0, 1, 1),
                        "upload.docx.max-entries must be an integer in 1..1000000, was '0'"),
                broken("an archive that unpacks to nothing", () -> new ServiceConfig.Upload(1, 1, 0, 1),
                        "upload.docx.max-unpacked-bytes must be an integer in 1..9223372036854775807, was '0'"),
                broken("a compression ratio of nothing", () -> new ServiceConfig.Upload(1, 1, 1, 0),
                        "upload.docx.max-compression-ratio must be an integer in 1..100000, was '0'"),
                broken("resumable uploads that expire at once", () -> new ServiceConfig.Upload(1, 1, 1, 1,
                        Duration.ofMinutes(30)), "upload.resumable-expiry-hours must be an integer in 1..720, was '0'"),
                broken("no auth mode", () -> auth(null, "i", "", Set.of("ES256"), List.of(), 60),
                        "auth.mode must be development or production, was ''"),
                broken("no issuer", () -> auth(ServiceConfig.Auth.Mode.DEVELOPMENT, "", "", Set.of("ES256"),
                        List.of(), 60), "auth.issuer must be set, was ''"),
                broken("no algorithm", () -> auth(ServiceConfig.Auth.Mode.DEVELOPMENT, "i", "", Set.of(), List.of(),
                        60), "auth.algorithms must name at least one JWS algorithm, was ''"),
                broken("a symmetric algorithm", () -> auth(ServiceConfig.Auth.Mode.DEVELOPMENT, "i", "",
                        Set.of("HS256"), List.of(), 60), "auth.algorithms allows only asymmetric JWS algorithms"
                                + " (RS*, PS*, ES*, EdDSA), was 'HS256'"),
                broken("development without ES256", () -> auth(ServiceConfig.Auth.Mode.DEVELOPMENT, "i", "",
                        Set.of("RS256"), List.of(), 60), "auth.algorithms must include ES256 in development mode,"
                                + " was 'RS256'"),
                broken("a key where its hash belongs", () -> auth(ServiceConfig.Auth.Mode.DEVELOPMENT, "i", "",
                        Set.of("ES256"), List.of("secret"), 60), "auth.api-key-sha256 must be hex SHA-256 hashes"
                                + " (64 hex digits), each optionally followed by :tenant, comma-separated,"
                                + " was '(a value of length 6)'"),
                broken("a tenant that is no name", () -> new ServiceConfig.Auth.ApiKey(HASH, "clinic a"),
                        "auth.api-key-sha256 must name tenants of 1 to 64 letters, digits, '.', '_' or '-', starting"
                                + " with a letter or digit, was 'clinic a'"),
                broken("one key for two tenants", () -> auth(ServiceConfig.Auth.Mode.DEVELOPMENT, "tenant",
                        SCOPES, new ServiceConfig.Auth.ApiKey(HASH, "clinic-a"),
                        new ServiceConfig.Auth.ApiKey(HASH.toUpperCase(Locale.ROOT), "clinic-b")),
                        "auth.api-key-sha256 must list each key once (a key belongs to one tenant), was '"
                                + HASH.substring(0, 12) + "…'"),
                broken("no tenant claim", () -> auth(ServiceConfig.Auth.Mode.DEVELOPMENT, "", SCOPES),
                        "auth.tenant-claim must be set, was ''"),
                broken("a scope of two words", () -> new ServiceConfig.Auth.Scopes("documents read", "w", "d", "r",
                        "w", "a"), "auth.scope.documents-read must be one OAuth scope (printable ASCII without spaces,"
                                + " quotes or backslashes), was 'documents read'"),
                broken("a scope with a quote", () -> new ServiceConfig.Auth.Scopes("r", "w", "d", "r", "w",
                        "audit\"read"), "auth.scope.audit-read must be one OAuth scope (printable ASCII without"
                                + " spaces, quotes or backslashes), was 'audit\"read'"),
                broken("no scope name", () -> new ServiceConfig.Auth.Scopes("r", "w", "d", "", "w", "a"),
                        "auth.scope.patients-read must be set, was ''"),
                broken("production without a JWKS", () -> auth(ServiceConfig.Auth.Mode.PRODUCTION, "i", "",
                        Set.of("RS256"), List.of(HASH), 60), "auth.jwks is required in production mode, was ''"),
                broken("production without API keys", () -> auth(ServiceConfig.Auth.Mode.PRODUCTION, "i", "jwks.json",
                        Set.of("RS256"), List.of(), 60), "auth.api-key-sha256 is required in production mode, was ''"),
                broken("a clock skew over ten minutes", () -> auth(ServiceConfig.Auth.Mode.DEVELOPMENT, "i", "",
                        Set.of("ES256"), List.of(), 601), "auth.clock-skew-seconds must be an integer in 0..600,"
                                + " was '601'"),
                broken("a token lifetime over a day", () -> auth(ServiceConfig.Auth.Mode.DEVELOPMENT, "i", "",
                        Set.of("ES256"), List.of(), 60, 86_401), "auth.max-token-lifetime-seconds must be an integer"
                                + " in 0..86400, was '86401'"),
                broken("a JWKS cache under a minute", () -> jwksCache(59, 30, 0),
                        "auth.jwks-cache-seconds must be an integer in 60..86400, was '59'"),
                broken("no JWKS rate limit", () -> jwksCache(60, 0, 0),
                        "auth.jwks-rate-limit-seconds must be an integer in 1..3600, was '0'"),
                broken("a JWKS rate limit as long as the cache", () -> jwksCache(60, 60, 0),
                        "auth.jwks-rate-limit-seconds must be less than auth.jwks-cache-seconds (60), was '60'"),
                broken("a JWKS outage tolerance over a week", () -> jwksCache(60, 1, 604_801),
                        "auth.jwks-outage-tolerance-seconds must be an integer in 0..604800, was '604801'"),
                broken("a batch body under 1 KiB", () -> new ServiceConfig.Batch(1023, 10),
                        "batch.max-bytes must be an integer in 1024..67108864, was '1023'"),
                broken("a batch of no operations", () -> new ServiceConfig.Batch(1024, 0),
                        "batch.max-operations must be an integer in 1..10000, was '0'"),
                broken("an empty page", () -> new ServiceConfig.Query(0, 1, 1, 1, 1),
                        "query.max-page-size must be an integer in 1..100000, was '0'"),
                broken("no $top", () -> new ServiceConfig.Query(1, 0, 1, 1, 1),
                        "query.max-top must be an integer in 1..2147483647, was '0'"),
                broken("a filter of no nodes", () -> new ServiceConfig.Query(1, 1, 0, 1, 1),
                        "query.max-filter-nodes must be an integer in 1..100000, was '0'"),
                broken("nesting beyond 1000", () -> new ServiceConfig.Query(1, 1, 1, 1001, 1),
                        "query.max-nesting-depth must be an integer in 1..1000, was '1001'"),
                broken("expansions beyond 10 levels", () -> new ServiceConfig.Query(1, 1, 1, 1, 11),
                        "query.max-expand-depth must be an integer in 1..10, was '11'"),
                broken("a query timeout under a second", () -> new ServiceConfig.Query(1, 1, 1, 1, 1,
                        Duration.ofMillis(999)), "query.timeout-ms must be an integer in 1000..3600000, was '999'"),
                broken("a query timeout of part of a second", () -> new ServiceConfig.Query(1, 1, 1, 1, 1,
                        Duration.ofMillis(1500)), "query.timeout-ms must be whole seconds (a multiple of 1000), was"
                        + " '1500'"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenParts")
    void aBrokenPartIsRefusedWithTheKeyAndTheRule(String what, Executable make, String message) {
        assertEquals(message, assertThrows(ConfigException.class, make).getMessage());
    }

    @Test
    void theBoundsThemselvesAreAccepted() {
        http("h", 0, URI.create("https://a.example/documents"), List.of("*"));
        http("h", 65535, null, List.of("http://localhost:3000", "https://a.example"));
        database("jdbc:postgresql://db/x", 500, 600_000);
        documents(ServiceConfig.Documents.Store.FILESYSTEM, 604800, 604800);
        auth(ServiceConfig.Auth.Mode.PRODUCTION, "i", "jwks.json", Set.of("PS512", "EdDSA"),
                List.of(HASH.toUpperCase(Locale.ROOT)), 0, 0);
        auth(ServiceConfig.Auth.Mode.DEVELOPMENT, "i", "", Set.of("ES256"), List.of(), 600, 86_400);
        jwksCache(60, 59, 0);
        jwksCache(86_400, 3_600, 604_800);
        new ServiceConfig.Batch(64L * 1024 * 1024, 10_000);
        new ServiceConfig.Query(100_000, Integer.MAX_VALUE, 100_000, 1000, 10);
    }

    @Test
    void oneKeyringOnlyAndItsTextIsNeverPrinted() {
        ConfigException both = assertThrows(ConfigException.class, () -> new ServiceConfig.Documents.Encryption(true,
                Path.of("keyring.json"), "{\"primary\":\"a\"}"));
        assertTrue(both.getMessage().startsWith("documents.encryption.keyring-file must be empty when"
                + " documents.encryption.keyring is set"), both.getMessage());
        ServiceConfig.Documents.Encryption fromEnvironment = new ServiceConfig.Documents.Encryption(true, null,
                "{\"primary\":\"a\",\"keys\":{\"a\":\"secret-key-text\"}}");
        assertFalse(fromEnvironment.toString().contains("secret-key-text"), fromEnvironment.toString());
    }

    @Test
    void thePartsKeepNoReferenceToTheCallersCollections() {
        List<String> origins = new ArrayList<>(List.of("https://a.example"));
        ServiceConfig.Http http = http("h", 1, null, origins);
        origins.add("not an origin");
        assertEquals(List.of("https://a.example"), http.corsOrigins());
    }

    private static Arguments broken(String what, Executable make, String message) {
        return Arguments.of(what, make, message);
    }

    private static ServiceConfig.Http http(String host, int port, URI baseUrl, List<String> origins) {
        return new ServiceConfig.Http(host, port, baseUrl, Set.of(), origins);
    }

    private static ServiceConfig.Database database(String url, int poolSize, long timeoutMillis) {
        return new ServiceConfig.Database(url, "", "", poolSize, Duration.ofMillis(timeoutMillis));
    }

    private static ServiceConfig.Documents documents(ServiceConfig.Documents.Store store, long sweepSeconds,
                                                     long minAgeSeconds) {
        return new ServiceConfig.Documents(store, Duration.ofSeconds(sweepSeconds), Duration.ofSeconds(minAgeSeconds),
                ServiceConfig.Documents.Encryption.OFF, s3(null, "", ""));
    }

    private static S3Config s3(URI endpoint, String bucket, String prefix) {
        return new S3Config(endpoint, "us-east-1", bucket, prefix, true, Duration.ofSeconds(10), 50, 8L << 20);
    }

    private static ServiceConfig.Auth auth(ServiceConfig.Auth.Mode mode, String issuer, String jwks,
                                           Set<String> algorithms, List<String> hashes, long skewSeconds) {
        return auth(mode, issuer, jwks, algorithms, hashes, skewSeconds, 3600);
    }

    private static ServiceConfig.Auth auth(ServiceConfig.Auth.Mode mode, String issuer, String jwks,
                                           Set<String> algorithms, List<String> hashes, long skewSeconds,
                                           long maxLifetimeSeconds) {
        List<ServiceConfig.Auth.ApiKey> keys = hashes.stream()
                .map(hash -> new ServiceConfig.Auth.ApiKey(hash, ServiceConfig.Auth.DEFAULT_TENANT)).toList();
        return new ServiceConfig.Auth(mode, issuer, "audience", jwks, algorithms, keys,
                Duration.ofSeconds(skewSeconds), Duration.ofSeconds(maxLifetimeSeconds), jwksCache(300, 30, 3600),
                "tenant", SCOPES, 10_000);
    }

    private static ServiceConfig.Auth auth(ServiceConfig.Auth.Mode mode, String tenantClaim,
                                           ServiceConfig.Auth.Scopes scopes, ServiceConfig.Auth.ApiKey... keys) {
        return new ServiceConfig.Auth(mode, "i", "audience", "", Set.of("ES256"), List.of(keys),
                Duration.ofSeconds(60), Duration.ofSeconds(3600), jwksCache(300, 30, 3600), tenantClaim, scopes,
                10_000);
    }

    private static ServiceConfig.Auth.JwksCache jwksCache(long seconds, long rateLimitSeconds, long outageSeconds) {
        return new ServiceConfig.Auth.JwksCache(Duration.ofSeconds(seconds), Duration.ofSeconds(rateLimitSeconds),
                Duration.ofSeconds(outageSeconds));
    }
}
