package org.patientdocs.server;

import java.net.URI;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

import jakarta.servlet.http.HttpServletRequest;
import org.patientdocs.config.ServiceConfig;

/**
 * The service root as clients see it, for absolute links ({@code @odata.context}, {@code @odata.nextLink},
 * {@code Location}): the configured public base URL; else, for a request from a trusted proxy, the scheme, host and
 * port it forwarded ({@code Forwarded}, RFC 7239, or {@code X-Forwarded-Proto/-Host/-Port}); else the request's own.
 */
final class BaseUrls {

    /** A host name or IPv4 or bracketed IPv6 address, with an optional port; nothing else reaches a link. */
    private static final Pattern AUTHORITY =
            Pattern.compile("[A-Za-z0-9.\\-]+(:[0-9]{1,5})?|\\[[0-9A-Fa-f:.]+\\](:[0-9]{1,5})?");

    private final URI publicBaseUrl;
    private final Set<String> trustedProxies;

    BaseUrls(ServiceConfig.Http http) {
        this.publicBaseUrl = http.publicBaseUrl();
        this.trustedProxies = http.trustedProxies();
    }

    /** The base without a trailing slash, or null when the request's own applies. */
    String baseFor(HttpServletRequest request) {
        if (publicBaseUrl != null) {
            return publicBaseUrl.toString();
        }
        if (!trustedProxies.contains(request.getRemoteAddr())) {
            return null;
        }
        String proto = null;
        String host = null;
        String forwarded = request.getHeader("Forwarded");
        if (forwarded != null) {
            // The first element is the one the client's request reached the first proxy with.
            for (String pair : forwarded.split(",")[0].split(";")) {
                String[] kv = pair.trim().split("=", 2);
                if (kv.length == 2) {
                    String value = kv[1].trim().replace("\"", "");
                    switch (kv[0].trim().toLowerCase(Locale.ROOT)) {
                        case "proto" -> proto = value;
                        case "host" -> host = value;
                        default -> { }
                    }
                }
            }
        }
        if (proto == null) {
            proto = first(request.getHeader("X-Forwarded-Proto"));
        }
        if (host == null) {
            host = first(request.getHeader("X-Forwarded-Host"));
            String port = first(request.getHeader("X-Forwarded-Port"));
            if (host != null && port != null && !host.contains(":") && port.matches("[0-9]{1,5}")) {
                host = host + ":" + port;
            }
        }
        if (proto == null && host == null) {
            return null;
        }
        String scheme = proto == null ? request.getScheme() : proto.toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            return null;
        }
        String authority = host == null ? request.getHeader("Host") : host;
        if (authority == null || !AUTHORITY.matcher(authority).matches()) {
            return null;
        }
        return scheme + "://" + stripDefaultPort(scheme, authority);
    }

    private static String first(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        return header.split(",")[0].trim();
    }

    private static String stripDefaultPort(String scheme, String authority) {
        if (scheme.equals("https") && authority.endsWith(":443")) {
            return authority.substring(0, authority.length() - 4);
        }
        if (scheme.equals("http") && authority.endsWith(":80")) {
            return authority.substring(0, authority.length() - 3);
        }
        return authority;
    }
}
