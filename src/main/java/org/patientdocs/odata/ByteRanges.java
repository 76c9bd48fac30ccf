package org.patientdocs.odata;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.patientdocs.error.ServiceException;

/**
 * The {@code Range} of a download read against the document (RFC 9110 §14): the one range to send, or none (the whole
 * document, 200). What the service sends:
 * <ul>
 *   <li>one range ({@code bytes=a-b}, {@code a-}, {@code -n}), satisfiable: that range, 206;</li>
 *   <li>a header that is not a byte range the service can read ({@code lines=1-2}, {@code bytes=5-1}, garbage): the
 *       whole document, as RFC 9110 §14.2 says a server ignores such a header;</li>
 *   <li>an {@code If-Range} that is not the document's current strong ETag (stale, weak, or a date: the document's
 *       ETag is its digest, it has no date to validate): the whole document;</li>
 *   <li>several ranges: the whole document, when any of them is satisfiable (a server may ignore {@code Range};
 *       viewers ask for one range at a time, and a whole document costs no more than a multipart answer of
 *       overlapping or many ranges);</li>
 *   <li>no range within the document (a first byte at or past its end, {@code -0}): 416 with
 *       {@code Content-Range: bytes *}/size.</li>
 * </ul>
 */
final class ByteRanges {

    /** Longer headers are not a range a client means: ignored, like any other the service cannot read. */
    private static final int MAX_HEADER_LENGTH = 1024;

    private ByteRanges() {
    }

    /** A satisfiable range of a document of {@code size} bytes. */
    record Slice(long offset, long length, long size) {
        /** The {@code Content-Range} value of the 206. */
        String contentRange() {
            return "bytes " + offset + "-" + (offset + length - 1) + "/" + size;
        }
    }

    /**
     * The range to send of a document of {@code size} bytes whose strong ETag is {@code etag}, or null to send it
     * whole.
     *
     * @throws ServiceException.RangeNotSatisfiable when no requested range is within the document
     */
    static Slice choose(String range, String ifRange, String etag, long size) {
        if (range == null || range.length() > MAX_HEADER_LENGTH) {
            return null;
        }
        if (ifRange != null && !ifRange.strip().equals(etag)) {
            return null;
        }
        List<long[]> specs = parse(range);
        if (specs == null) {
            return null;
        }
        List<Slice> satisfiable = new ArrayList<>();
        for (long[] spec : specs) {
            Slice slice = resolve(spec, size);
            if (slice != null) {
                satisfiable.add(slice);
            }
        }
        if (satisfiable.isEmpty()) {
            throw new ServiceException.RangeNotSatisfiable("The Range asks for bytes the document of " + size
                    + " bytes does not have; its first byte is 0 and its last " + (size - 1), size);
        }
        return specs.size() == 1 ? satisfiable.get(0) : null;
    }

    /**
     * The ranges of a {@code bytes=} header as {first, last} with -1 for an absent position, or null when the header
     * is not one the service can read (another unit, a range whose last position is before its first, no digits).
     */
    private static List<long[]> parse(String range) {
        int equals = range.indexOf('=');
        if (equals < 0 || !range.substring(0, equals).strip().toLowerCase(Locale.ROOT).equals("bytes")) {
            return null;
        }
        List<long[]> specs = new ArrayList<>();
        for (String element : range.substring(equals + 1).split(",", -1)) {
            String spec = element.strip();
            if (spec.isEmpty()) {
                // an empty list element is allowed and means nothing (RFC 9110 §5.6.1)
                continue;
            }
            int dash = spec.indexOf('-');
            if (dash < 0) {
                return null;
            }
            long first = number(spec.substring(0, dash));
            long last = number(spec.substring(dash + 1));
            if (first == -2 || last == -2 || first == -1 && last == -1 || first >= 0 && last >= 0 && last < first) {
                return null;
            }
            specs.add(new long[] {first, last});
        }
        return specs.isEmpty() ? null : specs;
    }

    /** The digits as a number (saturating: a huge number is larger than any document), -1 when empty, -2 if not. */
    private static long number(String digits) {
        if (digits.isEmpty()) {
            return -1;
        }
        long value = 0;
        for (int i = 0; i < digits.length(); i++) {
            char c = digits.charAt(i);
            if (c < '0' || c > '9') {
                return -2;
            }
            value = value > (Long.MAX_VALUE - 9) / 10 ? Long.MAX_VALUE : value * 10 + (c - '0');
        }
        return value;
    }

    /** The part of the document a range asks for, or null when none of it is within the document. */
    private static Slice resolve(long[] spec, long size) {
        long first = spec[0];
        long last = spec[1];
        if (first < 0) {
            // a suffix: the last n bytes, all of them when the document is shorter (RFC 9110 §14.1.2)
            return last == 0 ? null : new Slice(Math.max(0, size - last), Math.min(last, size), size);
        }
        if (first >= size) {
            return null;
        }
        long end = last < 0 || last >= size ? size - 1 : last;
        return new Slice(first, end - first + 1, size);
    }
}
