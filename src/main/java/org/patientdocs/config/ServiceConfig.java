package org.patientdocs.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * The whole runtime configuration, validated at load time by {@link ConfigLoader}. Passed through constructors;
 * nothing reads configuration statically.
 */
public record ServiceConfig(Http http, Database database, Storage storage, Documents documents, Upload upload,
                            Auth auth, Batch batch, Query query) {

    /**
     * @param publicBaseUrl  the externally visible service root (no trailing slash) used for absolute links,
     *                       or null to derive it from the request
     * @param trustedProxies addresses of reverse proxies whose {@code Forwarded} / {@code X-Forwarded-*} headers
     *                       are believed when no public base URL is configured
     * @param corsOrigins    the origins ({@code https://app.example.org}) whose browser scripts may call the
     *                       service (CORS), or {@code *} for any; empty: no CORS headers at all
     */
    public record Http(String host, int port, URI publicBaseUrl, Set<String> trustedProxies, List<String> corsOrigins) {
    }

    /**
     * @param url            the JDBC URL; H2 and PostgreSQL are supported
     * @param poolSize       the most connections the pool opens
     * @param connectTimeout how long a request waits for a pooled connection before it is answered 503
     */
    public record Database(String url, String user, String password, int poolSize, Duration connectTimeout) {

        public boolean isPostgres() {
            return url.startsWith("jdbc:postgresql:");
        }
    }

    /** @param dataDir where the embedded database, the document bytes and the development keys live */
    public record Storage(Path dataDir) {

        public Path documentsDir() {
            return dataDir.resolve("documents");
        }

        /** Where uploads are received before they are stored, whatever the document store. */
        public Path spoolDir() {
            return documentsDir().resolve("tmp");
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
     */
    public record Documents(Store store, Duration sweepInterval, Duration orphanMinAge) {

        /** {@code filesystem}: files under the data directory; {@code database}: chunked rows in the database. */
        public enum Store { FILESYSTEM, DATABASE }
    }

    /** @param maxBytes the largest document accepted, in bytes */
    public record Upload(long maxBytes) {
    }

    /**
     * @param mode           {@code development} creates a signing key and an API key under the data directory;
     *                       {@code production} takes everything from configuration
     * @param jwksLocation   a JWKS file path or an http(s) URL with the token signing keys (production)
     * @param algorithms     the JWS algorithms accepted, e.g. RS256, ES256
     * @param apiKeySha256   hex SHA-256 hashes of the accepted API keys (production)
     * @param clockSkew      tolerance when checking exp and nbf
     */
    public record Auth(Mode mode, String issuer, String audience, String jwksLocation, Set<String> algorithms,
                       List<String> apiKeySha256, Duration clockSkew) {

        public enum Mode { DEVELOPMENT, PRODUCTION }
    }

    /**
     * @param maxBytes      the largest $batch request body accepted (batches are parsed in memory)
     * @param maxOperations the most operations one $batch may hold
     */
    public record Batch(long maxBytes, int maxOperations) {
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
    public record Query(int maxPageSize, int maxTop, int maxFilterNodes, int maxNestingDepth, int maxExpandDepth) {
    }
}
