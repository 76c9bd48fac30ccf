package org.patientdocs.server;

import java.io.IOException;
import java.util.Objects;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import org.patientdocs.url.CanonicalUrls;

/**
 * Hands Olingo each request with its URL in the standard forms it parses ({@link CanonicalUrls}): the spec's
 * unquoted keys quoted, '+' in the query string a space.
 */
public final class UrlCompatibilityFilter implements Filter {

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest http = (HttpServletRequest) request;
        String uri = http.getRequestURI();
        String path = CanonicalUrls.path(uri);
        String query = CanonicalUrls.query(http.getQueryString());
        boolean unchanged = path.equals(uri) && Objects.equals(query, http.getQueryString());
        chain.doFilter(unchanged ? request : new RewrittenRequest(http, null, path, query), response);
    }
}
