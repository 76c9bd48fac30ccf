package org.patientdocs.server;

import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.handler.CrossOriginHandler;

/**
 * Cross-origin access for browser clients (CORS), by Jetty's {@link CrossOriginHandler}, for the origins in
 * {@code http.cors.allowed-origins}; with none configured, the service sends no CORS headers at all.
 * <p>
 * The handler answers a preflight itself, before any filter of the service: a preflight carries no credentials, so
 * authentication must not see it (and it is not in the access log). Credentials travel in the
 * {@code Authorization} and {@code x-api-key} request headers, which the preflight allows, never in cookies, so the
 * answers do not allow credentials in the CORS sense. A request from an origin not listed gets no CORS headers, and
 * the browser keeps its answer from the script.
 */
final class Cors {

    /**
     * What a script may send: the credentials, and the headers of OData, of uploads and of resumable uploads (tus,
     * whose browser client may send its PATCH as a POST with {@code X-HTTP-Method-Override}).
     */
    private static final Set<String> REQUEST_HEADERS = Set.of("Authorization", "x-api-key", "Accept",
            "Content-Type", "Content-Disposition", "Slug", "If-Match", "If-None-Match", "Prefer", "OData-Version",
            "OData-MaxVersion", "Isolation", "OData-Isolation", "Tus-Resumable", "Upload-Length", "Upload-Metadata",
            "Upload-Offset", "Upload-Checksum", "X-HTTP-Method-Override");
    /** What a script may read beyond the CORS-safelisted response headers. */
    private static final Set<String> RESPONSE_HEADERS = Set.of("Location", "ETag", "OData-EntityId", "OData-Version",
            "Preference-Applied", "Content-Disposition", "Content-Length", "Allow", "Retry-After",
            "WWW-Authenticate", "X-Request-Id", "Tus-Resumable", "Tus-Version", "Tus-Extension", "Tus-Max-Size",
            "Tus-Checksum-Algorithm", "Upload-Offset", "Upload-Length", "Upload-Expires");
    private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");

    private Cors() {
    }

    /** The handler with CORS for the given origins around it, or the handler itself when there are none. */
    static Handler around(Handler handler, List<String> origins) {
        if (origins.isEmpty()) {
            return handler;
        }
        CrossOriginHandler cors = new CrossOriginHandler();
        // the handler takes regular expressions; configured origins are literal
        cors.setAllowedOriginPatterns(origins.stream().map(o -> o.equals("*") ? o : Pattern.quote(o))
                .collect(Collectors.toSet()));
        cors.setAllowCredentials(false);
        cors.setAllowedMethods(METHODS);
        cors.setAllowedHeaders(REQUEST_HEADERS);
        cors.setExposedHeaders(RESPONSE_HEADERS);
        cors.setHandler(handler);
        return cors;
    }
}
