package org.patientdocs.odata;

import org.patientdocs.error.ServiceException;

/** Comparison of entity tags in If-None-Match / If-Match (RFC 9110 §13.1). */
final class ETags {

    private ETags() {
    }

    /** The weak ETag of an entity whose row has the given version. */
    static String of(long version) {
        return "W/\"" + version + "\"";
    }

    static ServiceException changedMeanwhile() {
        return new ServiceException.PreconditionFailed(
                "The entity was changed by another request meanwhile; read it again and retry");
    }

    /**
     * The 412 of a read whose {@code If-Match} names none of the current ETags (RFC 9110 13.1.1: the condition holds
     * for every method, a GET's too).
     *
     * @param what what the ETag is of, e.g. "the entity"
     */
    static ServiceException notMatched(String what) {
        return new ServiceException.PreconditionFailed("If-Match names another version of " + what
                + " than the current one (its ETag); read it again without If-Match");
    }

    /**
     * Whether an If-Match header lets a request on an entity with the given ETag go ahead: absent, {@code *}, or
     * naming this ETag (compared weakly, as entity ETags are weak).
     */
    static boolean ifMatchAllows(String header, String etag) {
        return header == null || header.isBlank() || matchesAny(header, etag);
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
