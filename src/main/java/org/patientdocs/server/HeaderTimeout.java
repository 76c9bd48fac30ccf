package org.patientdocs.server;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.AbstractConnector;
import org.eclipse.jetty.server.internal.HttpConnection;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.NanoTime;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.eclipse.jetty.util.thread.Scheduler;
import org.patientdocs.error.ErrorResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers 408 and closes a connection whose request line and headers have not all arrived within
 * {@code http.header-timeout-ms} of their first byte. Jetty 12 has no such timeout: its idle timeout starts again with
 * every byte, so a client that sends a header line every few seconds, or blank lines before its request line (which
 * HTTP lets a server skip, and Jetty does), keeps its connection for ever.
 * <p>
 * A sweep on the connector's scheduler, ten times per timeout, looks at each connection: one whose parser is still
 * before the end of a request's headers and that has received bytes since the last request's headers were complete
 * is timed from the sweep that first saw those bytes, and refused once that is the timeout ago. So a client is
 * refused between the timeout and 1.2 times it after its first byte. A keep-alive connection that has received
 * nothing since its last request is no concern of this sweep: the idle timeout closes it.
 * <p>
 * The 408 is written straight to the connection, which is writing nothing else while its request's headers are
 * incomplete; only a client whose headers complete at that very moment could see its answer cut off.
 */
final class HeaderTimeout extends AbstractLifeCycle implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(HeaderTimeout.class);
    private static final long MAX_PERIOD_MILLIS = 1_000;

    private final AbstractConnector connector;
    private final long timeoutNanos;
    private final long periodMillis;
    private final byte[] refusal;
    /** The connections waiting for a request's headers, as the last sweep saw them; only the sweep's thread uses it. */
    private Map<HttpConnection, Waiting> waiting = new HashMap<>();
    private volatile Scheduler.Task next;

    HeaderTimeout(AbstractConnector connector, Duration timeout) {
        this.connector = connector;
        this.timeoutNanos = timeout.toNanos();
        this.periodMillis = Math.max(1, Math.min(MAX_PERIOD_MILLIS, timeout.toMillis() / 10));
        this.refusal = refusal(timeout);
    }

    /**
     * @param messages the requests whose headers had arrived on the connection when it was first seen waiting
     * @param bytesIn  the bytes the connection had received then, less those of a request still to come
     * @param since    when the sweep first saw bytes of the awaited request's headers, or -1 before
     */
    private record Waiting(long messages, long bytesIn, long since) {
    }

    @Override
    protected void doStart() {
        schedule();
    }

    @Override
    protected void doStop() {
        Scheduler.Task task = next;
        if (task != null) {
            task.cancel();
        }
        waiting = new HashMap<>();
    }

    private void schedule() {
        next = connector.getScheduler().schedule(this, periodMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void run() {
        try {
            sweep(NanoTime.now());
        } catch (RuntimeException e) {
            // the next sweep tries again; a connection closing under this one is nothing to report
            LOG.debug("header timeout sweep failed", e);
        } finally {
            if (isRunning()) {
                schedule();
            }
        }
    }

    private void sweep(long now) {
        Map<HttpConnection, Waiting> seen = new HashMap<>();
        int refused = 0;
        for (EndPoint endPoint : connector.getConnectedEndPoints()) {
            if (!(endPoint.getConnection() instanceof HttpConnection connection)
                    || !connection.getParser().inHeaderState()) {
                continue; // not HTTP/1, or receiving a body, being answered, closing
            }
            long messages = connection.getMessagesIn();
            long bytesIn = connection.getBytesIn();
            Waiting before = waiting.get(connection);
            if (before == null || before.messages() != messages) {
                // on a new connection every byte so far belongs to the awaited headers; after a request, none
                before = new Waiting(messages, messages == 0 ? 0 : bytesIn, -1);
            }
            long since = before.since() >= 0 ? before.since() : bytesIn > before.bytesIn() ? now : -1;
            if (since >= 0 && NanoTime.elapsed(since, now) >= timeoutNanos) {
                refuse(connection.getEndPoint());
                refused++;
            } else {
                seen.put(connection, new Waiting(messages, before.bytesIn(), since));
            }
        }
        waiting = seen;
        if (refused > 0) {
            LOG.info("answered 408 to {} connections whose request headers took longer than {} ms", refused,
                    TimeUnit.NANOSECONDS.toMillis(timeoutNanos));
        }
    }

    private void refuse(EndPoint endPoint) {
        try {
            endPoint.write(Callback.from(endPoint::close, failure -> endPoint.close()), ByteBuffer.wrap(refusal));
        } catch (RuntimeException e) {
            endPoint.close();
        }
    }

    /** The whole 408 answer, in the service's error shape, saying the connection closes. */
    private static byte[] refusal(Duration timeout) {
        ErrorResponse error = ErrorResponse.ofStatus(408, "The request line and headers did not arrive within "
                + timeout.toMillis() + " ms");
        byte[] body = error.body();
        StringBuilder head = new StringBuilder("HTTP/1.1 408 Request Timeout\r\n");
        error.headers().forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
        SecurityHeadersFilter.HEADERS.forEach((name, value) -> head.append(name).append(": ").append(value)
                .append("\r\n"));
        head.append("Connection: close\r\nContent-Length: ").append(body.length).append("\r\n\r\n");
        byte[] headBytes = head.toString().getBytes(StandardCharsets.US_ASCII);
        byte[] answer = new byte[headBytes.length + body.length];
        System.arraycopy(headBytes, 0, answer, 0, headBytes.length);
        System.arraycopy(body, 0, answer, headBytes.length, body.length);
        return answer;
    }
}
