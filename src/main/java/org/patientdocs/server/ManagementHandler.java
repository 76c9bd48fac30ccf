package org.patientdocs.server;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.patientdocs.error.ErrorResponse;
import org.patientdocs.error.SafeTrace;
import org.patientdocs.error.ServiceException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers {@code /health/live}, {@code /health/ready} and {@code /metrics} before anything else sees the request:
 * outside the rate limits, the audit trail, the access log and OData, and while the service drains (so that the load
 * balancer learns it is stopping). The health checks need no credentials. On a management port of its own
 * ({@code management.port}), that port answers these three (and {@code POST /backup}) and nothing else, and the
 * service's port does not answer the health checks. {@code /metrics} is answered on the management port, and on the service's port only to the
 * bearer of {@code management.metrics-token}, compared in constant time. {@code POST /backup} ({@link Backups}) is
 * answered on the management port only, and only when the database is an H2 file.
 */
final class ManagementHandler extends Handler.Wrapper {

    static final String LIVE = "/health/live";
    static final String READY = "/health/ready";
    static final String METRICS = "/metrics";
    static final String BACKUP = "/backup";
    private static final String JSON = "application/json";
    private static final Logger LOG = LoggerFactory.getLogger(ManagementHandler.class);

    private final Health health;
    private final ServiceMetrics metrics;
    /** The management port's connector, or null when the service's port answers the health checks. */
    private final Connector managementConnector;
    /** The bytes of {@code management.metrics-token}, or null when the service's port never answers the metrics. */
    private final byte[] metricsToken;
    /** The service's backups, or null when its database is not an H2 file. */
    private final Backups backups;

    ManagementHandler(Health health, ServiceMetrics metrics, Connector managementConnector, String metricsToken,
                      Backups backups, Handler next) {
        super(next);
        this.health = health;
        this.metrics = metrics;
        this.managementConnector = managementConnector;
        this.metricsToken = metricsToken.isEmpty() ? null : metricsToken.getBytes(StandardCharsets.UTF_8);
        this.backups = backups;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        boolean onManagementPort = managementConnector != null
                && request.getConnectionMetaData().getConnector() == managementConnector;
        String path = Request.getPathInContext(request);
        if ((managementConnector == null || onManagementPort) && (LIVE.equals(path) || READY.equals(path))) {
            answer(request, response, callback, path);
            return true;
        }
        if (METRICS.equals(path) && (onManagementPort || metricsToken != null)) {
            if (onManagementPort || presentsToken(request)) {
                answer(request, response, callback, path);
            } else {
                write(request, response, callback, ErrorResponse.ofStatus(401, "The metrics token is required"));
            }
            return true;
        }
        if (onManagementPort && BACKUP.equals(path)) {
            backUp(request, response, callback);
            return true;
        }
        if (onManagementPort) {
            write(request, response, callback, ErrorResponse.ofStatus(404, "Not Found"));
            return true;
        }
        return super.handle(request, response, callback);
    }

    private void answer(Request request, Response response, Callback callback, String path) {
        String method = request.getMethod();
        if (!"GET".equals(method) && !"HEAD".equals(method)) {
            write(request, response, callback, ErrorResponse.ofStatus(405, "Method Not Allowed")
                    .allowing(() -> "GET, HEAD"));
            return;
        }
        int status;
        String body;
        if (METRICS.equals(path)) {
            response.setStatus(200);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, ServiceMetrics.CONTENT_TYPE);
            send(request, response, callback, metrics.scrape());
            return;
        }
        if (LIVE.equals(path)) {
            // the process answers: that is all liveness says, so that a slow database never gets it restarted
            status = 200;
            body = "{\"status\":\"live\"}";
        } else {
            Health.Report report = health.report();
            status = report.ready() ? 200 : 503;
            body = report.json();
        }
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, JSON);
        send(request, response, callback, body.getBytes(StandardCharsets.UTF_8));
    }

    /** Writes a backup while the caller waits: it is the operator's command, not a request of a client. */
    private void backUp(Request request, Response response, Callback callback) {
        if (!"POST".equals(request.getMethod())) {
            write(request, response, callback, ErrorResponse.ofStatus(405, "Method Not Allowed")
                    .allowing(() -> "POST"));
            return;
        }
        if (backups == null) {
            write(request, response, callback, ErrorResponse.ofStatus(501, "The service writes backups of an H2 file"
                    + " database only; back up PostgreSQL with pg_dump (README: Backups and restores)"));
            return;
        }
        byte[] written;
        try {
            written = backups.write();
        } catch (Backups.Busy e) {
            write(request, response, callback, ErrorResponse.ofStatus(409, "A backup is being written; ask again"
                    + " once it is done"));
            return;
        } catch (ServiceException e) {
            // the audit trail's journal could not be moved first (AuditLog, 503): the backup would lack those accesses
            write(request, response, callback, ErrorResponse.of(e));
            return;
        } catch (IOException | RuntimeException e) {
            // by kind and frames only: an I/O failure's message names the file, whose name is a document's id
            LOG.error("the backup could not be written: {}", SafeTrace.describe(e));
            write(request, response, callback, ErrorResponse.ofStatus(500, "The backup could not be written: "
                    + e.getClass().getSimpleName() + "; the service's log says more"));
            return;
        }
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, JSON);
        send(request, response, callback, written);
    }

    /** Whether the request carries {@code Authorization: Bearer <the metrics token>}; compared in constant time. */
    private boolean presentsToken(Request request) {
        String authorization = request.getHeaders().get(HttpHeader.AUTHORIZATION);
        String prefix = "Bearer ";
        if (authorization == null || !authorization.regionMatches(true, 0, prefix, 0, prefix.length())) {
            return false;
        }
        byte[] presented = authorization.substring(prefix.length()).trim().getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(presented, metricsToken);
    }

    private static void write(Request request, Response response, Callback callback, ErrorResponse error) {
        response.setStatus(error.status());
        error.headers().forEach(response.getHeaders()::put);
        send(request, response, callback, error.body());
    }

    private static void send(Request request, Response response, Callback callback, byte[] body) {
        SecurityHeadersFilter.HEADERS.forEach(response.getHeaders()::put);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        boolean head = "HEAD".equals(request.getMethod());
        response.write(true, head ? ByteBuffer.allocate(0) : ByteBuffer.wrap(body), callback);
    }
}
