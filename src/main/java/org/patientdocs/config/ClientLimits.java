package org.patientdocs.config;

import static org.patientdocs.config.ConfigException.invalid;

import java.time.Duration;

/**
 * What one client may hold of an instance, so that slow or hostile clients cannot stall it: threads, time and a
 * floor on the rate of request bodies. A request body is read by a blocked thread, so requests with a body are let in
 * a few at a time, leaving the other threads to everything else.
 *
 * @param maxThreads               the most threads serving connections and requests
 * @param idleTimeout              how long a connection may send and receive nothing, between requests, within a
 *                                 body or a download, before it is closed
 * @param headerTimeout            how long the request line and headers of one request may take to arrive in all,
 *                                 from their first byte; a connection over it is answered 408 and closed
 * @param minRequestBytesPerSecond the least average rate, from its first byte, at which a request body must arrive;
 *                                 a slower one is answered 408; zero: no floor
 * @param maxConcurrentBodies      the most requests with a body handled at once; more wait, without a thread
 * @param maxWaitingBodies         the most requests with a body waiting for their turn; more are answered 503 at once
 * @param bodyWait                 how long a request with a body waits for its turn before it is answered 503
 */
public record ClientLimits(int maxThreads, Duration idleTimeout, Duration headerTimeout, long minRequestBytesPerSecond,
                           int maxConcurrentBodies, int maxWaitingBodies, Duration bodyWait) {

    static final Range MAX_THREADS = new Range("http.max-threads", 16, 10_000);
    static final Range IDLE_TIMEOUT_MS = new Range("http.idle-timeout-ms", 100, 3_600_000);
    static final Range HEADER_TIMEOUT_MS = new Range("http.header-timeout-ms", 50, 600_000);
    static final Range MIN_REQUEST_BYTES_PER_SECOND =
            new Range("http.min-request-bytes-per-second", 0, 1_000_000_000);
    static final Range MAX_CONCURRENT_BODIES = new Range("http.max-concurrent-bodies", 1, 5_000);
    static final Range MAX_WAITING_BODIES = new Range("http.max-waiting-bodies", 0, 100_000);
    static final Range BODY_WAIT_MS = new Range("http.body-wait-ms", 100, 600_000);

    public ClientLimits {
        MAX_THREADS.check(maxThreads);
        IDLE_TIMEOUT_MS.check(idleTimeout.toMillis());
        HEADER_TIMEOUT_MS.check(headerTimeout.toMillis());
        MIN_REQUEST_BYTES_PER_SECOND.check(minRequestBytesPerSecond);
        MAX_CONCURRENT_BODIES.check(maxConcurrentBodies);
        MAX_WAITING_BODIES.check(maxWaitingBodies);
        BODY_WAIT_MS.check(bodyWait.toMillis());
        if (maxConcurrentBodies > maxThreads / 2) {
            // slow bodies could otherwise take every thread, which is what the limit is there to prevent
            throw invalid(MAX_CONCURRENT_BODIES.key(), "must be at most half of http.max-threads (" + maxThreads
                    + ")", maxConcurrentBodies);
        }
    }
}
