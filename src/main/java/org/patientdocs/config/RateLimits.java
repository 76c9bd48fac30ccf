package org.patientdocs.config;

/**
 * How many requests an authenticated caller may make: a token bucket per API key (all users of one client system
 * together) and one per subject (one user of one tenant), each refilled steadily and holding at most a burst. A
 * request over either is answered 429 with {@code Retry-After}.
 *
 * @param perApiKey              the limit of all requests made with one API key
 * @param perSubject             the limit of all requests of one subject (the token's {@code sub}) of one tenant
 * @param unsynchronizedRequests on PostgreSQL, how many requests an instance may take from its copy of a bucket
 *                               before it writes them to the bucket's shared row (and reads it back); 0: every
 *                               request reads and writes the row, exact across instances
 */
public record RateLimits(Limit perApiKey, Limit perSubject, int unsynchronizedRequests) {

    static final Range API_KEY_RATE = new Range("rate-limit.api-key.requests-per-minute", 0, 1_000_000);
    static final Range API_KEY_BURST = new Range("rate-limit.api-key.burst", 1, 1_000_000);
    static final Range SUBJECT_RATE = new Range("rate-limit.subject.requests-per-minute", 0, 1_000_000);
    static final Range SUBJECT_BURST = new Range("rate-limit.subject.burst", 1, 1_000_000);
    static final Range UNSYNCHRONIZED = new Range("rate-limit.unsynchronized-requests", 0, 10_000);

    public RateLimits {
        API_KEY_RATE.check(perApiKey.requestsPerMinute());
        API_KEY_BURST.check(perApiKey.burst());
        SUBJECT_RATE.check(perSubject.requestsPerMinute());
        SUBJECT_BURST.check(perSubject.burst());
        UNSYNCHRONIZED.check(unsynchronizedRequests);
    }

    /** No limits at all. */
    public static RateLimits none() {
        return new RateLimits(new Limit(0, 1), new Limit(0, 1), 0);
    }

    /**
     * @param requestsPerMinute the steady rate the bucket refills at; zero: no limit
     * @param burst             the most requests the bucket holds, i.e. that may be made at once after a quiet spell
     */
    public record Limit(int requestsPerMinute, int burst) {

        /** Whether requests are limited at all. */
        public boolean enabled() {
            return requestsPerMinute > 0;
        }
    }
}
