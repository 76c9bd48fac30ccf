package org.patientdocs.server;

import java.io.IOException;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;

/**
 * An error answer to a request that has a body says {@code Connection: close}. Such answers often come before the
 * body is read (a refused If-Match, a validation error, an upload refused for a wrong key or an unknown patient), and
 * Jetty closes a connection whose request body is left unread rather than read megabytes nobody wants; a client not
 * told so would send its next request into the closed connection and get no answer. Waiting for the rest of the body
 * instead would let a client that withholds it hold a thread, so the rule is the same for every body, read or not.
 * Requests without a body keep their connection.
 */
final class UnreadBodyFilter implements Filter {

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest http = (HttpServletRequest) request;
        if (http.getContentLengthLong() <= 0 && http.getHeader("Transfer-Encoding") == null) {
            chain.doFilter(request, response);
        } else {
            chain.doFilter(request, new CloseOnError((HttpServletResponse) response));
        }
    }

    /** A response that says {@code Connection: close} when its status is an error. */
    private static final class CloseOnError extends HttpServletResponseWrapper {

        CloseOnError(HttpServletResponse response) {
            super(response);
        }

        @Override
        public void setStatus(int status) {
            closeOnError(status);
            super.setStatus(status);
        }

        @Override
        public void sendError(int status) throws IOException {
            closeOnError(status);
            super.sendError(status);
        }

        @Override
        public void sendError(int status, String message) throws IOException {
            closeOnError(status);
            super.sendError(status, message);
        }

        private void closeOnError(int status) {
            if (status >= 400 && !isCommitted()) {
                setHeader("Connection", "close");
            }
        }
    }
}
