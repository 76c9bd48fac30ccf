package org.patientdocs.odata;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Objects;

import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.MultiPart;
import org.eclipse.jetty.http.MultiPartCompliance;
import org.eclipse.jetty.io.Content;
import org.patientdocs.error.ErrorCode;
import org.patientdocs.error.ServiceException;

/**
 * Reads a {@code multipart/form-data} body (RFC 7578, RFC 2046) part by part on Jetty's streaming
 * {@link MultiPart.Parser}: {@link #next()} returns each part in turn, and the part's {@link Part#body()} streams
 * its bytes as they arrive through one 64 KiB buffer, so a part of any size passes without being held in memory.
 *
 * <p>Jetty's parser is pushed: each buffer read from the request is handed to it, and it answers with events (a
 * part's headers, slices of its content, its end), which wait in a queue until the caller pulls them. The buffer is
 * refilled only once the queue is empty, so the slices stay valid while they wait.
 *
 * <p>Malformed input is a {@link ServiceException.BadRequest} with {@link ErrorCode#INVALID_BODY}, reported once the
 * events before it are consumed; an {@link IOException} of the underlying stream (a client that went away)
 * propagates unchanged. Limits: at most {@value #MAX_PARTS} parts, each with at most {@value #MAX_HEADER_BYTES}
 * bytes of headers. After an exception the reader is not usable any more. Not thread-safe.
 */
final class MultipartFormReader {

    static final int MAX_PARTS = 50;
    static final int MAX_HEADER_BYTES = 16 * 1024;
    private static final int BUFFER_SIZE = 64 * 1024;
    private static final int MAX_BOUNDARY_LENGTH = 70;
    private static final String BOUNDARY_CHARS =
            "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'()+_,-./:=? ";

    private final InputStream in;
    private final Events events = new Events();
    private final MultiPart.Parser parser;
    private final byte[] buffer = new byte[BUFFER_SIZE];
    /** Whether the last read ended with a CR, kept back at the start of the buffer for the next one. */
    private boolean carriedCr;
    private boolean inputEnded;
    private PartBody currentBody;

    /**
     * @param in          the request body; not closed by this reader
     * @param contentType the request's Content-Type, which must be {@code multipart/form-data} with a boundary
     * @throws ServiceException.UnsupportedMediaType when the content type is not multipart/form-data
     * @throws ServiceException.BadRequest           when the boundary is missing or invalid
     */
    MultipartFormReader(InputStream in, String contentType) {
        this.in = in;
        // Strict, without RFC 7578's allowance for bare LFs: the lenient parser ends a part at a delimiter after a
        // bare LF, where RFC 2046 (and so other readers of the same form) see content. Refused instead.
        this.parser = new MultiPart.Parser(boundaryOf(contentType), MultiPartCompliance.RFC7578_STRICT, events);
        parser.setMaxParts(MAX_PARTS);
        parser.setPartHeadersMaxLength(MAX_HEADER_BYTES);
    }

    private static String boundaryOf(String contentType) {
        HeaderParameters header = HeaderParameters.parse("Content-Type", contentType == null ? "" : contentType);
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
     * The next part, or null once the form is complete (its closing delimiter and the end of the input read).
     * Whatever the caller left unread of the previous part's body is skipped, and that body's stream can no longer
     * be read.
     */
    Part next() throws IOException {
        if (currentBody != null) {
            currentBody.detached = true;
            currentBody = null;
        }
        for (Event event = peek(); event != null; event = peek()) {
            events.queue.remove();
            if (event instanceof Headers headers) {
                currentBody = new PartBody();
                return Part.of(headers.fields(), currentBody);
            }
        }
        return null;
    }

    /**
     * The body of a small text field, in UTF-8 (RFC 7578 4.4 leaves the charset to the form; the service reads
     * UTF-8, of which US-ASCII is part).
     *
     * @throws ServiceException.BadRequest when the field is longer than {@code maxChars} characters, is not valid
     *                                     UTF-8, or declares another charset: its text would be stored changed
     */
    String readText(Part part, int maxChars) throws IOException {
        String charset = part.contentType() == null ? null
                : HeaderParameters.parse("Content-Type", part.contentType()).get("charset");
        if (charset != null && !charset.equalsIgnoreCase("utf-8") && !charset.equalsIgnoreCase("us-ascii")) {
            throw new ServiceException.BadRequest(ErrorCode.INVALID_BODY, part.name(), "The form field is in "
                    + charset + "; send it in UTF-8");
        }
        long maxBytes = 4L * maxChars;
        byte[] bytes = part.body().readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
        String text = bytes.length > maxBytes ? null : utf8(bytes, part.name());
        if (text == null || text.codePointCount(0, text.length()) > maxChars) {
            throw new ServiceException.BadRequest(ErrorCode.INVALID_BODY, part.name(),
                    "The form field is longer than " + maxChars + " characters.");
        }
        return text;
    }

    private static String utf8(byte[] bytes, String field) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new ServiceException.BadRequest(ErrorCode.INVALID_BODY, field, "The form field is not valid UTF-8");
        }
    }

    /** The first event not yet taken, reading input until there is one; null once the form is complete. */
    private Event peek() throws IOException {
        while (events.queue.isEmpty()) {
            if (events.failure != null) {
                throw events.failure;
            }
            if (events.complete) {
                return null;
            }
            if (inputEnded) {
                throw new IllegalStateException("the multipart parser neither completed nor failed at the end");
            }
            feed();
        }
        return events.queue.element();
    }

    /** Reads the next bytes of the input into the buffer and hands them to the parser. */
    private void feed() throws IOException {
        int start = 0;
        if (carriedCr) {
            buffer[0] = '\r';
            start = 1;
        }
        int read;
        do {
            read = in.read(buffer, start, buffer.length - start);
        } while (read == 0);
        if (read < 0) {
            inputEnded = true;
            parser.parse(Content.Chunk.from(ByteBuffer.wrap(buffer, 0, start), true));
            return;
        }
        int end = start + read;
        // Jetty's strict parser mistakes a delimiter whose CR ends one buffer and whose LF starts the next for one
        // after a bare LF, so a CR at the end waits for the bytes after it.
        carriedCr = buffer[end - 1] == '\r';
        parser.parse(Content.Chunk.from(ByteBuffer.wrap(buffer, 0, carriedCr ? end - 1 : end), false));
    }

    static ServiceException.BadRequest invalid(String message) {
        return new ServiceException.BadRequest(ErrorCode.INVALID_BODY, null, message);
    }

    /** What the parser said, in order: a part's headers, slices of its content, its end. */
    private sealed interface Event permits Headers, Bytes, End {
    }

    private record Headers(HttpFields fields) implements Event {
    }

    /** Content bytes: a slice of the reader's buffer (or of the parser's own), consumed as it is read. */
    private record Bytes(ByteBuffer buffer) implements Event {
    }

    private enum End implements Event {
        PART
    }

    /** Collects the parser's events; runs inside {@link MultiPart.Parser#parse}, which ignores what it throws. */
    private static final class Events implements MultiPart.Parser.Listener {

        private final ArrayDeque<Event> queue = new ArrayDeque<>();
        private HttpFields.Mutable headers;
        private boolean inHeaders;
        private boolean complete;
        private ServiceException.BadRequest failure;

        @Override
        public void onPartBegin() {
            headers = HttpFields.build();
            inHeaders = true;
        }

        @Override
        public void onPartHeader(String name, String value) {
            headers.add(name, value);
        }

        @Override
        public void onPartHeaders() {
            inHeaders = false;
            queue.add(new Headers(headers.asImmutable()));
        }

        @Override
        public void onPartContent(Content.Chunk chunk) {
            if (chunk.hasRemaining()) {
                queue.add(new Bytes(chunk.getByteBuffer()));
            }
        }

        @Override
        public void onPartEnd() {
            queue.add(End.PART);
        }

        @Override
        public void onComplete() {
            complete = true;
        }

        @Override
        public void onFailure(Throwable cause) {
            failure = new ServiceException.BadRequest(ErrorCode.INVALID_BODY, null, describe(cause), cause);
        }

        private String describe(Throwable cause) {
            if (cause instanceof EOFException) {
                return "The multipart body ended early.";
            }
            // the parser's two limits are its only IllegalStateExceptions; the headers' while a part's are read
            if (cause instanceof IllegalStateException) {
                return inHeaders ? "The headers of a multipart part exceed " + MAX_HEADER_BYTES + " bytes."
                        : "The multipart body has more than " + MAX_PARTS + " parts.";
            }
            if (cause instanceof HttpException http && http.getReason() != null) {
                return "The multipart body is malformed (" + http.getReason() + ").";
            }
            return "The multipart body is malformed.";
        }
    }

    /** The body of the current part; unusable once the reader has moved on. */
    private final class PartBody extends InputStream {

        private final byte[] one = new byte[1];
        private boolean detached;

        @Override
        public int read() throws IOException {
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            checkAttached();
            Objects.checkFromIndexSize(off, len, b.length);
            if (len == 0) {
                return 0;
            }
            ByteBuffer bytes = nextBytes();
            if (bytes == null) {
                return -1;
            }
            int count = Math.min(len, bytes.remaining());
            bytes.get(b, off, count);
            consumed(bytes);
            return count;
        }

        @Override
        public long skip(long n) throws IOException {
            checkAttached();
            ByteBuffer bytes = n <= 0 ? null : nextBytes();
            if (bytes == null) {
                return 0;
            }
            int count = (int) Math.min(n, bytes.remaining());
            bytes.position(bytes.position() + count);
            consumed(bytes);
            return count;
        }

        @Override
        public int available() {
            return !detached && events.queue.peek() instanceof Bytes bytes ? bytes.buffer().remaining() : 0;
        }

        /** The bytes waiting in the queue, or null at the end of the part. */
        private ByteBuffer nextBytes() throws IOException {
            return peek() instanceof Bytes bytes ? bytes.buffer() : null;
        }

        private void consumed(ByteBuffer bytes) {
            if (!bytes.hasRemaining()) {
                events.queue.remove();
            }
        }

        private void checkAttached() {
            if (detached) {
                throw new IllegalStateException("The body of a multipart part was read after moving to the next");
            }
        }
    }

    /**
     * One part of the form: a plain field when {@link #fileName()} is null, otherwise a file.
     *
     * @param name        the form field name
     * @param fileName    the file name as the client gave it, see {@link ContentDisposition#fileName(String)}; ""
     *                    when a browser sent an empty file input, null for a plain field
     * @param contentType the part's Content-Type header as sent, or null when absent
     * @param body        the part's bytes, ending just before the next delimiter; closing it does nothing
     */
    record Part(String name, String fileName, String contentType, InputStream body) {

        /** The part a header block describes; unknown headers are ignored, the two it reads must come once. */
        private static Part of(HttpFields fields, InputStream body) {
            for (HttpHeader header : new HttpHeader[] {HttpHeader.CONTENT_DISPOSITION, HttpHeader.CONTENT_TYPE}) {
                if (fields.getValuesList(header).size() > 1) {
                    throw invalid("A multipart part has more than one " + header.asString() + " header.");
                }
            }
            String disposition = fields.get(HttpHeader.CONTENT_DISPOSITION);
            HeaderParameters parameters = HeaderParameters.parse(ContentDisposition.HEADER,
                    disposition == null ? "" : disposition);
            String name = parameters.get("name");
            if (!parameters.value().equals("form-data") || name == null) {
                throw invalid("Every multipart part needs a Content-Disposition: form-data header with a name.");
            }
            return new Part(name, ContentDisposition.fileNameOf(parameters), fields.get(HttpHeader.CONTENT_TYPE), body);
        }
    }
}
