package org.patientdocs.server;

import java.nio.ByteBuffer;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Measures every request that reaches the service: how long it took, by route template (e.g.
 * {@code /Documents({id})/$value}, never an id), method and status, as a histogram; the bytes of uploads as they are
 * received and of downloads as they are sent; and the uploads in flight. Measured where Jetty hands the request over,
 * so that the bytes are those that actually travelled, whether or not the request succeeded.
 */
final class HttpMetrics extends Handler.Wrapper {

    private static final String UPLOAD_ROUTE = "/Documents";
    /** The methods named in the metrics; one a client makes up is counted as OTHER, not as a series of its own. */
    private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");
    private static final String DOWNLOAD_ROUTE = "/$value";

    private final RouteTemplates routes;
    private final MeterRegistry registry;
    private final Counter uploaded;
    private final Counter downloaded;
    private final AtomicInteger uploadsInFlight = new AtomicInteger();

    HttpMetrics(RouteTemplates routes, MeterRegistry registry, Handler next) {
        super(next);
        this.routes = routes;
        this.registry = registry;
        this.uploaded = Counter.builder("patientdocs.upload.bytes").baseUnit("bytes")
                .description("Bytes of document uploads received").register(registry);
        this.downloaded = Counter.builder("patientdocs.download.bytes").baseUnit("bytes")
                .description("Bytes of document downloads sent").register(registry);
        registry.gauge("patientdocs.uploads.in.flight", uploadsInFlight);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String route = routes.of(request.getHttpURI().getPath());
        String method = METHODS.contains(request.getMethod()) ? request.getMethod() : "OTHER";
        boolean upload = "POST".equals(method) && route.endsWith(UPLOAD_ROUTE);
        boolean download = "GET".equals(method) && route.endsWith(DOWNLOAD_ROUTE);
        Timer.Sample sample = Timer.start(registry);
        if (upload) {
            uploadsInFlight.incrementAndGet();
        }
        AtomicBoolean ended = new AtomicBoolean();
        Runnable end = () -> {
            if (!ended.compareAndSet(false, true)) {
                return;
            }
            if (upload) {
                uploadsInFlight.decrementAndGet();
            }
            sample.stop(Timer.builder("http.server.requests").description("Requests by route template")
                    .tag("route", route).tag("method", method).tag("status", Integer.toString(response.getStatus()))
                    .publishPercentileHistogram().register(registry));
        };
        Request counted = upload ? new CountedRequest(request, uploaded) : request;
        Response sent = download ? new CountedResponse(counted, response, downloaded) : response;
        try {
            // recorded before the request is completed, so that the series is there as soon as it can be
            boolean handled = super.handle(counted, sent, Callback.from(end, callback));
            if (!handled) {
                // Jetty answers it, and completes the callback it holds, not the one handed on
                end.run();
            }
            return handled;
        } catch (Exception | Error e) {
            end.run();
            throw e;
        }
    }

    private static final class CountedRequest extends Request.Wrapper {
        private final Counter bytes;

        CountedRequest(Request request, Counter bytes) {
            super(request);
            this.bytes = bytes;
        }

        @Override
        public Content.Chunk read() {
            Content.Chunk chunk = super.read();
            if (chunk != null && chunk.hasRemaining()) {
                bytes.increment(chunk.remaining());
            }
            return chunk;
        }
    }

    private static final class CountedResponse extends Response.Wrapper {
        private final Counter bytes;

        CountedResponse(Request request, Response response, Counter bytes) {
            super(request, response);
            this.bytes = bytes;
        }

        @Override
        public void write(boolean last, ByteBuffer content, Callback callback) {
            if (content != null && content.hasRemaining()) {
                bytes.increment(content.remaining());
            }
            super.write(last, content, callback);
        }
    }
}
