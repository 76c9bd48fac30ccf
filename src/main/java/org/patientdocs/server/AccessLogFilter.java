package org.patientdocs.server;

import java.io.IOException;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.patientdocs.error.RequestIds;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Gives each request an id (in the log context and the {@code X-Request-Id} response header) and logs one line when
 * it ends: method, route shape, status and duration. Never ids, file names, query strings, tokens or keys.
 */
final class AccessLogFilter implements Filter {

    private static final Logger LOG = LoggerFactory.getLogger("access");

    private final RouteTemplates routes;

    AccessLogFilter(RouteTemplates routes) {
        this.routes = routes;
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest http = (HttpServletRequest) request;
        HttpServletResponse out = (HttpServletResponse) response;
        String id = RequestIds.newId();
        long start = System.nanoTime();
        MDC.put(RequestIds.MDC_KEY, id);
        out.setHeader(RequestIds.HEADER, id);
        try {
            chain.doFilter(request, response);
        } finally {
            LOG.info("{} {} {} {}ms", http.getMethod(), routes.of(http.getRequestURI()), out.getStatus(),
                    (System.nanoTime() - start) / 1_000_000);
            MDC.remove(RequestIds.MDC_KEY);
        }
    }
}
