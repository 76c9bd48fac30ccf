package org.patientdocs.config;

import static org.patientdocs.config.ConfigException.invalid;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The whole runtime configuration. Each part checks its own rules when it is made and refuses a broken value with a
 * {@link ConfigException} naming the key and the rule, so that a configuration read by {@link ConfigLoader} and one
 * a test builds obey the same rules. Passed through constructors; nothing reads configuration statically.
 */
public record ServiceConfig(Http http, Database database, Storage storage, Documents documents, Upload upload,
                            Auth auth, Batch batch, Query query, ClientLimits clientLimits, RateLimits rateLimits,
                            Operations operations, Tls tls) {

    /**
     * @param publicBaseUrl  the externally visible service root (no trailing slash) used for absolute links,
     *                       or null to derive it from the request
     * @param trustedProxies addresses of reverse proxies whose {@code Forwarded} / {@code X-Forwarded-*} headers
     *                       are believed when no public base URL is configured
     * @param corsOrigins    the origins ({@code https://app.example.org}) whose browser scripts may call the
     *                       service (CORS), or {@code *} for any; empty: no CORS headers at all
     */
    public record Http(String host, int port, URI publicBaseUrl, Set<String> trustedProxies, List<String> corsOrigins) {

        static final Range PORT = new Range("http.port", 0, 65535);
        static final String PUBLIC_BASE_URL = "http.public-base-url";

        public Http {
            requireText("http.host", host);
            PORT.check(port);
            if (publicBaseUrl != null && !isHttpUrl(publicBaseUrl)) {
                throw invalid(PUBLIC_BASE_URL, "must be an absolute http(s) URL without query", publicBaseUrl);
            }
            if (publicBaseUrl != null && publicBaseUrl.getRawPath().endsWith("/")) {
                throw invalid(PUBLIC_BASE_URL, "must not end with /", publicBaseUrl);
            }
            trustedProxies = Set.copyOf(trustedProxies);
            corsOrigins = List.copyOf(corsOrigins);
            if (!corsOrigins.equals(List.of("*"))) {
                for (String origin : corsOrigins) {
                    if (!isOrigin(origin)) {
                        throw invalid("http.cors.allowed-origins", "must list origins such as https://app.example.org"
                                + " (scheme, host and port, no path, not even /), or be * alone", origin);
                    }
                }
            }
        }

        private static boolean isHttpUrl(URI uri) {
            return ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null
                    && uri.getRawQuery() == null && uri.getRawFragment() == null;
        }

        /** An origin as browsers send it: scheme, host and port, nothing after. */
        private static boolean isOrigin(String text) {
            try {
                URI uri = new URI(text);
                return isHttpUrl(uri) && uri.getRawPath().isEmpty() && uri.getRawUserInfo() == null;
            } catch (URISyntaxException e) {
                return false;
            }
        }
    }

    /**
     * @param url            the JDBC URL; H2 and PostgreSQL are supported
     * @param poolSize       the most connections the pool opens
     * @param connectTimeout how long a request waits for a pooled connection before it is answered 503
     */
    public record Database(String url, String user, String password, int poolSize, Duration connectTimeout) {

        static final Range POOL_SIZE = new Range("db.pool-size", 1, 500);
        static final Range CONNECT_TIMEOUT_MS = new Range("db.connect-timeout-ms", 250, 600_000);

        public Database {
            if (url == null || !url.startsWith("jdbc:h2:") && !url.startsWith("jdbc:postgresql:")) {
                throw invalid("db.url", "must be a jdbc:h2: or jdbc:postgresql: URL", url);
            }
            POOL_SIZE.check(poolSize);
            CONNECT_TIMEOUT_MS.check(connectTimeout.toMillis());
        }

        public boolean isPostgres() {
            return url.startsWith("jdbc:postgresql:");
        }
    }

    /**
     * @param dataDir   where the embedded database, the files of the filesystem store, the audit journal and the
     *                  development keys live
     * @param backupDir where the {@code backup} command writes backups of an H2 database and the filesystem store
     */
    public record Storage(Path dataDir, Path backupDir) {

        public Storage {
            if (dataDir == null) {
                throw invalid("data.dir", "must be set", "");
            }
            if (backupDir == null) {
                backupDir = dataDir.resolve("backups");
            }
        }

        public Path documentsDir() {
            return dataDir.resolve("documents");
        }

        /** Where uploads are received before they are stored, whatever the document store. */
        public Path spoolDir() {
            return documentsDir().resolve("tmp");
        }

        /** Where resumable uploads' chunks arrive, and their bytes so far wait on H2 (one instance). */
        public Path resumableUploadsDir() {
            return documentsDir().resolve("uploads");
        }

        /** Where reads' audit events are journaled before they are moved into the database. */
        public Path auditJournalDir() {
            return dataDir.resolve("audit-journal");
        }

        public Path devDir() {
            return dataDir.resolve("dev");
        }
    }

    /**
     * @param store         where document bytes live
     * @param sweepInterval how often unreferenced bytes are looked for after the sweep at start-up; zero: only then
     * @param orphanMinAge  how old unreferenced bytes must be before the sweep deletes them: younger ones may belong
     *                      to an upload that is still committing its row
     * @param encryption    encryption at rest, over whichever store
     * @param s3            where the {@code s3} store keeps the bytes
     */
    public record Documents(Store store, Duration sweepInterval, Duration orphanMinAge, Encryption encryption,
                            S3Config s3) {

        static final Range SWEEP_INTERVAL_SECONDS =
                new Range("documents.orphan-sweep-interval-seconds", 0, 7 * 24 * 3600);
        static final Range ORPHAN_MIN_AGE_SECONDS = new Range("documents.orphan-min-age-seconds", 0, 7 * 24 * 3600);

        public Documents {
            if (store == null) {
                throw invalid("documents.store", "must be filesystem or database or s3", "");
            }
            SWEEP_INTERVAL_SECONDS.check(sweepInterval.toSeconds());
            ORPHAN_MIN_AGE_SECONDS.check(orphanMinAge.toSeconds());
            if (encryption == null) {
                throw invalid("documents.encryption", "must be on or off", "");
            }
            if (store == Store.S3) {
                s3.requireComplete();
            }
        }

        /**
         * {@code filesystem}: files under the data directory; {@code database}: chunked rows in the database;
         * {@code s3}: objects in an S3-compatible bucket.
         */
        public enum Store { FILESYSTEM, DATABASE, S3 }

        /**
         * Encryption at rest of document bytes, the same over every store.
         *
         * @param encryptNew  whether documents uploaded from now on are encrypted ({@code documents.encryption=on});
         *                    documents stored encrypted stay readable either way, as long as the keyring has their key
         * @param keyringFile a JSON keyring file, or null
         * @param keyring     the keyring's JSON text itself (a secret: from the environment only), or empty
         */
        public record Encryption(boolean encryptNew, Path keyringFile, String keyring) {

            /** No encryption and no keyring. */
            public static final Encryption OFF = new Encryption(false, null, "");
            static final String KEYRING = "documents.encryption.keyring";
            static final String KEYRING_FILE = "documents.encryption.keyring-file";

            public Encryption {
                keyring = keyring == null ? "" : keyring.strip();
                if (keyringFile != null && !keyring.isEmpty()) {
                    throw invalid(KEYRING_FILE, "must be empty when " + KEYRING + " is set (one keyring only)",
                            keyringFile);
                }
            }

            /** Whether a keyring is configured (else one is generated in development mode, or none is used). */
            public boolean hasKeyring() {
                return keyringFile != null || !keyring.isEmpty();
            }

            /** Never prints the keyring, which holds keys. */
            @Override
            public String toString() {
                return "Encryption[encryptNew=" + encryptNew + ", keyringFile=" + keyringFile + ", keyring="
                        + (keyring.isEmpty() ? "" : "(set)") + "]";
            }
        }
    }

    /**
     * @param maxBytes                the largest document accepted, in bytes
     * @param maxArchiveEntries       the most entries a DOCX (a ZIP archive) may list in its central directory
     * @param maxUnpackedBytes        the most bytes all entries of a DOCX may unpack to, as its directory says
     * @param maxCompressionRatio     the highest ratio of unpacked to packed size of one entry over 1 MiB unpacked
     */
    /**
     * @param resumableExpiry how long an unfinished resumable (tus) upload is kept after its last change before it
     *                        expires and is swept
     */
    public record Upload(long maxBytes, int maxArchiveEntries, long maxUnpackedBytes, int maxCompressionRatio,
                         Duration resumableExpiry) {

        static final Range MAX_BYTES = new Range("upload.max-bytes", 1, Long.MAX_VALUE);
        static final Range MAX_ARCHIVE_ENTRIES = new Range("upload.docx.max-entries", 1, 1_000_000);
        static final Range MAX_UNPACKED_BYTES = new Range("upload.docx.max-unpacked-bytes", 1, Long.MAX_VALUE);
        static final Range MAX_COMPRESSION_RATIO = new Range("upload.docx.max-compression-ratio", 1, 100_000);
        static final Range RESUMABLE_EXPIRY_HOURS = new Range("upload.resumable-expiry-hours", 1, 24 * 30);
        /** The default of {@code upload.resumable-expiry-hours}. */
        public static final Duration DEFAULT_RESUMABLE_EXPIRY = Duration.ofHours(24);

        public Upload {
            MAX_BYTES.check(maxBytes);
            MAX_ARCHIVE_ENTRIES.check(maxArchiveEntries);
            MAX_UNPACKED_BYTES.check(maxUnpackedBytes);
            MAX_COMPRESSION_RATIO.check(maxCompressionRatio);
            RESUMABLE_EXPIRY_HOURS.check(resumableExpiry.toHours());
        }

        /** The limits with resumable uploads expiring after the default time. */
        public Upload(long maxBytes, int maxArchiveEntries, long maxUnpackedBytes, int maxCompressionRatio) {
            this(maxBytes, maxArchiveEntries, maxUnpackedBytes, maxCompressionRatio, DEFAULT_RESUMABLE_EXPIRY);
        }
    }

    /**
     * @param mode             {@code development} creates a signing key and an API key under the data directory;
     *                         {@code production} takes everything from configuration
     * @param jwksLocation     a JWKS file path or an http(s) URL with the token signing keys (production)
     * @param algorithms       the JWS algorithms accepted, e.g. RS256, ES256
     * @param apiKeys          the accepted API keys (production), each as its hash and its tenant
     * @param clockSkew        tolerance when checking exp, nbf and iat
     * @param maxTokenLifetime the longest {@code exp - iat} accepted; zero: no limit, and {@code iat} optional
     * @param jwksCache        how keys fetched from an http(s) {@code jwksLocation} are kept
     * @param tenantClaim      the token claim naming the caller's tenant, which must be the API key's tenant
     * @param scopes           the names tokens give the scopes in {@code scope} or {@code scp}
     */
    public record Auth(Mode mode, String issuer, String audience, String jwksLocation, Set<String> algorithms,
                       List<ApiKey> apiKeys, Duration clockSkew, Duration maxTokenLifetime, JwksCache jwksCache,
                       String tenantClaim, Scopes scopes, int tokenCacheSize) {

        static final Range CLOCK_SKEW_SECONDS = new Range("auth.clock-skew-seconds", 0, 600);
        static final Range MAX_TOKEN_LIFETIME_SECONDS = new Range("auth.max-token-lifetime-seconds", 0, 86_400);
        static final Range TOKEN_CACHE_SIZE = new Range("auth.token-cache-size", 0, 10_000_000);
        /** The tenant of an API key whose hash is listed without one, and of rows written before tenants existed. */
        public static final String DEFAULT_TENANT = "default";
        /** A tenant's name: letters, digits, '.', '_' and '-', starting with a letter or digit, at most 64. */
        private static final Pattern TENANT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
        private static final String ALGORITHMS = "auth.algorithms";
        private static final String API_KEYS = "auth.api-key-sha256";

        public Auth {
            if (mode == null) {
                throw invalid("auth.mode", "must be development or production", "");
            }
            requireText("auth.issuer", issuer);
            requireText("auth.audience", audience);
            jwksLocation = jwksLocation == null ? "" : jwksLocation;
            algorithms = Set.copyOf(algorithms);
            apiKeys = List.copyOf(apiKeys);
            if (algorithms.isEmpty()) {
                throw invalid(ALGORITHMS, "must name at least one JWS algorithm", "");
            }
            for (String alg : algorithms) {
                if (!alg.matches("(RS|PS|ES)(256|384|512)|EdDSA")) {
                    throw invalid(ALGORITHMS, "allows only asymmetric JWS algorithms (RS*, PS*, ES*, EdDSA)", alg);
                }
            }
            Set<String> hashes = new HashSet<>();
            for (ApiKey key : apiKeys) {
                if (!hashes.add(key.sha256().toLowerCase(Locale.ROOT))) {
                    throw invalid(API_KEYS, "must list each key once (a key belongs to one tenant)",
                            key.sha256().toLowerCase(Locale.ROOT).substring(0, 12) + "…");
                }
            }
            requireText("auth.tenant-claim", tenantClaim);
            if (scopes == null) {
                throw invalid("auth.scope.*", "must be set", "");
            }
            if (mode == Mode.PRODUCTION && jwksLocation.isEmpty()) {
                throw invalid("auth.jwks", "is required in production mode", "");
            }
            if (mode == Mode.PRODUCTION && apiKeys.isEmpty()) {
                throw invalid(API_KEYS, "is required in production mode", "");
            }
            if (mode == Mode.DEVELOPMENT && !algorithms.contains("ES256")) {
                // the development signing key is an EC P-256 key
                throw invalid(ALGORITHMS, "must include ES256 in development mode", String.join(",", algorithms));
            }
            CLOCK_SKEW_SECONDS.check(clockSkew.toSeconds());
            MAX_TOKEN_LIFETIME_SECONDS.check(maxTokenLifetime.toSeconds());
            TOKEN_CACHE_SIZE.check(tokenCacheSize);
            if (jwksCache == null) {
                throw invalid("auth.jwks-cache-seconds", "must be set", "");
            }
        }

        public enum Mode { DEVELOPMENT, PRODUCTION }

        /** Whether the text can name a tenant (in {@code auth.api-key-sha256}, a token, a development key). */
        public static boolean isTenant(String text) {
            return text != null && TENANT.matcher(text).matches();
        }

        /**
         * An accepted API key: the hex SHA-256 of the key and the tenant whose clinic it was given to.
         *
         * @param sha256 64 hex digits, any case
         */
        public record ApiKey(String sha256, String tenant) {

            public ApiKey {
                if (sha256 == null || !sha256.matches("[0-9a-fA-F]{64}")) {
                    // the value itself is not echoed: it may be a key pasted where its hash belongs
                    throw invalid(API_KEYS, "must be hex SHA-256 hashes (64 hex digits), each optionally followed"
                            + " by :tenant, comma-separated", "(a value of length "
                            + (sha256 == null ? 0 : sha256.length()) + ")");
                }
                if (!isTenant(tenant)) {
                    throw invalid(API_KEYS, "must name tenants of 1 to 64 letters, digits, '.', '_' or '-',"
                            + " starting with a letter or digit", tenant == null ? "" : tenant);
                }
            }
        }

        /**
         * The names tokens give each scope, in {@code scope} (space-separated) or {@code scp}; several permissions may
         * share a name. Each is an OAuth scope token (RFC 6749 §3.3: printable ASCII without space, quote or
         * backslash), so that it can be quoted in a {@code WWW-Authenticate} challenge.
         */
        public record Scopes(String documentsRead, String documentsWrite, String documentsDelete, String patientsRead,
                             String patientsWrite, String auditRead) {

            private static final Pattern SCOPE_TOKEN = Pattern.compile("[\\x21\\x23-\\x5B\\x5D-\\x7E]+");

            public Scopes {
                check("auth.scope.documents-read", documentsRead);
                check("auth.scope.documents-write", documentsWrite);
                check("auth.scope.documents-delete", documentsDelete);
                check("auth.scope.patients-read", patientsRead);
                check("auth.scope.patients-write", patientsWrite);
                check("auth.scope.audit-read", auditRead);
            }

            private static void check(String key, String name) {
                requireText(key, name);
                if (!SCOPE_TOKEN.matcher(name).matches()) {
                    throw invalid(key, "must be one OAuth scope (printable ASCII without spaces, quotes or"
                            + " backslashes)", name);
                }
            }
        }

        /**
         * How the keys fetched from a JWKS URL are kept: used for {@code timeToLive}, then fetched again (or a little
         * before, in the background, while requests go on); fetched early when a token names a key id they lack, but
         * at most twice per {@code rateLimit}, so that tokens with made-up key ids cannot hammer the key server; and
         * while the key server cannot be reached, the keys of the last successful fetch keep serving for
         * {@code outageTolerance} after it (zero: not at all).
         */
        public record JwksCache(Duration timeToLive, Duration rateLimit, Duration outageTolerance) {

            static final Range SECONDS = new Range("auth.jwks-cache-seconds", 60, 86_400);
            static final Range RATE_LIMIT_SECONDS = new Range("auth.jwks-rate-limit-seconds", 1, 3_600);
            static final Range OUTAGE_TOLERANCE_SECONDS = new Range("auth.jwks-outage-tolerance-seconds", 0, 604_800);

            public JwksCache {
                SECONDS.check(timeToLive.toSeconds());
                RATE_LIMIT_SECONDS.check(rateLimit.toSeconds());
                OUTAGE_TOLERANCE_SECONDS.check(outageTolerance.toSeconds());
                if (rateLimit.compareTo(timeToLive) >= 0) {
                    // else the cache would expire before a refresh is allowed again
                    throw invalid(RATE_LIMIT_SECONDS.key(), "must be less than auth.jwks-cache-seconds ("
                            + timeToLive.toSeconds() + ")", rateLimit.toSeconds());
                }
            }
        }
    }

    /**
     * @param maxBytes      the largest $batch request body accepted (batches are parsed in memory)
     * @param maxOperations the most operations one $batch may hold
     */
    public record Batch(long maxBytes, int maxOperations) {

        static final Range MAX_BYTES = new Range("batch.max-bytes", 1024, 64L * 1024 * 1024);
        static final Range MAX_OPERATIONS = new Range("batch.max-operations", 1, 10_000);

        public Batch {
            MAX_BYTES.check(maxBytes);
            MAX_OPERATIONS.check(maxOperations);
        }
    }

    /**
     * Limits on the query options of one request; each breach is answered with 400 naming the limit.
     *
     * @param maxPageSize     the most entities in one response page (server-driven paging); also the most entities
     *                        of one expanded collection per parent
     * @param maxTop          the largest {@code $top} accepted
     * @param maxFilterNodes  the most operators, operands and functions in one {@code $filter} or {@code $orderby}
     * @param maxNestingDepth the deepest parenthesis nesting in the query string, checked before it is parsed
     * @param maxExpandDepth  the deepest {@code $expand} nesting
     */
    /**
     * The limits of a query: each is answered with 400 naming it, but for the timeout (503).
     *
     * @param timeout how long one statement of a query may run before the database cancels it, so that one slow query
     *                cannot hold pooled connections that other requests wait for; whole seconds (JDBC's unit)
     */
    public record Query(int maxPageSize, int maxTop, int maxFilterNodes, int maxNestingDepth, int maxExpandDepth,
                        Duration timeout) {

        static final Range MAX_PAGE_SIZE = new Range("query.max-page-size", 1, 100_000);
        static final Range MAX_TOP = new Range("query.max-top", 1, Integer.MAX_VALUE);
        static final Range MAX_FILTER_NODES = new Range("query.max-filter-nodes", 1, 100_000);
        static final Range MAX_NESTING_DEPTH = new Range("query.max-nesting-depth", 1, 1000);
        static final Range MAX_EXPAND_DEPTH = new Range("query.max-expand-depth", 1, 10);
        static final Range TIMEOUT_MS = new Range("query.timeout-ms", 1000, 3_600_000);
        static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

        public Query {
            MAX_PAGE_SIZE.check(maxPageSize);
            MAX_TOP.check(maxTop);
            MAX_FILTER_NODES.check(maxFilterNodes);
            MAX_NESTING_DEPTH.check(maxNestingDepth);
            MAX_EXPAND_DEPTH.check(maxExpandDepth);
            if (timeout == null) {
                throw invalid(TIMEOUT_MS.key(), "must be set", "");
            }
            TIMEOUT_MS.check(timeout.toMillis());
            if (timeout.toMillis() % 1000 != 0) {
                throw invalid(TIMEOUT_MS.key(), "must be whole seconds (a multiple of 1000)", timeout.toMillis());
            }
        }

        /** The limits with the default statement timeout. */
        public Query(int maxPageSize, int maxTop, int maxFilterNodes, int maxNestingDepth, int maxExpandDepth) {
            this(maxPageSize, maxTop, maxFilterNodes, maxNestingDepth, maxExpandDepth, DEFAULT_TIMEOUT);
        }
    }

    private static void requireText(String key, String value) {
        if (value == null || value.isBlank()) {
            throw invalid(key, "must be set", value == null ? "" : value);
        }
    }
}
