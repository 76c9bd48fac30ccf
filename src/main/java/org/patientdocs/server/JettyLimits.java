package org.patientdocs.server;

import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.QoSHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.patientdocs.config.ClientLimits;

/**
 * {@link ClientLimits} as Jetty's settings, so that slow or hostile clients cannot stall the service:
 * <ul>
 * <li>a bounded thread pool. Its queue of tasks is not bounded: Jetty 12 warns against a bounded one, which refuses
 * Jetty's own tasks (completing a write, say) as readily as new work and leaves connections hanging or closed without
 * an answer. What waits is bounded where it can be answered instead: requests with a body, below;</li>
 * <li>the connector's idle timeout, and {@link HeaderTimeout} for the request line and headers as a whole;</li>
 * <li>requests with a body handled a few at a time ({@link QoSHandler}). A body is read by a blocked thread, as long as
 * the client takes to send it, so without this limit slow uploads could take every thread. Requests over the limit wait
 * without a thread, at most {@code http.max-waiting-bodies} of them, and are answered 503 (with Retry-After) when
 * that queue is full or their turn does not come within {@code http.body-wait-ms}. Headers are read without a
 * thread.</li>
 * </ul>
 * The floor on the rate of request bodies is {@link BodyRate}'s, which the servlet applies as it reads.
 */
final class JettyLimits {

    /** Threads kept even when idle, ready for a burst. */
    private static final int MIN_THREADS = 8;
    /** How long a thread above the minimum stays without work before it ends. */
    private static final int THREAD_IDLE_MILLIS = 60_000;

    private JettyLimits() {
    }

    static QueuedThreadPool threadPool(ClientLimits limits) {
        QueuedThreadPool pool = new QueuedThreadPool(limits.maxThreads(), MIN_THREADS, THREAD_IDLE_MILLIS);
        pool.setName("http");
        return pool;
    }

    static void apply(ClientLimits limits, ServerConnector connector) {
        connector.setIdleTimeout(limits.idleTimeout().toMillis());
        connector.addBean(new HeaderTimeout(connector, limits.headerTimeout()));
    }

    /** Lets requests with a body reach {@code next} at most {@code http.max-concurrent-bodies} at once. */
    static Handler bodiesInTurn(ClientLimits limits, Handler next) {
        QoSHandler turns = new QoSHandler(next);
        turns.setMaxRequestCount(limits.maxConcurrentBodies());
        turns.setMaxSuspendedRequestCount(limits.maxWaitingBodies());
        turns.setMaxSuspend(limits.bodyWait());
        turns.include(JettyLimits::hasBody);
        return turns;
    }

    private static boolean hasBody(Request request) {
        HttpFields headers = request.getHeaders();
        return headers.getLongField(HttpHeader.CONTENT_LENGTH) > 0 || headers.contains(HttpHeader.TRANSFER_ENCODING);
    }
}
