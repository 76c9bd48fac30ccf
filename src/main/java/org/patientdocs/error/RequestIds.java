package org.patientdocs.error;

import java.security.SecureRandom;
import java.util.HexFormat;

import org.slf4j.MDC;

/** The id of the request being served, kept in the logging context so every log line and 500 body can name it. */
public final class RequestIds {

    public static final String MDC_KEY = "requestId";
    public static final String HEADER = "X-Request-Id";
    private static final SecureRandom RANDOM = new SecureRandom();

    private RequestIds() {
    }

    public static String newId() {
        byte[] bytes = new byte[8];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /** The current request's id, or "-" outside a request. */
    public static String current() {
        String id = MDC.get(MDC_KEY);
        return id == null ? "-" : id;
    }
}
