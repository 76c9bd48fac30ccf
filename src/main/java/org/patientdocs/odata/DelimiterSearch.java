package org.patientdocs.odata;

import java.util.Arrays;

/**
 * Finds a multipart delimiter in a buffer with Boyer-Moore-Horspool, which moves up to a delimiter's length per
 * comparison, and reports a possible delimiter cut off by the end of the buffer, so that a streaming reader knows
 * which bytes are certainly content.
 */
final class DelimiterSearch {

    private final byte[] delimiter;
    /** Horspool's bad-character table: how far the window may move given its last byte. */
    private final int[] shifts = new int[256];

    DelimiterSearch(byte[] delimiter) {
        this.delimiter = delimiter.clone();
        Arrays.fill(shifts, delimiter.length);
        for (int j = 0; j < delimiter.length - 1; j++) {
            shifts[delimiter[j] & 0xFF] = delimiter.length - 1 - j;
        }
    }

    int length() {
        return delimiter.length;
    }

    /**
     * The first index in [from, end) where the whole delimiter starts, or where the bytes up to {@code end} are a
     * beginning of it; {@code end} if there is none. The delimiter is complete there when
     * {@code index + length() <= end}.
     */
    int find(byte[] buffer, int from, int end) {
        int length = delimiter.length;
        byte lastByte = delimiter[length - 1];
        int i = from;
        for (int lastStart = end - length; i <= lastStart; i += shifts[buffer[i + length - 1] & 0xFF]) {
            if (buffer[i + length - 1] == lastByte && matches(buffer, i, length)) {
                return i;
            }
        }
        // The shifts also rule out the cut-off delimiters they jumped over, so the tail starts at i.
        for (; i < end; i++) {
            if (buffer[i] == delimiter[0] && matches(buffer, i, end - i)) {
                return i;
            }
        }
        return end;
    }

    private boolean matches(byte[] buffer, int start, int count) {
        for (int j = 0; j < count; j++) {
            if (buffer[start + j] != delimiter[j]) {
                return false;
            }
        }
        return true;
    }
}
