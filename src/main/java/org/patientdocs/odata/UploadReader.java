package org.patientdocs.odata;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashSet;
import java.util.Set;

import org.apache.olingo.commons.api.format.ContentType;
import org.apache.olingo.commons.api.http.HttpHeader;
import org.apache.olingo.server.api.ODataRequest;
import org.patientdocs.error.ErrorCode;
import org.patientdocs.error.ServiceException;
import org.patientdocs.storage.DocumentStore;
import org.patientdocs.storage.PendingContent;
import org.patientdocs.url.PercentCoding;

/**
 * Reads an upload in either form the service accepts, streaming the file into the document store's local spool:
 * {@code multipart/form-data} with a {@code file} part and optional {@code document_type} and {@code description}
 * fields (the spec's form), or the raw bytes as the body (OData's media-entity create) with the file name in
 * {@code Slug} or {@code Content-Disposition}.
 */
final class UploadReader {

    /** Room for the form's boundaries, part headers and text fields around a file of the maximum size. */
    static final long FORM_OVERHEAD = 64 * 1024;
    static final int MAX_DOCUMENT_TYPE = 100;
    static final int MAX_DESCRIPTION = 2000;
    /** The form fields the service reads; any other is ignored. */
    private static final Set<String> FIELDS = Set.of("file", "document_type", "description");

    private final long maxBytes;

    UploadReader(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    /** What arrived; closing it removes the bytes unless they were committed. */
    record Received(PendingContent content, String declaredType, String fileName, String documentType,
                    String description, boolean fromForm) implements AutoCloseable {
        @Override
        public void close() {
            content.close();
        }
    }

    Received read(ODataRequest request, DocumentStore store) throws IOException {
        String contentType = request.getHeader(HttpHeader.CONTENT_TYPE);
        ContentType parsed = contentType == null ? null : ContentType.parse(contentType);
        boolean multipart = parsed != null && parsed.getType().equalsIgnoreCase("multipart");
        if (multipart && !parsed.getSubtype().equalsIgnoreCase("form-data")) {
            throw new ServiceException.UnsupportedMediaType(
                    "Upload as multipart/form-data or as the raw file; " + contentType.split(";")[0]
                            + " is not accepted");
        }
        long limit = multipart ? maxBytes + FORM_OVERHEAD : maxBytes;
        rejectDeclaredLength(request, limit);
        InputStream body = new ClientBody(request.getBody());
        if (!multipart) {
            return readRaw(request, body, contentType, store);
        }
        // A form's file is limited as it arrives like a raw body; the whole form is limited too, so that a chunked
        // form with endless other fields is cut off just like one whose Content-Length says so.
        return readForm(new LimitedInput(body, limit, () -> tooLarge(limit)), contentType, store);
    }

    private Received readForm(InputStream body, String contentType, DocumentStore store) throws IOException {
        MultipartFormReader form = new MultipartFormReader(body, contentType);
        PendingContent content = null;
        String declaredType = null;
        String fileName = null;
        String documentType = null;
        String description = null;
        Set<String> seen = new HashSet<>();
        try {
            for (MultipartFormReader.Part part = form.next(); part != null; part = form.next()) {
                if (FIELDS.contains(part.name()) && !seen.add(part.name())) {
                    // which one counts would be a guess another reader of the same form may guess otherwise
                    throw new ServiceException.BadRequest(ErrorCode.INVALID_BODY, part.name(),
                            "The form has more than one '" + part.name() + "' field; send each field once");
                }
                switch (part.name()) {
                    case "file" -> {
                        declaredType = part.contentType();
                        fileName = part.fileName();
                        content = store.receive(part.body(), maxBytes);
                    }
                    case "document_type" -> documentType = label("document_type",
                            form.readText(part, MAX_DOCUMENT_TYPE + 1));
                    case "description" -> description = label("description", form.readText(part, MAX_DESCRIPTION + 1));
                    default -> {
                        // Other fields are ignored, as HTML forms often carry extra inputs.
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            if (content != null) {
                content.close();
            }
            throw e;
        }
        if (content == null) {
            throw new ServiceException.BadRequest(ErrorCode.MISSING_FILE, "file",
                    "The form has no 'file' part; send the document as the field named file");
        }
        return new Received(content, declaredType, fileName, documentType, description, true);
    }

    private Received readRaw(ODataRequest request, InputStream body, String contentType, DocumentStore store)
            throws IOException {
        // Slug (RFC 5023 section 9.7): UTF-8 text with percent-encoded octets; a stray % is text.
        String slug = request.getHeader("Slug");
        String fileName = slug == null || slug.isBlank() ? null : PercentCoding.decodeLeniently(slug);
        if (fileName == null) {
            fileName = ContentDisposition.fileName(request.getHeader("Content-Disposition"));
        }
        PendingContent content = store.receive(body, maxBytes);
        return new Received(content, contentType, fileName, null, null, false);
    }

    /** 413 before reading a byte when the declared length alone is over the limit. */
    private static void rejectDeclaredLength(ODataRequest request, long limit) {
        String length = request.getHeader(HttpHeader.CONTENT_LENGTH);
        if (length == null) {
            return;
        }
        long declared;
        try {
            declared = Long.parseLong(length.trim());
        } catch (NumberFormatException e) {
            throw new ServiceException.BadRequest(ErrorCode.BAD_REQUEST, null, "The Content-Length is not a number");
        }
        if (declared > limit) {
            throw tooLarge(limit);
        }
    }

    static ServiceException.PayloadTooLarge tooLarge(long limit) {
        return new ServiceException.PayloadTooLarge("file", "The document exceeds the upload limit of " + limit
                + " bytes");
    }

    /** A document_type or description as stored: trimmed, blank as null, within its length. */
    static String label(String name, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String trimmed = value.strip();
        int max = name.equals("document_type") ? MAX_DOCUMENT_TYPE : MAX_DESCRIPTION;
        // in UTF-16 code units, as the model's MaxLength is checked: a character above U+FFFF counts twice
        if (trimmed.length() > max) {
            throw new ServiceException.BadRequest(ErrorCode.INVALID_BODY, name,
                    name + " may have at most " + max + " characters (a character above U+FFFF counts twice)");
        }
        for (int i = 0; i < trimmed.length(); i++) {
            char c = trimmed.charAt(i);
            if (Character.isISOControl(c) && c != '\n' && c != '\r' && c != '\t') {
                throw new ServiceException.BadRequest(ErrorCode.INVALID_BODY, name,
                        name + " contains control characters");
            }
        }
        return trimmed;
    }

    /** The body as {@link ClientBody} reads it: a failure to read it is the client's 400. */
    static InputStream clientBody(InputStream in) {
        return new ClientBody(in);
    }

    /**
     * The request body; a failure to read it (the client went away or sent a broken body) is the client's error,
     * distinct from a failure to write the store.
     */
    private static final class ClientBody extends FilterInputStream {

        ClientBody(InputStream in) {
            super(in);
        }

        @Override
        public int read() {
            try {
                return super.read();
            } catch (IOException e) {
                throw interrupted(e);
            }
        }

        @Override
        public int read(byte[] b, int off, int len) {
            try {
                return super.read(b, off, len);
            } catch (IOException e) {
                throw interrupted(e);
            }
        }

        private static ServiceException interrupted(IOException e) {
            return new ServiceException.BadRequest(ErrorCode.INVALID_BODY, null,
                    "The request body could not be read to its end", e);
        }
    }
}
