package org.patientdocs.server;

import java.io.IOException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;

/**
 * Accepts the spec's unquoted key forms, {@code Patients(12345)} and {@code Documents(doc-abc123)}, by rewriting
 * them to the standard quoted forms ({@code Patients('12345')}) before Olingo parses the URL. Both keys are strings,
 * so an unquoted key can only mean the string it spells. Quoted and named keys pass unchanged.
 */
public final class KeyCompatibilityFilter implements Filter {

    private static final Pattern UNQUOTED_KEY = Pattern.compile("^(Patients|Documents)\\(([^'()=,]+)\\)$");

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest http = (HttpServletRequest) request;
        String uri = http.getRequestURI();
        String canonical = canonicalPath(uri);
        chain.doFilter(canonical.equals(uri) ? request : new Rewritten(http, canonical), response);
    }

    /** The path with every unquoted string key quoted. */
    static String canonicalPath(String path) {
        if (path.indexOf('(') < 0) {
            return path;
        }
        String[] segments = path.split("/", -1);
        for (int i = 0; i < segments.length; i++) {
            Matcher m = UNQUOTED_KEY.matcher(segments[i]);
            if (m.matches() && !m.group(2).startsWith("%27")) {
                segments[i] = m.group(1) + "('" + m.group(2) + "')";
            }
        }
        return String.join("/", segments);
    }

    private static final class Rewritten extends HttpServletRequestWrapper {
        private final String uri;

        Rewritten(HttpServletRequest request, String uri) {
            super(request);
            this.uri = uri;
        }

        @Override
        public String getRequestURI() {
            return uri;
        }

        @Override
        public StringBuffer getRequestURL() {
            StringBuffer url = super.getRequestURL();
            String original = super.getRequestURI();
            url.setLength(url.length() - original.length());
            return url.append(uri);
        }
    }
}
