package org.patientdocs.url;

import java.net.URI;
import java.util.Locale;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * The service root as clients see it, for absolute links ({@code @odata.context}, {@code @odata.nextLink},
 * {@code Location}): the configured public base URL; else, for a request from a trusted proxy, the scheme, host and
 * port it forwarded ({@code Forwarded}, RFC 7239, or {@code X-Forwarded-Proto/-Host/-Port}); else the request's own.
 */
public final class BaseUrls {

    /** A host name or IPv4 or bracketed IPv6 address, with an optional port; nothing else reaches a link. */
    private static final Pattern AUTHORITY =
            Pattern.compile("[A-Za-z0-9.\\-]+(:[0-9]{1,5})?|\\[[0-9A-Fa-f:.]+\\](:[0-9]{1,5})?");

    private final URI publicBaseUrl;
    private final Set<String> trustedProxies;

    /**
     * @param publicBaseUrl  the configured base ({@code http.public-base-url}), or null
     * @param trustedProxies the addresses of proxies whose forwarding headers are believed
     */
    public BaseUrls(URI publicBaseUrl, Set<String> trustedProxies) {
        this.publicBaseUrl = publicBaseUrl;
        this.trustedProxies = trustedProxies;
    }

    /**
     * The base without a trailing slash, or null when the request's own applies.
     *
     * @param remoteAddress the address the request came from
     * @param scheme        the scheme it arrived with
     * @param header        its header values by name (the first of several), null for an absent one
     */
    public String baseFor(String remoteAddress, String scheme, UnaryOperator<String> header) {
        if (publicBaseUrl != null) {
            return publicBaseUrl.toString();
        }
        if (!trustedProxies.contains(remoteAddress)) {
            return null;
        }
        String proto = null;
        String host = null;
        String forwarded = header.apply("Forwarded");
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
            proto = first(header.apply("X-Forwarded-Proto"));
        }
        if (host == null) {
            host = first(header.apply("X-Forwarded-Host"));
            String port = first(header.apply("X-Forwarded-Port"));
            if (host != null && port != null && !host.contains(":") && port.matches("[0-9]{1,5}")) {
                host = host + ":" + port;
            }
        }
        if (proto == null && host == null) {
            return null;
        }
        String forwardedScheme = proto == null ? scheme : proto.toLowerCase(Locale.ROOT);
        if (!forwardedScheme.equals("http") && !forwardedScheme.equals("https")) {
            return null;
        }
        String authority = host == null ? header.apply("Host") : host;
        if (authority == null || !AUTHORITY.matcher(authority).matches()) {
            return null;
        }
        return forwardedScheme + "://" + stripDefaultPort(forwardedScheme, authority);
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
