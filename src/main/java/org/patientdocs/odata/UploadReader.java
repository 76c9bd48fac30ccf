package org.patientdocs.odata;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Supplier;

import org.apache.olingo.commons.api.format.ContentType;
import org.apache.olingo.commons.api.http.HttpHeader;
import org.apache.olingo.server.api.ODataRequest;
import org.patientdocs.error.ErrorCode;
import org.patientdocs.error.ServiceException;
import org.patientdocs.storage.ContentSpool;
import org.patientdocs.storage.DocumentStore;
import org.patientdocs.storage.PendingContent;
import org.patientdocs.url.PercentCoding;

/**
 * Reads an upload in either form the service accepts, streaming the file into the document store's local spool:
 * {@code multipart/form-data} with a {@code file} part and optional {@code document_type}, {@code description} and
 * {@code digest} fields (the spec's form), or the raw bytes as the body (OData's media-entity create) with the file
 * name in {@code Slug} or {@code Content-Disposition}.
 * <p>
 * Every upload is checked here against the digests it carries (RFC 9530, sha-256, {@link Digests}), before anything is
 * stored: {@code Repr-Digest} and {@code Content-Digest} are of the request's body (the file when it is raw, the whole
 * form otherwise: no content coding is applied to uploads), the form field {@code digest} of the form's file. One that
 * does not match is {@code 400 DIGEST_MISMATCH}, and the received bytes are removed.
 */
final class UploadReader {

    /** The form field that may carry the file's digest, as a {@code Repr-Digest} would: {@code sha-256=:…:}. */
    static final String DIGEST_FIELD = "digest";
    /** Room for the form's boundaries, part headers and text fields around a file of the maximum size. */
    static final long FORM_OVERHEAD = 64 * 1024;
    static final int MAX_DOCUMENT_TYPE = 100;
    static final int MAX_DESCRIPTION = 2000;
    /** Room for a digest field of a few algorithms; a longer one is no digest field the service reads. */
    private static final int MAX_DIGEST_FIELD = 1000;
    /** The form fields the service reads; any other is ignored. */
    private static final Set<String> FIELDS = Set.of("file", "document_type", "description", DIGEST_FIELD);

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
        Supplier<ServiceException> tooLarge = () -> tooLarge(multipart);
        rejectDeclaredLength(request, limit, tooLarge);
        // read before the body, so that a malformed or unsupported digest is refused before a byte is received
        byte[] repr = Digests.claimedSha256(request.getHeader(Digests.REPR_DIGEST), Digests.REPR_DIGEST);
        byte[] content = Digests.claimedSha256(request.getHeader(Digests.CONTENT_DIGEST), Digests.CONTENT_DIGEST);
        InputStream body = new ClientBody(request.getBody());
        if (!multipart) {
            Received received = readRaw(request, body, contentType, store);
            // the body is the file: the spool's SHA-256 is the body's
            checkOrRemove(received, received.content().sha256(), repr, Digests.REPR_DIGEST);
            checkOrRemove(received, received.content().sha256(), content, Digests.CONTENT_DIGEST);
            return received;
        }
        MessageDigest formDigest = repr == null && content == null ? null : ContentSpool.sha256();
        if (formDigest != null) {
            body = new DigestInputStream(body, formDigest);
        }
        // A form's file is limited as it arrives like a raw body; the whole form is limited too, so that a chunked
        // form with endless other fields is cut off just like one whose Content-Length says so.
        InputStream limited = new LimitedInput(body, limit, tooLarge);
        Received received = readForm(limited, contentType, store);
        if (formDigest != null) {
            try {
                // the digest is of the whole body: its epilogue too, which the form's reader leaves
                limited.transferTo(OutputStream.nullOutputStream());
            } catch (IOException | RuntimeException e) {
                received.close();
                throw e;
            }
            byte[] actual = formDigest.digest();
            checkOrRemove(received, actual, repr, Digests.REPR_DIGEST);
            checkOrRemove(received, actual, content, Digests.CONTENT_DIGEST);
        }
        return received;
    }

    /**
     * Refuses the upload, removing what was received, when a digest it claims is not the one of what arrived.
     *
     * @param claimed the claimed SHA-256, or null when none was claimed
     */
    private static void checkOrRemove(Received received, byte[] actual, byte[] claimed, String name) {
        if (claimed != null && !MessageDigest.isEqual(actual, claimed)) {
            received.close();
            throw new ServiceException.BadRequest(ErrorCode.DIGEST_MISMATCH, name, name + " is not the digest of"
                    + " what arrived: the upload was altered or cut short on its way, and nothing was stored;"
                    + " send it again");
        }
    }

    private Received readForm(InputStream body, String contentType, DocumentStore store) throws IOException {
        MultipartFormReader form = new MultipartFormReader(body, contentType);
        PendingContent content = null;
        String declaredType = null;
        String fileName = null;
        String documentType = null;
        String description = null;
        byte[] digest = null;
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
                    case DIGEST_FIELD -> digest = Digests.claimedSha256(form.readText(part, MAX_DIGEST_FIELD),
                            DIGEST_FIELD);
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
        Received received = new Received(content, declaredType, fileName, documentType, description, true);
        checkOrRemove(received, content.sha256(), digest, DIGEST_FIELD);
        return received;
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
    private static void rejectDeclaredLength(ODataRequest request, long limit,
                                             Supplier<ServiceException> tooLarge) {
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
            throw tooLarge.get();
        }
    }

    /**
     * The refusal of a body past its limit. It names the document's limit, as the spool's refusal does; a form's own
     * limit is larger by {@link #FORM_OVERHEAD}, which the message says rather than giving a figure of its own.
     */
    private ServiceException.PayloadTooLarge tooLarge(boolean form) {
        return new ServiceException.PayloadTooLarge("file", "The document exceeds the upload limit of " + maxBytes
                + " bytes" + (form ? " (a form may add at most " + FORM_OVERHEAD + " bytes of other fields and"
                + " boundaries around it)" : ""));
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
