package org.patientdocs.server;

import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

import org.patientdocs.url.ForwardedHeaders;

/**
 * Where a request came from, for the audit trail: the address of the connection, or, when that is a trusted proxy
 * ({@code http.trusted-proxies}), the client it says it forwarded for ({@link ForwardedHeaders}: the {@code for=} of
 * the element it added to {@code Forwarded}, or the last address of {@code X-Forwarded-For}). A value that is no
 * address, or from anyone else, is not believed.
 */
final class ClientAddresses {

    /** An IPv4 or IPv6 address, optionally bracketed and with a port, or an RFC 7239 obfuscated identifier. */
    private static final Pattern ADDRESS = Pattern.compile("[0-9A-Za-z.:\\[\\]_-]{1,64}");

    private final Set<String> trustedProxies;

    ClientAddresses(Set<String> trustedProxies) {
        this.trustedProxies = trustedProxies;
    }

    /**
     * @param remoteAddress the address of the connection
     * @param header        the request's header values by name (the first of several), null for an absent one
     */
    String of(String remoteAddress, UnaryOperator<String> header) {
        if (!trustedProxies.contains(remoteAddress)) {
            return remoteAddress;
        }
        String forwarded = ForwardedHeaders.of(header).get("for", "X-Forwarded-For");
        return forwarded != null && ADDRESS.matcher(forwarded).matches() ? forwarded : remoteAddress;
    }
}
