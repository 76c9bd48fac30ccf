package org.patientdocs.config;

import static org.patientdocs.config.ConfigException.invalid;

import java.net.URI;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * Where {@code documents.store=s3} keeps document bytes: any S3-compatible service. Credentials are not part of it:
 * they come from the AWS SDK's default chain (environment, profile, instance role), never from the properties file.
 * Checked whatever the store; whether a bucket and a region are set is checked by {@link ServiceConfig.Documents}
 * when the store is {@code s3}.
 *
 * @param endpoint        the service's URL, e.g. {@code http://127.0.0.1:9000} for MinIO; null: AWS S3 itself
 * @param region          the region requests are signed for, e.g. {@code eu-central-1}; empty when unset
 * @param bucket          the bucket, which must exist; empty when unset
 * @param prefix          what every object key starts with, e.g. {@code documents/}; may be empty
 * @param pathStyleAccess whether the bucket is addressed in the path ({@code http://host/bucket/key}), as MinIO and
 *                        most S3-compatible services want, rather than in the host name
 * @param timeout         how long one call to S3 may take in all, retries included, and how long a download may wait
 *                        for its next bytes, before the request is answered 503
 * @param maxConnections  the most connections open to S3: downloads in progress and uploads being stored share them
 * @param partSizeBytes   uploads larger than this are stored as a multipart upload in parts of this size
 */
public record S3Config(URI endpoint, String region, String bucket, String prefix, boolean pathStyleAccess,
                       Duration timeout, int maxConnections, long partSizeBytes) {

    static final String ENDPOINT = "s3.endpoint";
    static final Range TIMEOUT_MS = new Range("s3.timeout-ms", 100, 600_000);
    static final Range MAX_CONNECTIONS = new Range("s3.max-connections", 1, 10_000);
    /** S3's own bounds of a part: 5 MiB (all but the last part) to 5 GiB. */
    static final Range PART_SIZE_BYTES = new Range("s3.part-size-bytes", 5L * 1024 * 1024, 5L * 1024 * 1024 * 1024);
    /** S3's rules for bucket names: 3 to 63 lower-case letters, digits, dots and hyphens. */
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    /** Object keys are at most 1024 bytes; the prefix leaves room for the document id. */
    private static final int MAX_PREFIX = 512;

    public S3Config {
        region = region == null ? "" : region;
        bucket = bucket == null ? "" : bucket;
        prefix = prefix == null ? "" : prefix;
        if (endpoint != null && !isEndpoint(endpoint)) {
            throw invalid(ENDPOINT, "must be an http(s) URL such as http://127.0.0.1:9000, without path or query",
                    endpoint);
        }
        if (!bucket.isEmpty() && !BUCKET.matcher(bucket).matches()) {
            throw invalid("s3.bucket", "must be an S3 bucket name (3..63 of a-z, 0-9, '.' and '-')", bucket);
        }
        if (prefix.startsWith("/") || prefix.length() > MAX_PREFIX || !prefix.chars().allMatch(c -> c > 0x20
                && c < 0x7f)) {
            throw invalid("s3.prefix", "must be printable ASCII without spaces, not start with /, at most "
                    + MAX_PREFIX + " characters", prefix);
        }
        TIMEOUT_MS.check(timeout.toMillis());
        MAX_CONNECTIONS.check(maxConnections);
        PART_SIZE_BYTES.check(partSizeBytes);
    }

    /** Checks what the s3 store needs beyond the rules every value obeys. */
    void requireComplete() {
        if (bucket.isEmpty()) {
            throw invalid("s3.bucket", "must be set when documents.store is s3", bucket);
        }
        if (region.isEmpty()) {
            throw invalid("s3.region", "must be set when documents.store is s3 (us-east-1 for most S3-compatible"
                    + " services)", region);
        }
    }

    private static boolean isEndpoint(URI uri) {
        String path = uri.getRawPath();
        return ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null
                && (path == null || path.isEmpty() || path.equals("/")) && uri.getRawQuery() == null
                && uri.getRawFragment() == null && uri.getRawUserInfo() == null;
    }
}
