package org.patientdocs.odata;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.patientdocs.error.ErrorCode;
import org.patientdocs.error.ServiceException;

/**
 * A streaming {@code multipart/form-data} parser (RFC 7578, RFC 2046) with a pull API: {@link #next()} returns each
 * part in turn, and the part's {@link Part#body()} streams its bytes straight from a fixed 64 KiB buffer, so a part
 * of any size passes through without being held in memory.
 *
 * <p>Malformed input is a {@link ServiceException.BadRequest} with {@link ErrorCode#INVALID_BODY}; an
 * {@link IOException} of the underlying stream (a client that went away) propagates unchanged. Limits: at most
 * {@value #MAX_PARTS} parts, each with at most {@value #MAX_HEADER_BYTES} bytes of headers. After an exception
 * the reader is not usable any more. Not thread-safe.
 */
final class MultipartFormReader {

    public static final int MAX_PARTS = 50;
    public static final int MAX_HEADER_BYTES = 16 * 1024;
    private static final int BUFFER_SIZE = 64 * 1024;
    private static final int MAX_BOUNDARY_LENGTH = 70;
    private static final String BOUNDARY_CHARS =
            "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'()+_,-./:=? ";

    private final InputStream in;
    /** Finds CRLF "--" boundary: what ends every body, the preamble included. */
    private final DelimiterSearch delimiter;
    private final byte[] buffer = new byte[BUFFER_SIZE];
    private int position;
    private int limit;
    /** The bytes in [position, safeLimit) are body bytes: no delimiter starts among them. */
    private int safeLimit;
    /** Whether a complete delimiter starts at safeLimit. */
    private boolean delimiterAtSafeLimit;
    private int partCount;
    private boolean finished;
    private Part current;

    /**
     * @param in          the request body; not closed by this reader
     * @param contentType the request's Content-Type, which must be {@code multipart/form-data} with a boundary
     * @throws ServiceException.UnsupportedMediaType when the content type is not multipart/form-data
     * @throws ServiceException.BadRequest           when the boundary is missing or invalid
     */
    public MultipartFormReader(InputStream in, String contentType) {
        this.in = in;
        String boundary = boundaryOf(contentType);
        this.delimiter = new DelimiterSearch(("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1));
        // The first delimiter may open the body without a CRLF before it; a virtual CRLF makes it look like the
        // others, so the preamble is simply a body to skip.
        buffer[0] = '\r';
        buffer[1] = '\n';
        limit = 2;
    }

    private static String boundaryOf(String contentType) {
        HeaderParameters header = HeaderParameters.parse(contentType == null ? "" : contentType);
        if (!header.value().equals("multipart/form-data")) {
            throw new ServiceException.UnsupportedMediaType("The request body must be multipart/form-data.");
        }
        String boundary = header.get("boundary");
        if (boundary == null || boundary.isEmpty()) {
            throw invalid("The multipart/form-data content type has no boundary parameter.");
        }
        boolean valid = boundary.length() <= MAX_BOUNDARY_LENGTH && !boundary.endsWith(" ")
                && boundary.chars().allMatch(c -> BOUNDARY_CHARS.indexOf(c) >= 0);
        if (!valid) {
            throw invalid("The multipart boundary is not valid (RFC 2046: up to 70 letters, digits and '()+_,-./:=?).");
        }
        return boundary;
    }

    /**
     * The next part, or null after the closing delimiter. Whatever the caller left unread of the previous part's
     * body is skipped, and that body's stream can no longer be read.
     */
    public Part next() throws IOException {
        if (finished) {
            return null;
        }
        if (current != null) {
            current.detach();
            current = null;
        }
        skipBody();
        position += delimiter.length();
        while (true) {
            requireBytes(1);
            if (buffer[position] != ' ' && buffer[position] != '\t') {
                break;
            }
            position++;
        }
        requireBytes(2);
        if (buffer[position] == '-' && buffer[position + 1] == '-') {
            position += 2;
            finished = true;
            return null;
        }
        if (buffer[position] != '\r' || buffer[position + 1] != '\n') {
            throw invalid("A multipart boundary line is malformed.");
        }
        position += 2;
        if (++partCount > MAX_PARTS) {
            throw invalid("The multipart body has more than " + MAX_PARTS + " parts.");
        }
        current = new Part(PartHeaders.parse(readHeaders()), new PartBody());
        safeLimit = position;
        delimiterAtSafeLimit = false;
        return current;
    }

    /**
     * The body of a small text field, decoded as UTF-8 (malformed sequences become U+FFFD).
     *
     * @throws ServiceException.BadRequest when the field is longer than {@code maxChars} characters
     */
    public String readText(Part part, int maxChars) throws IOException {
        long maxBytes = 4L * maxChars;
        byte[] bytes = part.body().readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
        String text = new String(bytes, StandardCharsets.UTF_8);
        if (bytes.length > maxBytes || text.codePointCount(0, text.length()) > maxChars) {
            throw new ServiceException.BadRequest(ErrorCode.INVALID_BODY, part.name(),
                    "The form field is longer than " + maxChars + " characters.");
        }
        return text;
    }

    private List<String> readHeaders() throws IOException {
        List<String> lines = new ArrayList<>();
        int used = 0;
        int searched = 0;
        while (true) {
            int end = indexOfCrlf(position + searched);
            if (end < 0) {
                if (used + limit - position > MAX_HEADER_BYTES) {
                    throw headersTooLarge();
                }
                // a CR at the end may be followed by its LF in the next read, so it is searched again
                searched = Math.max(0, limit - position - 1);
                requireBytes(limit - position + 1);
                continue;
            }
            searched = 0;
            used += end - position + 2;
            if (used > MAX_HEADER_BYTES) {
                throw headersTooLarge();
            }
            if (end == position) {
                position += 2;
                return lines;
            }
            String line = new String(buffer, position, end - position, StandardCharsets.UTF_8);
            position = end + 2;
            boolean folded = line.charAt(0) == ' ' || line.charAt(0) == '\t';
            if (folded && !lines.isEmpty()) {
                lines.set(lines.size() - 1, lines.get(lines.size() - 1) + " " + line.trim());
            } else {
                lines.add(line);
            }
        }
    }

    private int indexOfCrlf(int from) {
        for (int i = from; i < limit - 1; i++) {
            if (buffer[i] == '\r' && buffer[i + 1] == '\n') {
                return i;
            }
        }
        return -1;
    }

    /** Moves past the rest of the current body (or the preamble) up to the delimiter, which is then buffered. */
    private void skipBody() throws IOException {
        while (hasBodyBytes()) {
            position = safeLimit;
        }
    }

    /**
     * Whether body bytes are buffered at the position (then up to safeLimit), reading more input when undecided.
     * False means the delimiter starts at the position.
     */
    private boolean hasBodyBytes() throws IOException {
        while (true) {
            if (position < safeLimit) {
                return true;
            }
            if (delimiterAtSafeLimit) {
                return false;
            }
            scan();
            if (position == safeLimit && !delimiterAtSafeLimit && !fill()) {
                throw endedEarly();
            }
        }
    }

    /** Sets safeLimit at the first delimiter, or at the start of one cut off by the end of the buffer. */
    private void scan() {
        safeLimit = delimiter.find(buffer, position, limit);
        delimiterAtSafeLimit = safeLimit + delimiter.length() <= limit;
    }

    /** Reads input until at least {@code count} bytes are buffered at the position. */
    private void requireBytes(int count) throws IOException {
        while (limit - position < count) {
            if (!fill()) {
                throw endedEarly();
            }
        }
    }

    /**
     * Moves the unread bytes to the start of the buffer and reads more after them; false at the end of the input.
     * Only called with no decided body bytes pending, so safeLimit restarts at the position.
     */
    private boolean fill() throws IOException {
        int remaining = limit - position;
        if (remaining == buffer.length) {
            throw new IllegalStateException("multipart buffer full");
        }
        System.arraycopy(buffer, position, buffer, 0, remaining);
        position = 0;
        limit = remaining;
        safeLimit = 0;
        delimiterAtSafeLimit = false;
        int read;
        do {
            read = in.read(buffer, limit, buffer.length - limit);
        } while (read == 0);
        if (read < 0) {
            return false;
        }
        limit += read;
        return true;
    }

    static ServiceException.BadRequest invalid(String message) {
        return new ServiceException.BadRequest(ErrorCode.INVALID_BODY, null, message);
    }

    private static ServiceException.BadRequest endedEarly() {
        return invalid("The multipart body ended early.");
    }

    private static ServiceException.BadRequest headersTooLarge() {
        return invalid("The headers of a multipart part exceed " + MAX_HEADER_BYTES + " bytes.");
    }

    /** The body of the current part; unusable once the reader has moved on. */
    private final class PartBody extends InputStream {

        private boolean detached;

        @Override
        public int read() throws IOException {
            checkAttached();
            if (!hasBodyBytes()) {
                return -1;
            }
            return buffer[position++] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            checkAttached();
            Objects.checkFromIndexSize(off, len, b.length);
            if (len == 0) {
                return 0;
            }
            if (!hasBodyBytes()) {
                return -1;
            }
            int count = Math.min(len, safeLimit - position);
            System.arraycopy(buffer, position, b, off, count);
            position += count;
            return count;
        }

        @Override
        public long skip(long n) throws IOException {
            checkAttached();
            if (n <= 0 || !hasBodyBytes()) {
                return 0;
            }
            int count = (int) Math.min(n, safeLimit - position);
            position += count;
            return count;
        }

        @Override
        public int available() {
            return detached ? 0 : safeLimit - position;
        }

        private void checkAttached() {
            if (detached) {
                throw new IllegalStateException("The body of a multipart part was read after moving to the next");
            }
        }
    }

    /** One part of the form: a plain field when {@link #fileName()} is null, otherwise a file. */
    public static final class Part {

        private final PartHeaders headers;
        private final PartBody body;

        private Part(PartHeaders headers, PartBody body) {
            this.headers = headers;
            this.body = body;
        }

        /** The form field name. */
        public String name() {
            return headers.name();
        }

        /**
         * The file name as the client gave it, see {@link ContentDisposition#fileName(String)}; "" when a browser
         * sent an empty file input, null for a plain field.
         */
        public String fileName() {
            return headers.fileName();
        }

        /** The part's Content-Type header as sent, or null when absent. */
        public String contentType() {
            return headers.contentType();
        }

        /** The part's bytes, ending just before the next delimiter. Closing it does nothing. */
        public InputStream body() {
            return body;
        }

        private void detach() {
            body.detached = true;
        }
    }
}
