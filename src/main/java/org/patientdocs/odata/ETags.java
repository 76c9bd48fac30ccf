package org.patientdocs.odata;

/** Comparison of entity tags in If-None-Match / If-Match (RFC 9110 §13.1). */
final class ETags {

    private ETags() {
    }

    /**
     * Whether a header listing entity tags matches {@code etag} by weak comparison (as If-None-Match uses);
     * {@code *} matches any current representation.
     */
    static boolean matchesAny(String header, String etag) {
        if (header == null || header.isBlank()) {
            return false;
        }
        String opaque = stripWeak(etag.trim());
        for (String candidate : header.split(",")) {
            String tag = candidate.trim();
            if (tag.equals("*") || stripWeak(tag).equals(opaque)) {
                return true;
            }
        }
        return false;
    }

    private static String stripWeak(String tag) {
        return tag.startsWith("W/") ? tag.substring(2) : tag;
    }
}
