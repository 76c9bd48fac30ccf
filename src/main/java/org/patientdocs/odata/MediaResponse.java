package org.patientdocs.odata;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.olingo.commons.api.http.HttpStatusCode;
import org.apache.olingo.server.api.ODataResponse;
import org.eclipse.jetty.ee10.servlet.HttpOutput;
import org.patientdocs.storage.ContentBuffers;

/**
 * How a download's bytes reach the client. Olingo copies a response body through an 8 KiB buffer between two
 * channels, which costs about a third of a fast download's speed; so for a request of its own the servlet takes the
 * open stream and, once Olingo has set the status and headers, copies it through a large buffer itself: a file
 * through a direct buffer, from the page cache to the socket without a copy on the heap. Inside a {@code $batch} a
 * body must be part of Olingo's multipart answer, so there it is handed to Olingo. One instance serves one request;
 * not thread-safe.
 */
public final class MediaResponse {

    /** Large enough that each write goes to the socket without Jetty copying it into its aggregation buffer. */
    private static final int BUFFER_SIZE = 256 * 1024;
    /** Direct buffers are costly to make and freed only by a garbage collection: kept for reuse, this many. */
    private static final BlockingQueue<ByteBuffer> DIRECT_BUFFERS = new ArrayBlockingQueue<>(32);

    private final boolean direct;
    private final boolean body;
    private InputStream pending;

    private MediaResponse(boolean direct, boolean body) {
        this.direct = direct;
        this.body = body;
    }

    /** For a request of its own: the servlet copies the body after Olingo is done ({@link #copyTo}). */
    public static MediaResponse direct() {
        return new MediaResponse(true, true);
    }

    /** For a HEAD request: the answer's headers only, so the content is never opened. */
    public static MediaResponse headersOnly() {
        return new MediaResponse(true, false);
    }

    /** For the operations of a batch: every body is Olingo's (though document content is refused there). */
    public static MediaResponse viaOlingo() {
        return new MediaResponse(false, true);
    }

    /** Whether a processor handed over content for {@link #copyTo} to send. */
    public boolean hasContent() {
        return pending != null;
    }

    /** Whether the answer carries the content; if not, a processor sets the headers and does not open it. */
    boolean sendsBody() {
        return body;
    }

    /** Sends {@code body} as the response's content; the stream is closed once sent (or once discarded). */
    void send(ODataResponse response, InputStream body) {
        if (direct) {
            discard();
            pending = body;
        } else {
            response.setContent(body);
        }
    }

    /**
     * Writes the body a processor handed over, if any, to the response whose status and headers Olingo has set,
     * and closes it. A response that is not a success gets no body from here (the stream is only closed).
     */
    public void copyTo(HttpServletResponse response) throws IOException {
        if (pending == null) {
            return;
        }
        try (InputStream in = pending) {
            pending = null;
            if (response.getStatus() != HttpStatusCode.OK.getStatusCode()
                    && response.getStatus() != HttpStatusCode.PARTIAL_CONTENT.getStatusCode()) {
                return;
            }
            ServletOutputStream out = response.getOutputStream();
            if (in instanceof FileInputStream file && out instanceof HttpOutput jetty) {
                copy(file.getChannel(), jetty);
            } else if (in instanceof ContentBuffers buffers && out instanceof HttpOutput jetty) {
                // decrypted content: each segment written as it was decrypted, without copying it first
                for (ByteBuffer buffer = buffers.nextBuffer(); buffer != null; buffer = buffers.nextBuffer()) {
                    jetty.write(buffer);
                }
            } else {
                copy(in, out);
            }
        }
    }

    private static void copy(FileChannel file, HttpOutput out) throws IOException {
        ByteBuffer buffer = DIRECT_BUFFERS.poll();
        if (buffer == null) {
            buffer = ByteBuffer.allocateDirect(BUFFER_SIZE);
        }
        try {
            buffer.clear();
            while (file.read(buffer) >= 0) {
                buffer.flip();
                out.write(buffer);
                buffer.clear();
            }
        } finally {
            buffer.clear();
            DIRECT_BUFFERS.offer(buffer);
        }
    }

    private static void copy(InputStream in, OutputStream out) throws IOException {
        byte[] buffer = new byte[BUFFER_SIZE];
        for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
            out.write(buffer, 0, read);
        }
    }

    /** Closes a body that was handed over but will not be sent (the request failed after the processor ran). */
    public void discard() {
        if (pending != null) {
            try {
                pending.close();
            } catch (IOException ignored) {
                // nothing was sent from it; a failure to close a read-only stream loses nothing
            }
            pending = null;
        }
    }
}
