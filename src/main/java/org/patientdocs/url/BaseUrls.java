package org.patientdocs.url;

import java.net.URI;
import java.util.Locale;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * The service root as clients see it, for absolute links ({@code @odata.context}, {@code @odata.nextLink},
 * {@code Location}): the configured public base URL; else, for a request from a trusted proxy, the scheme, host and
 * port it forwarded ({@link ForwardedHeaders}: {@code Forwarded}, RFC 7239, or {@code X-Forwarded-Proto/-Host/-Port});
 * else the request's own.
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
        ForwardedHeaders proxy = ForwardedHeaders.of(header);
        String proto = proxy.get("proto", "X-Forwarded-Proto");
        String host = proxy.get("host", "X-Forwarded-Host");
        String port = proxy.get("port", "X-Forwarded-Port");
        if (host != null && port != null && !host.contains(":") && port.matches("[0-9]{1,5}")) {
            host = host + ":" + port;
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
