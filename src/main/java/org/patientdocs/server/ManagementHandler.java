package org.patientdocs.server;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.patientdocs.error.ErrorResponse;

/**
 * Answers {@code /health/live} and {@code /health/ready} before anything else sees the request: without credentials,
 * outside the rate limits, the audit trail, the access log and OData, and while the service drains (so that the load
 * balancer learns it is stopping). On a management port of its own ({@code management.port}), that port answers
 * these and nothing else, and the service's port does not answer them at all.
 */
final class ManagementHandler extends Handler.Wrapper {

    static final String LIVE = "/health/live";
    static final String READY = "/health/ready";
    private static final String JSON = "application/json";

    private final Health health;
    /** The management port's connector, or null when the service's port answers the health checks. */
    private final Connector managementConnector;

    ManagementHandler(Health health, Connector managementConnector, Handler next) {
        super(next);
        this.health = health;
        this.managementConnector = managementConnector;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        boolean onManagementPort = managementConnector != null
                && request.getConnectionMetaData().getConnector() == managementConnector;
        if (managementConnector == null || onManagementPort) {
            String path = Request.getPathInContext(request);
            if (LIVE.equals(path) || READY.equals(path)) {
                answer(request, response, callback, path);
                return true;
            }
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
