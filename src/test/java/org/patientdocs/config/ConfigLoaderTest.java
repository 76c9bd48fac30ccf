package org.patientdocs.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigLoaderTest {

    /** A well-formed hash (a compile-time constant, for the tables of cases). */
    private static final String HASH = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

    @TempDir
    Path dataDir;

    private ServiceConfig load(String... keyValues) {
        Map<String, String> overrides = new HashMap<>();
        overrides.put("data.dir", dataDir.toString());
        for (int i = 0; i < keyValues.length; i += 2) {
            overrides.put(keyValues[i], keyValues[i + 1]);
        }
        return ConfigLoader.fromOverrides(overrides);
    }

    /** A copy of the bundled file with {@code data.dir} in the test's directory, plus the given lines. */
    private Path configFile(String... lines) throws IOException {
        Properties props = bundled();
        props.setProperty("data.dir", dataDir.toString());
        StringWriter text = new StringWriter();
        props.store(text, null);
        Path file = dataDir.resolve("application.properties");
        Files.writeString(file, text + String.join("\n", lines) + "\n");
        return file;
    }

    private static ServiceConfig loadFile(Path file, Map<String, String> env, Properties system) {
        system.setProperty(ConfigLoader.CONFIG_FILE_KEY, file.toString());
        return ConfigLoader.load(env, system);
    }

    private static Properties bundled() throws IOException {
        Properties props = new Properties();
        try (InputStream in = ConfigLoader.class.getResourceAsStream(ConfigLoader.BUNDLED_RESOURCE)) {
            props.load(in);
        }
        return props;
    }

    @Test
    void theDefaultsAreTheEmbeddedSetup() {
        ServiceConfig config = load();
        assertTrue(config.database().url().startsWith("jdbc:h2:file:"));
        assertFalse(config.database().isPostgres());
        assertEquals(Duration.ofSeconds(5), config.database().connectTimeout());
        assertEquals(ServiceConfig.Documents.Store.FILESYSTEM, config.documents().store());
        assertEquals(Duration.ofHours(1), config.documents().sweepInterval());
        assertEquals(Duration.ofMinutes(10), config.documents().orphanMinAge());
        assertEquals(dataDir.resolve("documents").resolve("tmp"), config.storage().spoolDir());
    }

    @Test
    void slowClientsAndRateLimitsAreLimitedByDefault() {
        ServiceConfig config = load();
        assertEquals(Duration.ofSeconds(10), config.clientLimits().headerTimeout());
        assertEquals(Duration.ofSeconds(30), config.clientLimits().idleTimeout());
        // a 25 MB upload over a 64 KB/s link is sixteen times the floor
        assertTrue(64 * 1024 >= 16 * config.clientLimits().minRequestBytesPerSecond());
        assertTrue(config.rateLimits().perSubject().enabled());
        assertTrue(config.rateLimits().perApiKey().enabled());
        assertFalse(load("rate-limit.subject.requests-per-minute", "0").rateLimits().perSubject().enabled());
        assertEquals(0, config.rateLimits().unsynchronizedRequests(), "exact across instances unless asked");
        assertEquals(20, load("rate-limit.unsynchronized-requests", "20").rateLimits().unsynchronizedRequests());
    }

    @Test
    void postgresIsChosenByItsUrlAlone() {
        ServiceConfig config = load("db.url", "jdbc:postgresql://db.internal:5432/documents", "db.user", "documents",
                "db.password", "secret", "db.pool-size", "5", "db.connect-timeout-ms", "1500",
                "documents.store", "database");
        assertTrue(config.database().isPostgres());
        assertEquals("documents", config.database().user());
        assertEquals(5, config.database().poolSize());
        assertEquals(Duration.ofMillis(1500), config.database().connectTimeout());
        assertEquals(ServiceConfig.Documents.Store.DATABASE, config.documents().store());
    }

    @Test
    void theS3StoreTakesItsSettingsFromTheEnvironmentAndTheRestFromTheFile() throws IOException {
        Properties defaults = bundled();
        defaults.setProperty("data.dir", dataDir.toString());
        ServiceConfig config = new ConfigLoader(defaults, Map.of("DOCUMENTS_STORE", "s3",
                "S3_ENDPOINT", "http://127.0.0.1:9000", "S3_REGION", "eu-central-1", "S3_BUCKET", "patient-documents",
                "S3_PATH_STYLE_ACCESS", "true", "S3_TIMEOUT_MS", "2500"), new Properties()).toConfig();
        S3Config s3 = config.documents().s3();
        assertEquals(ServiceConfig.Documents.Store.S3, config.documents().store());
        assertEquals(new S3Config(URI.create("http://127.0.0.1:9000"), "eu-central-1", "patient-documents",
                "documents/", true, Duration.ofMillis(2500), 50, 8L * 1024 * 1024), s3);
    }

    @Test
    void environmentVariablesOverrideTheNewKeys() throws IOException {
        Properties defaults = bundled();
        defaults.setProperty("data.dir", dataDir.toString());
        ServiceConfig config = new ConfigLoader(defaults, Map.of("DB_CONNECT_TIMEOUT_MS", "800",
                "DOCUMENTS_STORE", "DATABASE", "DOCUMENTS_ORPHAN_SWEEP_INTERVAL_SECONDS", "0",
                "DOCUMENTS_ORPHAN_MIN_AGE_SECONDS", "60"), new Properties()).toConfig();
        assertEquals(Duration.ofMillis(800), config.database().connectTimeout());
        assertEquals(ServiceConfig.Documents.Store.DATABASE, config.documents().store());
        assertEquals(Duration.ZERO, config.documents().sweepInterval());
        assertEquals(Duration.ofMinutes(1), config.documents().orphanMinAge());
    }

    @Test
    void healthIsOnTheServicePortAndStoppingWaitsForTheLoadBalancerByDefault() {
        Operations defaults = load().operations();
        assertFalse(defaults.separateManagementPort());
        assertEquals(Duration.ofSeconds(5), defaults.shutdownDelay());
        assertEquals(Duration.ofSeconds(30), defaults.shutdownGrace());
        Operations set = load("management.port", "9090", "shutdown.delay-seconds", "0", "shutdown.grace-seconds", "120")
                .operations();
        assertEquals(9090, set.managementPort());
        assertEquals(Duration.ZERO, set.shutdownDelay());
        assertEquals(Duration.ofMinutes(2), set.shutdownGrace());
    }

    @Test
    void plainHttpIsTheDefault() {
        assertFalse(load().tls().enabled());
    }

    @Test
    void corsIsOffUnlessOriginsAreListed() {
        assertEquals(List.of(), load().http().corsOrigins());
        assertEquals(List.of("https://app.example.org", "http://localhost:3000"),
                load("http.cors.allowed-origins", " https://app.example.org, http://localhost:3000 ").http()
                        .corsOrigins());
        assertEquals(List.of("*"), load("http.cors.allowed-origins", "*").http().corsOrigins());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "http.cors.allowed-origins | https://app.example.org/ | http.cors.allowed-origins must list origins such as"
                + " https://app.example.org (scheme, host and port, no path, not even /), or be * alone,"
                + " was 'https://app.example.org/'",
        "http.cors.allowed-origins | app.example.org | http.cors.allowed-origins must list origins such as"
                + " https://app.example.org (scheme, host and port, no path, not even /), or be * alone,"
                + " was 'app.example.org'",
        "http.cors.allowed-origins | \"*, https://a.example\" | http.cors.allowed-origins must list origins such as"
                + " https://app.example.org (scheme, host and port, no path, not even /), or be * alone, was '*'",
        "documents.store | blob | documents.store must be filesystem or database or s3, was 'blob'",
        "documents.store | s3 | s3.bucket must be set when documents.store is s3, was ''",
        "s3.endpoint | minio:9000 | s3.endpoint must be an http(s) URL such as http://127.0.0.1:9000, without path or"
                + " query, was 'minio:9000'",
        "s3.bucket | My_Bucket | s3.bucket must be an S3 bucket name (3..63 of a-z, 0-9, '.' and '-'), was 'My_Bucket'",
        "s3.prefix | /documents/ | s3.prefix must be printable ASCII without spaces, not start with /, at most 512"
                + " characters, was '/documents/'",
        "s3.path-style-access | yes | s3.path-style-access must be true or false, was 'yes'",
        "s3.timeout-ms | 50 | s3.timeout-ms must be an integer in 100..600000, was '50'",
        "s3.part-size-bytes | 1048576 | s3.part-size-bytes must be an integer in 5242880..5368709120, was '1048576'",
        "db.connect-timeout-ms | 100 | db.connect-timeout-ms must be an integer in 250..600000, was '100'",
        "db.connect-timeout-ms | soon | db.connect-timeout-ms must be an integer in 250..600000, was 'soon'",
        "documents.orphan-sweep-interval-seconds | -1 | documents.orphan-sweep-interval-seconds must be an integer"
                + " in 0..604800, was '-1'",
        "documents.orphan-min-age-seconds | x | documents.orphan-min-age-seconds must be an integer in 0..604800,"
                + " was 'x'",
        "db.url | jdbc:mysql://db/documents | db.url must be a jdbc:h2: or jdbc:postgresql: URL,"
                + " was 'jdbc:mysql://db/documents'",
        "http.host | \"\" | http.host must be set, was ''",
        "http.port | 70000 | http.port must be an integer in 0..65535, was '70000'",
        "http.port | \"\" | http.port must be set, was ''",
        "http.port | 4294975376 | http.port must be an integer in 0..65535, was '4294975376'",
        "http.public-base-url | ftp://files.example.org | http.public-base-url must be an absolute http(s) URL"
                + " without query, was 'ftp://files.example.org'",
        "http.public-base-url | https://api.example.org/?x=1 | http.public-base-url must be an absolute http(s) URL"
                + " without query, was 'https://api.example.org/?x=1'",
        "http.public-base-url | https://api example.org | http.public-base-url must be an absolute http(s) URL,"
                + " was 'https://api example.org'",
        "http.public-base-url | https://api.example.org// | http.public-base-url must not end with /,"
                + " was 'https://api.example.org/'",
        "data.dir | \"\" | data.dir must be set, was ''",
        "db.pool-size | 0 | db.pool-size must be an integer in 1..500, was '0'",
        "upload.max-bytes | 0 | upload.max-bytes must be an integer in 1..9223372036854775807, was '0'",
        "auth.mode | staging | auth.mode must be development or production, was 'staging'",
        "auth.issuer | \"\" | auth.issuer must be set, was ''",
        "auth.audience | \"\" | auth.audience must be set, was ''",
        "auth.algorithms | \" , \" | auth.algorithms must name at least one JWS algorithm, was ''",
        "auth.algorithms | \"ES256,HS256\" | auth.algorithms allows only asymmetric JWS algorithms (RS*, PS*, ES*,"
                + " EdDSA), was 'HS256'",
        "auth.algorithms | RS256 | auth.algorithms must include ES256 in development mode, was 'RS256'",
        "auth.api-key-sha256 | the-key-itself | auth.api-key-sha256 must be hex SHA-256 hashes (64 hex digits),"
                + " each optionally followed by :tenant, comma-separated, was '(a value of length 14)'",
        "auth.api-key-sha256 | " + HASH + ":clinic/a | auth.api-key-sha256 must name tenants of 1 to 64 letters,"
                + " digits, '.', '_' or '-', starting with a letter or digit, was 'clinic/a'",
        "auth.tenant-claim | \"\" | auth.tenant-claim must be set, was ''",
        "auth.scope.audit-read | \"audit read\" | auth.scope.audit-read must be one OAuth scope (printable ASCII"
                + " without spaces, quotes or backslashes), was 'audit read'",
        "auth.mode | production | auth.jwks is required in production mode, was ''",
        "auth.clock-skew-seconds | 601 | auth.clock-skew-seconds must be an integer in 0..600, was '601'",
        "auth.max-token-lifetime-seconds | -1 | auth.max-token-lifetime-seconds must be an integer in 0..86400,"
                + " was '-1'",
        "auth.jwks-cache-seconds | 59 | auth.jwks-cache-seconds must be an integer in 60..86400, was '59'",
        "auth.jwks-rate-limit-seconds | 300 | auth.jwks-rate-limit-seconds must be less than auth.jwks-cache-seconds"
                + " (300), was '300'",
        "auth.jwks-outage-tolerance-seconds | x | auth.jwks-outage-tolerance-seconds must be an integer in"
                + " 0..604800, was 'x'",
        "batch.max-bytes | 1023 | batch.max-bytes must be an integer in 1024..67108864, was '1023'",
        "batch.max-operations | 10001 | batch.max-operations must be an integer in 1..10000, was '10001'",
        "http.max-threads | 8 | http.max-threads must be an integer in 16..10000, was '8'",
        "http.header-timeout-ms | 10 | http.header-timeout-ms must be an integer in 50..600000, was '10'",
        "http.min-request-bytes-per-second | -1 | http.min-request-bytes-per-second must be an integer in"
                + " 0..1000000000, was '-1'",
        "http.max-concurrent-bodies | 101 | http.max-concurrent-bodies must be at most half of http.max-threads"
                + " (200), was '101'",
        "http.body-wait-ms | 0 | http.body-wait-ms must be an integer in 100..600000, was '0'",
        "rate-limit.subject.burst | 0 | rate-limit.subject.burst must be an integer in 1..1000000, was '0'",
        "management.port | 65536 | management.port must be an integer in 0..65535, was '65536'",
        "management.port | admin | management.port must be an integer in 0..65535, was 'admin'",
        "management.metrics-token | short | management.metrics-token must be empty or at least 32 printable"
                + " characters without spaces, was '(a value of length 5)'",
        "http.tls.keystore | /no/such/keystore.p12 | http.tls.keystore must name a readable file,"
                + " was '/no/such/keystore.p12'",
        "http.tls.certificate | /no/such/cert.pem | http.tls.private-key must be set together with"
                + " http.tls.certificate, was ''",
        "http.tls.reload-check-seconds | 0 | http.tls.reload-check-seconds must be an integer in 1..86400, was '0'",
        "log.format | xml | log.format must be text or json, was 'xml'",
        "shutdown.delay-seconds | -1 | shutdown.delay-seconds must be an integer in 0..3600, was '-1'",
        "shutdown.grace-seconds | 3601 | shutdown.grace-seconds must be an integer in 0..3600, was '3601'",
        "rate-limit.api-key.requests-per-minute | -5 | rate-limit.api-key.requests-per-minute must be an integer in"
                + " 0..1000000, was '-5'",
        "rate-limit.unsynchronized-requests | 10001 | rate-limit.unsynchronized-requests must be an integer in"
                + " 0..10000, was '10001'",
    })
    void invalidValuesStopTheStartWithTheKeyAndTheRule(String key, String value, String message) {
        ConfigException e = assertThrows(ConfigException.class, () -> load(key, value));
        assertEquals(message, e.getMessage());
    }

    @Test
    void anUnknownKeyInTheFileStopsTheStartNamingIt() throws IOException {
        Path file = configFile("http.port=9090", "htp.host=0.0.0.0");
        ConfigException e = assertThrows(ConfigException.class, () -> loadFile(file, Map.of(), new Properties()));
        assertEquals("unknown configuration key in " + file + ": htp.host (misspelt? the keys are listed in the"
                + " README)", e.getMessage());
    }

    @Test
    void everyUnknownKeyInTheFileIsNamed() throws IOException {
        Path file = configFile("db.poolsize=5", "upload.max_bytes=100", "http.port=9090");
        ConfigException e = assertThrows(ConfigException.class, () -> loadFile(file, Map.of(), new Properties()));
        assertEquals("unknown configuration keys in " + file + ": db.poolsize, upload.max_bytes (misspelt? the keys"
                + " are listed in the README)", e.getMessage());
    }

    @Test
    void aFileOfKnownKeysIsReadAndTheEnvironmentAndSystemPropertiesOverrideIt() throws IOException {
        Properties system = new Properties();
        system.setProperty("upload.max-bytes", "300");
        ServiceConfig config = loadFile(configFile("http.port=9090", "upload.max-bytes=100", "batch.max-operations=7"),
                Map.of("UPLOAD_MAX_BYTES", "200", "BATCH_MAX_OPERATIONS", "8"), system);
        assertEquals(9090, config.http().port());
        assertEquals(8, config.batch().maxOperations());
        assertEquals(300, config.upload().maxBytes());
    }

    @Test
    void unknownSystemPropertiesAndEnvironmentVariablesAreLeftAlone() throws IOException {
        // the JVM's own (http.agent, java.home) and anything else of the process: they are not ours to judge
        Properties system = new Properties();
        system.setProperty("http.agent", "x");
        system.setProperty("htp.port", "1");
        ServiceConfig config = loadFile(configFile("http.port=9090"), Map.of("HTP_PORT", "1", "PATH", "/bin"),
                system);
        assertEquals(9090, config.http().port());
    }

    @Test
    void anUnknownOverrideIsRefusedAsInAFile() {
        ConfigException e = assertThrows(ConfigException.class, () -> load("http.prot", "9090"));
        assertEquals("unknown configuration key in the overrides: http.prot (misspelt? the keys are listed in the"
                + " README)", e.getMessage());
    }

    @Test
    void everyKeyOfTheBundledFileIsRead() throws IOException {
        ServiceConfig defaults = load();
        for (String key : bundled().stringPropertyNames()) {
            ServiceConfig changed;
            try {
                changed = load(key, "changed-value");
            } catch (ConfigException refused) {
                continue;
            }
            assertFalse(defaults.equals(changed), key + " is accepted but changes nothing");
        }
    }

    @Test
    void apiKeysNameTheirTenantsAndABareHashBelongsToTheDefaultTenant() {
        String other = "B".repeat(64);
        ServiceConfig config = load("auth.api-key-sha256", HASH + ":clinic-a, " + other);
        assertEquals(List.of(new ServiceConfig.Auth.ApiKey(HASH, "clinic-a"),
                new ServiceConfig.Auth.ApiKey("b".repeat(64), ServiceConfig.Auth.DEFAULT_TENANT)),
                config.auth().apiKeys());
    }

    @Test
    void productionNeedsApiKeyHashesToo() {
        ConfigException e = assertThrows(ConfigException.class, () -> load("auth.mode", "production",
                "auth.jwks", "jwks.json"));
        assertEquals("auth.api-key-sha256 is required in production mode, was ''", e.getMessage());
    }
}
