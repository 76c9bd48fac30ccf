package org.patientdocs.config;

import static org.patientdocs.config.ConfigException.invalid;

import java.time.Duration;

/**
 * What the people who run the service need of it: where the health checks and the metrics are answered, and how it
 * stops.
 *
 * @param managementPort the port of a separate listener for {@code /health/*} and {@code /metrics} (and nothing
 *                       else), on {@code http.host}; null: the health checks are answered on {@code http.port}. Zero
 *                       picks a free port.
 * @param metricsToken   a bearer token that opens {@code /metrics} on {@code http.port}; empty: only the management
 *                       port answers it
 * @param shutdownDelay  how long, once told to stop, the service keeps serving while {@code /health/ready} already
 *                       answers 503, so that a load balancer stops sending before requests are refused
 * @param shutdownGrace  how long requests in flight (uploads, downloads) may then take to finish before their
 *                       connections are closed
 * @param logFormat      how log lines are written: as text, or one JSON object per line
 */
public record Operations(Integer managementPort, String metricsToken, Duration shutdownDelay,
                         Duration shutdownGrace, LogFormat logFormat) {

    /** {@code text}: one line of text per event; {@code json}: one JSON object per line, for log collectors. */
    public enum LogFormat { TEXT, JSON }

    static final String MANAGEMENT_PORT = "management.port";
    static final Range MANAGEMENT_PORT_RANGE = new Range(MANAGEMENT_PORT, 0, 65535);
    static final String METRICS_TOKEN = "management.metrics-token";
    /** Long enough not to be guessed; a token is compared in constant time, so its length is all that matters. */
    static final int MIN_TOKEN_LENGTH = 32;
    static final Range SHUTDOWN_DELAY_SECONDS = new Range("shutdown.delay-seconds", 0, 3600);
    static final Range SHUTDOWN_GRACE_SECONDS = new Range("shutdown.grace-seconds", 0, 3600);

    public Operations {
        if (managementPort != null) {
            MANAGEMENT_PORT_RANGE.check(managementPort);
        }
        metricsToken = metricsToken == null ? "" : metricsToken;
        if (!metricsToken.isEmpty() && (metricsToken.length() < MIN_TOKEN_LENGTH || !metricsToken.matches("[!-~]+"))) {
            // the value is a secret: only its length is echoed
            throw invalid(METRICS_TOKEN, "must be empty or at least " + MIN_TOKEN_LENGTH + " printable characters"
                    + " without spaces", "(a value of length " + metricsToken.length() + ")");
        }
        if (shutdownDelay == null || shutdownGrace == null) {
            throw invalid("shutdown.*", "must be set", "");
        }
        if (logFormat == null) {
            throw invalid("log.format", "must be text or json", "");
        }
        SHUTDOWN_DELAY_SECONDS.check(shutdownDelay.toSeconds());
        SHUTDOWN_GRACE_SECONDS.check(shutdownGrace.toSeconds());
    }

    /** Whether {@code /metrics} is answered on the service's port, to the bearer of {@link #metricsToken}. */
    public boolean metricsByToken() {
        return !metricsToken.isEmpty();
    }

    /** Whether the health checks have a listener of their own. */
    public boolean separateManagementPort() {
        return managementPort != null;
    }
}
