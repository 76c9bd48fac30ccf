package org.patientdocs.config;

import static org.patientdocs.config.ConfigException.invalid;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * Reads {@code config/application.properties} (or the copy bundled in the jar when the file is absent), then lets
 * environment variables ({@code http.port} → {@code HTTP_PORT}) and system properties ({@code -Dhttp.port=…})
 * override each key, in that order. Validates every value and fails with the key and the rule.
 */
public final class ConfigLoader {

    /** The system property or environment variable ({@code CONFIG_FILE}) naming another properties file. */
    public static final String CONFIG_FILE_KEY = "config.file";
    static final String DEFAULT_FILE = "config/application.properties";
    static final String BUNDLED_RESOURCE = "/application.properties";

    private final Properties defaults;
    private final Map<String, String> environment;
    private final Properties systemProperties;

    ConfigLoader(Properties defaults, Map<String, String> environment, Properties systemProperties) {
        this.defaults = defaults;
        this.environment = environment;
        this.systemProperties = systemProperties;
    }

    /** Loads the configuration of this process: its file, its environment and its system properties. */
    public static ServiceConfig load() {
        Map<String, String> env = System.getenv();
        Properties system = System.getProperties();
        String file = system.getProperty(CONFIG_FILE_KEY, env.get(envName(CONFIG_FILE_KEY)));
        return new ConfigLoader(readDefaults(file), env, system).toConfig();
    }

    /** Builds a configuration from the bundled defaults and the given overrides only (used by tests). */
    public static ServiceConfig fromOverrides(Map<String, String> overrides) {
        Properties props = new Properties();
        props.putAll(overrides);
        return new ConfigLoader(readBundled(), Map.of(), props).toConfig();
    }

    /** The environment variable that overrides a key: upper case, with '.' and '-' turned into '_'. */
    public static String envName(String key) {
        return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    String get(String key) {
        String value = systemProperties.getProperty(key);
        if (value == null) {
            value = environment.get(envName(key));
        }
        if (value == null) {
            value = defaults.getProperty(key);
        }
        return value == null ? "" : value.trim();
    }

    ServiceConfig toConfig() {
        Path dataDir = Path.of(required("data.dir")).toAbsolutePath().normalize();
        String dbUrl = get("db.url");
        if (dbUrl.isEmpty()) {
            dbUrl = "jdbc:h2:file:" + dataDir.resolve("db").resolve("documents") + ";WRITE_DELAY=0";
        } else if (!dbUrl.startsWith("jdbc:h2:") && !dbUrl.startsWith("jdbc:postgresql:")) {
            throw invalid("db.url", "must be a jdbc:h2: or jdbc:postgresql: URL", dbUrl);
        }
        return new ServiceConfig(
                new ServiceConfig.Http(required("http.host"), intIn("http.port", 0, 65535), baseUrl(),
                        Set.copyOf(list("http.trusted-proxies")), corsOrigins()),
                new ServiceConfig.Database(dbUrl, get("db.user"), get("db.password"), intIn("db.pool-size", 1, 500),
                        Duration.ofMillis(longIn("db.connect-timeout-ms", 250, 600_000))),
                new ServiceConfig.Storage(dataDir),
                documents(),
                new ServiceConfig.Upload(longIn("upload.max-bytes", 1, Long.MAX_VALUE)),
                auth(),
                new ServiceConfig.Batch(longIn("batch.max-bytes", 1024, 64L * 1024 * 1024),
                        intIn("batch.max-operations", 1, 10_000)),
                new ServiceConfig.Query(intIn("query.max-page-size", 1, 100_000),
                        intIn("query.max-top", 1, Integer.MAX_VALUE), intIn("query.max-filter-nodes", 1, 100_000),
                        intIn("query.max-nesting-depth", 1, 1000), intIn("query.max-expand-depth", 1, 10)));
    }

    private ServiceConfig.Documents documents() {
        String storeText = required("documents.store");
        ServiceConfig.Documents.Store store = switch (storeText.toLowerCase(Locale.ROOT)) {
            case "filesystem" -> ServiceConfig.Documents.Store.FILESYSTEM;
            case "database" -> ServiceConfig.Documents.Store.DATABASE;
            default -> throw invalid("documents.store", "must be filesystem or database", storeText);
        };
        return new ServiceConfig.Documents(store,
                Duration.ofSeconds(longIn("documents.orphan-sweep-interval-seconds", 0, 7 * 24 * 3600)),
                Duration.ofSeconds(longIn("documents.orphan-min-age-seconds", 0, 7 * 24 * 3600)));
    }

    private ServiceConfig.Auth auth() {
        String modeText = required("auth.mode");
        ServiceConfig.Auth.Mode mode = switch (modeText.toLowerCase(Locale.ROOT)) {
            case "development" -> ServiceConfig.Auth.Mode.DEVELOPMENT;
            case "production" -> ServiceConfig.Auth.Mode.PRODUCTION;
            default -> throw invalid("auth.mode", "must be development or production", modeText);
        };
        Set<String> algorithms = new LinkedHashSet<>(list("auth.algorithms"));
        if (algorithms.isEmpty()) {
            throw invalid("auth.algorithms", "must name at least one JWS algorithm", "");
        }
        for (String alg : algorithms) {
            if (!alg.matches("(RS|PS|ES)(256|384|512)|EdDSA")) {
                throw invalid("auth.algorithms", "allows only asymmetric JWS algorithms (RS*, PS*, ES*, EdDSA)", alg);
            }
        }
        List<String> hashes = list("auth.api-key-sha256").stream().map(h -> h.toLowerCase(Locale.ROOT)).toList();
        for (String hash : hashes) {
            if (!hash.matches("[0-9a-f]{64}")) {
                throw invalid("auth.api-key-sha256", "must be hex SHA-256 hashes (64 hex digits), comma-separated",
                        "(a value of length " + hash.length() + ")");
            }
        }
        String jwks = get("auth.jwks");
        if (mode == ServiceConfig.Auth.Mode.PRODUCTION) {
            if (jwks.isEmpty()) {
                throw invalid("auth.jwks", "is required in production mode", "");
            }
            if (hashes.isEmpty()) {
                throw invalid("auth.api-key-sha256", "is required in production mode", "");
            }
        }
        return new ServiceConfig.Auth(mode, required("auth.issuer"), required("auth.audience"), jwks,
                Set.copyOf(algorithms), hashes, Duration.ofSeconds(longIn("auth.clock-skew-seconds", 0, 600)));
    }

    private URI baseUrl() {
        String value = get("http.public-base-url");
        if (value.isEmpty()) {
            return null;
        }
        try {
            URI uri = new URI(value.endsWith("/") ? value.substring(0, value.length() - 1) : value);
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null
                    || uri.getQuery() != null || uri.getFragment() != null) {
                throw invalid("http.public-base-url", "must be an absolute http(s) URL without query", value);
            }
            return uri;
        } catch (URISyntaxException e) {
            throw invalid("http.public-base-url", "must be an absolute http(s) URL", value);
        }
    }

    /** Origins as browsers send them: scheme, host and port, nothing after; or {@code *} alone. */
    private List<String> corsOrigins() {
        String key = "http.cors.allowed-origins";
        List<String> origins = list(key);
        if (origins.equals(List.of("*"))) {
            return origins;
        }
        for (String origin : origins) {
            if (!isOrigin(origin)) {
                throw invalid(key, "must list origins such as https://app.example.org (scheme, host and port, no"
                        + " path, not even /), or be * alone", origin);
            }
        }
        return origins;
    }

    private static boolean isOrigin(String text) {
        try {
            URI uri = new URI(text);
            return ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null
                    && uri.getRawPath().isEmpty() && uri.getRawQuery() == null && uri.getRawFragment() == null
                    && uri.getRawUserInfo() == null;
        } catch (URISyntaxException e) {
            return false;
        }
    }

    private List<String> list(String key) {
        return Arrays.stream(get(key).split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    private String required(String key) {
        String value = get(key);
        if (value.isEmpty()) {
            throw invalid(key, "must be set", value);
        }
        return value;
    }

    private int intIn(String key, int min, int max) {
        return (int) longIn(key, min, max);
    }

    private long longIn(String key, long min, long max) {
        String value = required(key);
        try {
            long parsed = Long.parseLong(value);
            if (parsed >= min && parsed <= max) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // reported below with the rule
        }
        throw invalid(key, "must be an integer in " + min + ".." + max, value);
    }

    private static Properties readDefaults(String file) {
        Path path = Path.of(file == null || file.isBlank() ? DEFAULT_FILE : file);
        if (Files.isRegularFile(path)) {
            Properties props = new Properties();
            try (Reader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
                props.load(reader);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + path, e);
            }
            return props;
        }
        if (file != null && !file.isBlank()) {
            throw new ConfigException(CONFIG_FILE_KEY + " names a file that does not exist: " + path);
        }
        return readBundled();
    }

    private static Properties readBundled() {
        Properties props = new Properties();
        try (InputStream in = ConfigLoader.class.getResourceAsStream(BUNDLED_RESOURCE)) {
            if (in == null) {
                throw new ConfigException("the bundled " + BUNDLED_RESOURCE + " is missing from the build");
            }
            props.load(new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return props;
    }
}
