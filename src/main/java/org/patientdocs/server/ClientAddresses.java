package org.patientdocs.server;

import java.util.Locale;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * Where a request came from, for the audit trail: the address of the connection, or, when that is a trusted proxy
 * ({@code http.trusted-proxies}), the client it says it forwarded for: the last {@code for=} of {@code Forwarded}
 * (RFC 7239) or the last address of {@code X-Forwarded-For}, which that proxy added (earlier ones are the client's
 * own claims). A value that is no address, or from anyone else, is not believed.
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
        String forwarded = forwardedFor(header.apply("Forwarded"));
        if (forwarded == null) {
            String list = header.apply("X-Forwarded-For");
            forwarded = list == null ? null : list.substring(list.lastIndexOf(',') + 1).trim();
        }
        return forwarded != null && ADDRESS.matcher(forwarded).matches() ? forwarded : remoteAddress;
    }

    private static String forwardedFor(String forwarded) {
        if (forwarded == null) {
            return null;
        }
        for (String pair : forwarded.substring(forwarded.lastIndexOf(',') + 1).split(";")) {
            String[] kv = pair.trim().split("=", 2);
            if (kv.length == 2 && kv[0].trim().toLowerCase(Locale.ROOT).equals("for")) {
                return kv[1].trim().replace("\"", "");
            }
        }
        return null;
    }
}
