package org.patientdocs.server;

import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import org.patientdocs.error.ServiceException;

/**
 * The HTTP methods Olingo does not know, and what every refused method owes the client (RFC 9110 §9.3, §15.5.6):
 * HEAD is answered as the GET of the same resource without its body, OPTIONS with {@code Allow} and
 * {@code OData-Version}, and every 405 names the allowed methods in {@code Allow}.
 */
final class HttpMethods {

    static final String ALLOW = "Allow";

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
     * The response, whose 405 names the methods {@code allow} supplies (none when the resource cannot be named: a
     * 405 for a path that does not parse is rare, and its error says what is wrong).
     */
    static HttpServletResponse allowOn405(HttpServletResponse response, Supplier<String> allow) {
        return new HttpServletResponseWrapper(response) {
            @Override
            public void setStatus(int status) {
                super.setStatus(status);
                if (status == HttpServletResponse.SC_METHOD_NOT_ALLOWED && !isCommitted() && !containsHeader(ALLOW)) {
                    try {
                        setHeader(ALLOW, allow.get());
                    } catch (ServiceException e) {
                        // the error answer says why this resource has no methods to name
                    }
                }
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
