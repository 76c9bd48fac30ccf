package org.patientdocs.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * A PDF starts with {@code %PDF-} and its version ({@code 1.7}, {@code 2.0}) and ends with its trailer: the last
 * {@code %%EOF} marker, within the last {@value #TAIL} bytes as PDF readers look for it (ISO 32000-2 section 7.5.5,
 * and its implementation notes), after {@code startxref} and the offset of the last cross-reference section, which
 * must lie inside the file. Whatever follows that marker (line ends, spaces, a scanner's padding) is allowed; a file
 * updated incrementally has several trailers and the last one counts. Reads 8 bytes and the last 1024.
 */
final class PdfStructure {

    private static final int TAIL = 1024;
    private static final byte[] EOF = bytes("%%EOF");
    private static final byte[] STARTXREF = bytes("startxref");

    private PdfStructure() {
    }

    static void check(SpooledFile file) throws IOException {
        ByteBuffer head = file.read(0, 8, ByteOrder.BIG_ENDIAN);
        if (head.limit() < 8 || !isDigit(head.get(5)) || head.get(6) != '.' || !isDigit(head.get(7))) {
            throw malformed("its header does not give a version such as %PDF-1.7");
        }
        long tailStart = Math.max(0, file.size() - TAIL);
        byte[] tail = file.read(tailStart, TAIL, ByteOrder.BIG_ENDIAN).array();
        int eof = lastIndexOf(tail, EOF, tail.length);
        if (eof < 0) {
            throw malformed("it has no %%EOF marker in its last " + TAIL + " bytes");
        }
        int startxref = lastIndexOf(tail, STARTXREF, eof);
        if (startxref < 0) {
            throw malformed("its last %%EOF marker does not follow a startxref line");
        }
        int at = skipWhitespace(tail, startxref + STARTXREF.length, eof);
        long offset = 0;
        int digits = 0;
        for (; at < eof && isDigit(tail[at]) && digits < 18; at++, digits++) {
            offset = offset * 10 + (tail[at] - '0');
        }
        if (digits == 0 || skipWhitespace(tail, at, eof) != eof || offset >= file.size()) {
            throw malformed("its startxref line does not give the offset of a cross-reference section in the file");
        }
    }

    private static int skipWhitespace(byte[] bytes, int from, int to) {
        int at = from;
        // PDF whitespace: NUL, tab, line feed, form feed, carriage return, space (ISO 32000-2 section 7.2.3)
        while (at < to && (bytes[at] == 0 || bytes[at] == '\t' || bytes[at] == '\n' || bytes[at] == '\f'
                || bytes[at] == '\r' || bytes[at] == ' ')) {
            at++;
        }
        return at;
    }

    /** The index of the last occurrence of {@code what} that ends at or before {@code end}; -1 if none. */
    private static int lastIndexOf(byte[] bytes, byte[] what, int end) {
        for (int start = end - what.length; start >= 0; start--) {
            int i = 0;
            while (i < what.length && bytes[start + i] == what[i]) {
                i++;
            }
            if (i == what.length) {
                return start;
            }
        }
        return -1;
    }

    private static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    private static RuntimeException malformed(String rule) {
        return ContentRefusals.malformed(FileKind.PDF, rule);
    }
}
