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
import java.util.TreeSet;

/**
 * Reads {@code config/application.properties} (or the copy bundled in the jar when the file is absent), then lets
 * environment variables ({@code http.port} → {@code HTTP_PORT}) and system properties ({@code -Dhttp.port=…})
 * override each key, in that order. The keys are those of the bundled file: a file or a test naming any other key
 * is refused, since a misspelt key silently ignored leaves its setting at the default. The environment and the
 * system properties hold much besides (the JVM's own {@code http.agent}, say), so they are searched only for the
 * known keys. Turns the text into the {@link ServiceConfig} parts, which check their own rules;
 * text that is no number or no known choice fails here, with the key and the rule too.
 */
public final class ConfigLoader {

    /** The system property or environment variable ({@code CONFIG_FILE}) naming another properties file. */
    public static final String CONFIG_FILE_KEY = "config.file";
    static final String DEFAULT_FILE = "config/application.properties";
    static final String BUNDLED_RESOURCE = "/application.properties";

    private final Set<String> keys = readBundled().stringPropertyNames();
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
        return load(System.getenv(), System.getProperties());
    }

    static ServiceConfig load(Map<String, String> env, Properties system) {
        String file = system.getProperty(CONFIG_FILE_KEY, env.get(envName(CONFIG_FILE_KEY)));
        return new ConfigLoader(readDefaults(file), env, system).toConfig();
    }

    /**
     * Builds a configuration from the bundled defaults and the given overrides only (used by tests).
     *
     * @throws ConfigException if an override names no key of the service, as a file would
     */
    public static ServiceConfig fromOverrides(Map<String, String> overrides) {
        requireKnown(overrides.keySet(), "the overrides");
        Properties props = new Properties();
        props.putAll(overrides);
        return new ConfigLoader(readBundled(), Map.of(), props).toConfig();
    }

    /** The environment variable that overrides a key: upper case, with '.' and '-' turned into '_'. */
    public static String envName(String key) {
        return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    String get(String key) {
        if (!keys.contains(key)) {
            // every key has its default and its comment in the bundled file, and only those keys are accepted
            throw new IllegalStateException(key + " is read but missing from the bundled " + BUNDLED_RESOURCE);
        }
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
            // closed by the service at its stop, after the audit journal is moved, not by H2 as the JVM exits
            dbUrl = "jdbc:h2:file:" + dataDir.resolve("db").resolve("documents")
                    + ";WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE";
        }
        return new ServiceConfig(
                new ServiceConfig.Http(get("http.host"), (int) number(ServiceConfig.Http.PORT), baseUrl(),
                        Set.copyOf(list("http.trusted-proxies")), list("http.cors.allowed-origins")),
                new ServiceConfig.Database(dbUrl, get("db.user"), get("db.password"),
                        (int) number(ServiceConfig.Database.POOL_SIZE),
                        Duration.ofMillis(number(ServiceConfig.Database.CONNECT_TIMEOUT_MS))),
                new ServiceConfig.Storage(dataDir, get("backup.dir").isEmpty() ? null
                        : Path.of(get("backup.dir")).toAbsolutePath().normalize()),
                new ServiceConfig.Documents(choice("documents.store", ServiceConfig.Documents.Store.class),
                        Duration.ofSeconds(number(ServiceConfig.Documents.SWEEP_INTERVAL_SECONDS)),
                        Duration.ofSeconds(number(ServiceConfig.Documents.ORPHAN_MIN_AGE_SECONDS)), encryption(),
                        s3()),
                new ServiceConfig.Upload(number(ServiceConfig.Upload.MAX_BYTES),
                        (int) number(ServiceConfig.Upload.MAX_ARCHIVE_ENTRIES),
                        number(ServiceConfig.Upload.MAX_UNPACKED_BYTES),
                        (int) number(ServiceConfig.Upload.MAX_COMPRESSION_RATIO),
                        Duration.ofHours(number(ServiceConfig.Upload.RESUMABLE_EXPIRY_HOURS))),
                new ServiceConfig.Auth(choice("auth.mode", ServiceConfig.Auth.Mode.class), get("auth.issuer"),
                        get("auth.audience"), get("auth.jwks"), new LinkedHashSet<>(list("auth.algorithms")),
                        list("auth.api-key-sha256").stream().map(ConfigLoader::apiKey).toList(),
                        Duration.ofSeconds(number(ServiceConfig.Auth.CLOCK_SKEW_SECONDS)),
                        Duration.ofSeconds(number(ServiceConfig.Auth.MAX_TOKEN_LIFETIME_SECONDS)),
                        new ServiceConfig.Auth.JwksCache(
                                Duration.ofSeconds(number(ServiceConfig.Auth.JwksCache.SECONDS)),
                                Duration.ofSeconds(number(ServiceConfig.Auth.JwksCache.RATE_LIMIT_SECONDS)),
                                Duration.ofSeconds(number(ServiceConfig.Auth.JwksCache.OUTAGE_TOLERANCE_SECONDS))),
                        get("auth.tenant-claim"),
                        new ServiceConfig.Auth.Scopes(get("auth.scope.documents-read"),
                                get("auth.scope.documents-write"), get("auth.scope.documents-delete"),
                                get("auth.scope.patients-read"), get("auth.scope.patients-write"),
                                get("auth.scope.audit-read")),
                        (int) number(ServiceConfig.Auth.TOKEN_CACHE_SIZE)),
                new ServiceConfig.Batch(number(ServiceConfig.Batch.MAX_BYTES),
                        (int) number(ServiceConfig.Batch.MAX_OPERATIONS)),
                new ServiceConfig.Query((int) number(ServiceConfig.Query.MAX_PAGE_SIZE),
                        (int) number(ServiceConfig.Query.MAX_TOP), (int) number(ServiceConfig.Query.MAX_FILTER_NODES),
                        (int) number(ServiceConfig.Query.MAX_NESTING_DEPTH),
                        (int) number(ServiceConfig.Query.MAX_EXPAND_DEPTH),
                        Duration.ofMillis(number(ServiceConfig.Query.TIMEOUT_MS))),
                clientLimits(),
                new RateLimits(limit(RateLimits.API_KEY_RATE, RateLimits.API_KEY_BURST),
                        limit(RateLimits.SUBJECT_RATE, RateLimits.SUBJECT_BURST),
                        (int) number(RateLimits.UNSYNCHRONIZED)),
                operations(), tls());
    }

    private Tls tls() {
        return new Tls(path(Tls.KEYSTORE), get(Tls.KEYSTORE_PASSWORD), path(Tls.CERTIFICATE), path(Tls.PRIVATE_KEY),
                Duration.ofSeconds(number(Tls.RELOAD_CHECK_SECONDS)));
    }

    /** The file the key names, or null when it is empty. */
    private Path path(String key) {
        String value = get(key);
        return value.isEmpty() ? null : Path.of(value).toAbsolutePath().normalize();
    }

    private Operations operations() {
        Integer managementPort = get(Operations.MANAGEMENT_PORT).isEmpty() ? null
                : (int) number(Operations.MANAGEMENT_PORT_RANGE);
        return new Operations(managementPort, get(Operations.METRICS_TOKEN),
                Duration.ofSeconds(number(Operations.SHUTDOWN_DELAY_SECONDS)),
                Duration.ofSeconds(number(Operations.SHUTDOWN_GRACE_SECONDS)),
                choice("log.format", Operations.LogFormat.class));
    }

    private ServiceConfig.Documents.Encryption encryption() {
        String file = get(ServiceConfig.Documents.Encryption.KEYRING_FILE);
        return new ServiceConfig.Documents.Encryption(choice("documents.encryption", Switch.class) == Switch.ON,
                file.isEmpty() ? null : Path.of(file).toAbsolutePath().normalize(),
                get(ServiceConfig.Documents.Encryption.KEYRING));
    }

    /** A setting that is {@code on} or {@code off}. */
    private enum Switch { ON, OFF }

    private RateLimits.Limit limit(Range requestsPerMinute, Range burst) {
        return new RateLimits.Limit((int) number(requestsPerMinute), (int) number(burst));
    }

    private ClientLimits clientLimits() {
        return new ClientLimits((int) number(ClientLimits.MAX_THREADS),
                Duration.ofMillis(number(ClientLimits.IDLE_TIMEOUT_MS)),
                Duration.ofMillis(number(ClientLimits.HEADER_TIMEOUT_MS)),
                number(ClientLimits.MIN_REQUEST_BYTES_PER_SECOND), (int) number(ClientLimits.MAX_CONCURRENT_BODIES),
                (int) number(ClientLimits.MAX_WAITING_BODIES), Duration.ofMillis(number(ClientLimits.BODY_WAIT_MS)));
    }

    private S3Config s3() {
        return new S3Config(url(S3Config.ENDPOINT), get("s3.region"), get("s3.bucket"), get("s3.prefix"),
                bool("s3.path-style-access"), Duration.ofMillis(number(S3Config.TIMEOUT_MS)),
                (int) number(S3Config.MAX_CONNECTIONS), number(S3Config.PART_SIZE_BYTES));
    }

    /** An entry of {@code auth.api-key-sha256}: {@code hash:tenant}, or a bare hash of the default tenant's key. */
    private static ServiceConfig.Auth.ApiKey apiKey(String entry) {
        int colon = entry.indexOf(':');
        String hash = colon < 0 ? entry : entry.substring(0, colon).trim();
        String tenant = colon < 0 ? ServiceConfig.Auth.DEFAULT_TENANT : entry.substring(colon + 1).trim();
        return new ServiceConfig.Auth.ApiKey(hash.toLowerCase(Locale.ROOT), tenant);
    }

    /** The constant of {@code type} the key names, ignoring case: {@code filesystem} is {@code FILESYSTEM}. */
    private <E extends Enum<E>> E choice(String key, Class<E> type) {
        String value = required(key);
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equalsIgnoreCase(value)) {
                return constant;
            }
        }
        List<String> names = Arrays.stream(type.getEnumConstants()).map(c -> c.name().toLowerCase(Locale.ROOT))
                .toList();
        throw invalid(key, "must be " + String.join(" or ", names), value);
    }

    /** The URL as given, less one trailing slash; whether it can serve as the base is {@link ServiceConfig.Http}'s. */
    private URI baseUrl() {
        String value = get(ServiceConfig.Http.PUBLIC_BASE_URL);
        if (value.isEmpty()) {
            return null;
        }
        try {
            return new URI(value.endsWith("/") ? value.substring(0, value.length() - 1) : value);
        } catch (URISyntaxException e) {
            throw invalid(ServiceConfig.Http.PUBLIC_BASE_URL, "must be an absolute http(s) URL", value);
        }
    }

    /** The URL the key holds, or null when empty; whether it is the right kind of URL is the record's to say. */
    private URI url(String key) {
        String value = get(key);
        if (value.isEmpty()) {
            return null;
        }
        try {
            return new URI(value);
        } catch (URISyntaxException e) {
            throw invalid(key, "must be a URL", value);
        }
    }

    private boolean bool(String key) {
        String value = required(key);
        if (value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(value);
        }
        throw invalid(key, "must be true or false", value);
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

    /** The integer the key holds; the range is checked here too, before an int setting could overflow. */
    private long number(Range range) {
        String value = required(range.key());
        try {
            long parsed = Long.parseLong(value);
            if (range.contains(parsed)) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // reported below with the rule
        }
        throw range.broken(value);
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
            requireKnown(props.stringPropertyNames(), path.toString());
            return props;
        }
        if (file != null && !file.isBlank()) {
            throw new ConfigException(CONFIG_FILE_KEY + " names a file that does not exist: " + path);
        }
        return readBundled();
    }

    /** @throws ConfigException naming every key of {@code source} that is not a key of the service */
    private static void requireKnown(Set<String> keys, String source) {
        Set<String> unknown = new TreeSet<>(keys);
        unknown.removeAll(readBundled().stringPropertyNames());
        if (!unknown.isEmpty()) {
            throw new ConfigException("unknown configuration key" + (unknown.size() == 1 ? "" : "s") + " in "
                    + source + ": " + String.join(", ", unknown) + " (misspelt? the keys are listed in the README)");
        }
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
