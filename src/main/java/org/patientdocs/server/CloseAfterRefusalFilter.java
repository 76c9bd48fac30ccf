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
 * An error answer to a request that carries a body says {@code Connection: close}. The service refuses an upload
 * (a wrong key, an unknown patient, a bad type) before reading its body, and Jetty then closes the connection rather
 * than read megabytes nobody wants; a client not told so would send its next request into the closed connection and
 * get no answer. Requests without a body keep their connection.
 */
final class CloseAfterRefusalFilter implements Filter {

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest http = (HttpServletRequest) request;
        if (http.getContentLengthLong() <= 0 && http.getHeader("Transfer-Encoding") == null) {
            chain.doFilter(request, response);
            return;
        }
        chain.doFilter(request, new HttpServletResponseWrapper((HttpServletResponse) response) {
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
        });
    }
}
