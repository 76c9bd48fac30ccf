package org.patientdocs.server;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;

/**
 * A request presented with another path, query string or public base URL than it arrived with: the canonical forms
 * of {@link UrlCompatibilityFilter}, the query string the parser reads ({@code QueryText.prepare}) and the configured
 * public base URL of {@link ODataServlet}. The request URL follows the path and the base.
 */
final class RewrittenRequest extends HttpServletRequestWrapper {

    private final String base;
    private final String uri;
    private final String query;

    /**
     * @param base  the public base URL (scheme, host and port), or null to keep the request's own
     * @param uri   the request path
     * @param query the query string, or null for none
     */
    RewrittenRequest(HttpServletRequest request, String base, String uri, String query) {
        super(request);
        this.base = base;
        this.uri = uri;
        this.query = query;
    }

    @Override
    public String getQueryString() {
        return query;
    }

    @Override
    public String getRequestURI() {
        return uri;
    }

    @Override
    public StringBuffer getRequestURL() {
        if (base != null) {
            return new StringBuffer(base).append(uri);
        }
        StringBuffer url = super.getRequestURL();
        url.setLength(url.length() - super.getRequestURI().length());
        return url.append(uri);
    }
}
