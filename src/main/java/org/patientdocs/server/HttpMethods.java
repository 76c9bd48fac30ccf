package org.patientdocs.server;

import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;

/**
 * The HTTP methods Olingo does not know, and what every refused method owes the client (RFC 9110 §9.3, §15.5.6):
 * HEAD is answered as the GET of the same resource without its body, and OPTIONS with {@code Allow} and
 * {@code OData-Version}. (Every 405 names the allowed methods in {@code Allow} too: see
 * {@link org.patientdocs.error.ErrorResponse#allowing}.)
 */
final class HttpMethods {

    private static final String ALLOW = "Allow";

    private HttpMethods() {
    }

    /** Answers OPTIONS: no body, the methods the resource supports. */
    static void answerOptions(HttpServletResponse response, String allow) {
        response.setStatus(HttpServletResponse.SC_OK);
        response.setHeader(ALLOW, allow);
        response.setHeader("OData-Version", "4.0");
        response.setContentLength(0);
    }

    /** The request as a GET, for Olingo to answer a HEAD with. */
    static HttpServletRequest asGet(HttpServletRequest request) {
        return new HttpServletRequestWrapper(request) {
            @Override
            public String getMethod() {
                return "GET";
            }
        };
    }

    /**
     * A response whose body is counted and dropped, for HEAD: once complete ({@link #finish}), it declares the
     * {@code Content-Length} the GET would have had, unless the answer declared one itself.
     */
    static final class Bodiless extends HttpServletResponseWrapper {

        private long length;
        private final ServletOutputStream discard = new ServletOutputStream() {
            @Override
            public void write(int b) {
                length++;
            }

            @Override
            public void write(byte[] bytes, int offset, int count) {
                length += count;
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

        Bodiless(HttpServletResponse response) {
            super(response);
        }

        @Override
        public ServletOutputStream getOutputStream() {
            return discard;
        }

        @Override
        public PrintWriter getWriter() {
            return new PrintWriter(new OutputStreamWriter(discard, StandardCharsets.UTF_8));
        }

        @Override
        public void resetBuffer() {
            length = 0;
            super.resetBuffer();
        }

        @Override
        public void reset() {
            length = 0;
            super.reset();
        }

        void finish() {
            if (length > 0 && !isCommitted() && !containsHeader("Content-Length")) {
                setContentLengthLong(length);
            }
        }
    }
}
