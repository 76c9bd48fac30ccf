package org.patientdocs.server;

import java.io.IOException;
import java.util.concurrent.TimeoutException;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpStatus;
import org.patientdocs.error.ServiceException;

/**
 * Opens the request body only when something reads it. Olingo asks for the stream up front, and Jetty answers
 * {@code Expect: 100-continue} as soon as the stream is asked for: a client would then send a body the service
 * is about to refuse (too large, unknown patient) before it hears the refusal.
 */
final class LazyBody extends HttpServletRequestWrapper {
    private final BodyRate rate;
    private ServletInputStream body;

    LazyBody(HttpServletRequest request, BodyRate rate) {
        super(request);
        this.rate = rate;
    }

    @Override
    public ServletInputStream getInputStream() {
        return new ServletInputStream() {
            private ServletInputStream real() throws IOException {
                if (body == null) {
                    body = LazyBody.super.getInputStream();
                }
                return body;
            }

            @Override
            public int read() throws IOException {
                // rarely called (readers take buffers): one rule for the rate and the timeouts, below
                byte[] one = new byte[1];
                int read = read(one, 0, 1);
                return read < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                try {
                    int read = real().read(b, off, len);
                    rate.arrived(read);
                    return read;
                } catch (IOException e) {
                    throw tooSlow(e);
                } catch (RuntimeException e) {
                    throw tooSlow(e);
                }
            }

            @Override
            public int available() throws IOException {
                return body == null ? 0 : body.available();
            }

            @Override
            public boolean isFinished() {
                return body != null && body.isFinished();
            }

            @Override
            public boolean isReady() {
                return body == null || body.isReady();
            }

            @Override
            public void setReadListener(ReadListener listener) {
                throw new UnsupportedOperationException("the service reads request bodies blocking");
            }

            @Override
            public void close() throws IOException {
                if (body != null) {
                    body.close();
                }
            }
        };
    }

    /**
     * A body that stalled, whoever was reading it (an upload, a JSON body, a batch), is the client's 408: Jetty fails
     * the read with a timeout when it stalls for {@code http.idle-timeout-ms}, or with its own 408. Any other failure
     * is rethrown as it is; so is the 408 of {@link BodyRate}, a {@code ServiceException} already.
     */
    private static <E extends Exception> E tooSlow(E failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof HttpException http && http.getCode() == HttpStatus.REQUEST_TIMEOUT_408
                    || t instanceof TimeoutException) {
                throw new ServiceException.RequestTimeout("The request body did not arrive in time: it came too"
                        + " slowly or stopped; send it again", failure);
            }
        }
        return failure;
    }
}
