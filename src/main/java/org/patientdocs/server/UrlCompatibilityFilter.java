package org.patientdocs.server;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import org.patientdocs.url.QueryText;

/**
 * Rewrites URL forms Olingo does not parse into the standard ones, before it sees them:
 * <ul>
 * <li>the spec's unquoted keys, {@code Patients(12345)} and {@code Documents(doc-abc123)}, become the quoted forms
 * ({@code Patients('12345')}); both keys are strings, so an unquoted key can only mean the string it spells;</li>
 * <li>system query options in any case and without the {@code $} prefix ({@code $FILTER=}, {@code filter=}), as
 * OData 4.01 requires, become {@code $filter=};</li>
 * <li>a {@code +} in the query string means a space, as form encoding (curl's {@code --data-urlencode}, Python's
 * {@code requests}) writes it; a literal plus must be sent as {@code %2B}, as OData tells clients to.</li>
 * </ul>
 * Quoted and named keys, parameter aliases as keys and custom query options pass unchanged.
 */
public final class UrlCompatibilityFilter implements Filter {

    private static final Pattern UNQUOTED_KEY = Pattern.compile("^(Patients|Documents)\\(([^'()=,]+)\\)$");

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest http = (HttpServletRequest) request;
        String uri = http.getRequestURI();
        String path = canonicalPath(uri);
        String query = canonicalQuery(http.getQueryString());
        boolean unchanged = path.equals(uri) && Objects.equals(query, http.getQueryString());
        chain.doFilter(unchanged ? request : new Rewritten(http, path, query), response);
    }

    /** The query string with system query option names in their canonical {@code $name} form. */
    static String canonicalQuery(String query) {
        if (query == null || query.isEmpty()) {
            return query;
        }
        String[] params = query.replace("+", "%20").split("&", -1);
        for (int i = 0; i < params.length; i++) {
            int eq = params[i].indexOf('=');
            String rawName = eq < 0 ? params[i] : params[i].substring(0, eq);
            String name = URLDecoder.decode(rawName, StandardCharsets.UTF_8);
            String option = QueryText.systemOption(name);
            if (option != null) {
                params[i] = option + (eq < 0 ? "" : params[i].substring(eq));
            }
        }
        return String.join("&", params);
    }

    /** The path with every unquoted string key quoted. */
    static String canonicalPath(String path) {
        if (path.indexOf('(') < 0) {
            return path;
        }
        String[] segments = path.split("/", -1);
        for (int i = 0; i < segments.length; i++) {
            Matcher m = UNQUOTED_KEY.matcher(segments[i]);
            // A key starting with @ is a parameter alias (Patients(@k)?@k='12345'), which the parser resolves.
            if (m.matches() && !m.group(2).startsWith("%27") && !m.group(2).startsWith("@")
                    && !m.group(2).startsWith("%40")) {
                segments[i] = m.group(1) + "('" + m.group(2) + "')";
            }
        }
        return String.join("/", segments);
    }

    private static final class Rewritten extends HttpServletRequestWrapper {
        private final String uri;
        private final String query;

        Rewritten(HttpServletRequest request, String uri, String query) {
            super(request);
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
            StringBuffer url = super.getRequestURL();
            String original = super.getRequestURI();
            url.setLength(url.length() - original.length());
            return url.append(uri);
        }
    }
}
