package org.patientdocs.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import org.patientdocs.error.ErrorResponse;
import org.patientdocs.error.ServiceException;

/**
 * The answer to a request, held back until every read of PHI the request made is recorded durably in the audit trail:
 * no byte of it, nor its status and headers, leaves the service before then. Reads queue their events as soon as they
 * know what they answer ({@code AccessAudit}), and the answer is written meanwhile into this hold: the audit trail's
 * commit overlaps the serialization of the answer instead of preceding it.
 * <p>
 * The answer is released, after the wait, when the hold is full ({@value #HOLD_BYTES} bytes), when it is closed, when
 * a download is about to be sent ({@link #released}), or when the request is done ({@link #finish}). Once released, each later write waits for the events recorded
 * since, which returns at once when there are none. When the events cannot be recorded before the release, nothing
 * held is sent: the status and headers set so far are dropped and the answer is the audit trail's 503.
 */
final class HeldAnswer extends HttpServletResponseWrapper {

    /** The most of an answer held: enough for a page of entities; a download goes on unheld after its first bytes. */
    static final int HOLD_BYTES = 64 * 1024;

    /** Waits until everything the request read is recorded; throws {@link ServiceException} when it cannot be. */
    @FunctionalInterface
    interface Recorded {
        void await();
    }

    private enum State { HOLDING, RELEASED, REFUSED }

    private final HttpServletResponse response;
    private final Recorded recorded;
    /** The headers set before the request was processed (its id, say), which an error answer keeps. */
    private final Map<String, List<String>> before = new LinkedHashMap<>();
    private final ByteArrayOutputStream held = new ByteArrayOutputStream();
    private State state = State.HOLDING;
    private final ServletOutputStream out = new ServletOutputStream() {
        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] bytes, int offset, int count) throws IOException {
            if (state == State.HOLDING && held.size() + count <= HOLD_BYTES) {
                held.write(bytes, offset, count);
                return;
            }
            released().getOutputStream().write(bytes, offset, count);
        }

        @Override
        public void flush() throws IOException {
            // serializers flush when done: what is held stays held until it is full or the answer is complete
            if (state != State.HOLDING) {
                released().getOutputStream().flush();
            }
        }

        @Override
        public void close() throws IOException {
            released().getOutputStream().close();
        }

        @Override
        public boolean isReady() {
            return true;
        }

        @Override
        public void setWriteListener(WriteListener listener) {
            throw new UnsupportedOperationException("the service writes responses blocking");
        }
    };

    HeldAnswer(HttpServletResponse response, Recorded recorded) {
        super(response);
        this.response = response;
        this.recorded = recorded;
        response.getHeaderNames().forEach(name -> before.put(name, new ArrayList<>(response.getHeaders(name))));
    }

    /**
     * The response itself, to write to directly (a download's bytes), once everything read so far is recorded and what
     * was held is written.
     *
     * @throws ServiceException when the reads cannot be recorded: then nothing of the answer has been sent, and the
     *                          response is as it was before the request was processed, ready for the error's answer
     */
    HttpServletResponse released() throws IOException {
        if (state == State.HOLDING) {
            try {
                recorded.await();
            } catch (ServiceException e) {
                state = State.REFUSED;
                held.reset();
                response.reset();
                before.forEach((name, values) -> values.forEach(value -> response.addHeader(name, value)));
                throw e;
            }
            state = State.RELEASED;
            if (held.size() > 0) {
                held.writeTo(response.getOutputStream());
                held.reset();
            }
        } else if (state == State.RELEASED) {
            recorded.await();
        }
        return response;
    }

    /**
     * Sends what is held once the request's reads are recorded, or, when they cannot be, the audit trail's 503 instead.
     */
    void finish() throws IOException {
        if (state == State.REFUSED) {
            return;
        }
        try {
            released();
        } catch (ServiceException e) {
            ErrorResponse.of(e).write(response);
        }
    }

    /** Whether the audit trail refused the answer: an error answer then goes to the response directly. */
    boolean refused() {
        return state == State.REFUSED;
    }

    @Override
    public ServletOutputStream getOutputStream() throws IOException {
        // once released, the answer's later writes (a download's) go to the response's own stream, as fast as it is
        return state == State.RELEASED ? response.getOutputStream() : out;
    }

    @Override
    public PrintWriter getWriter() throws IOException {
        return new PrintWriter(new OutputStreamWriter(getOutputStream(), Charset.forName(getCharacterEncoding())));
    }

    @Override
    public void flushBuffer() throws IOException {
        released().flushBuffer();
    }

    @Override
    public boolean isCommitted() {
        return state != State.HOLDING && response.isCommitted();
    }

    @Override
    public void reset() {
        held.reset();
        response.reset();
    }

    @Override
    public void resetBuffer() {
        held.reset();
        response.resetBuffer();
    }
}
