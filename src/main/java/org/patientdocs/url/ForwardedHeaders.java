package org.patientdocs.url;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * What a trusted reverse proxy says about the request it forwarded: the <em>last</em> element of {@code Forwarded}
 * (RFC 7239) and the last value of each {@code X-Forwarded-*} list, which are the ones that proxy added. Earlier ones
 * came with the request, from the client or from proxies nobody vouches for: a client can send
 * {@code Forwarded: host=evil.example} itself, and a proxy that appends its own element leaves that first.
 * <p>
 * One reading for everything the service takes from a proxy: the scheme and host of its links ({@link BaseUrls}) and
 * the client address the audit trail records.
 */
public final class ForwardedHeaders {

    private final Map<String, String> forwarded;
    private final UnaryOperator<String> header;

    private ForwardedHeaders(Map<String, String> forwarded, UnaryOperator<String> header) {
        this.forwarded = forwarded;
        this.header = header;
    }

    /** @param header the request's header values by name (the first of several), null for an absent one */
    public static ForwardedHeaders of(UnaryOperator<String> header) {
        return new ForwardedHeaders(lastElement(header.apply("Forwarded")), header);
    }

    /**
     * A parameter of the proxy's {@code Forwarded} element ({@code for}, {@code proto}, {@code host}), else the last
     * value of the {@code X-Forwarded-*} header that stands for it; null when neither says.
     */
    public String get(String parameter, String xForwardedHeader) {
        String value = forwarded.get(parameter);
        return value != null ? value : last(header.apply(xForwardedHeader));
    }

    private static Map<String, String> lastElement(String forwarded) {
        Map<String, String> parameters = new HashMap<>();
        if (forwarded == null) {
            return parameters;
        }
        for (String pair : forwarded.substring(forwarded.lastIndexOf(',') + 1).split(";")) {
            String[] kv = pair.trim().split("=", 2);
            if (kv.length == 2) {
                parameters.putIfAbsent(kv[0].trim().toLowerCase(Locale.ROOT), kv[1].trim().replace("\"", ""));
            }
        }
        return parameters;
    }

    private static String last(String list) {
        if (list == null) {
            return null;
        }
        String value = list.substring(list.lastIndexOf(',') + 1).trim();
        return value.isEmpty() ? null : value;
    }
}
