package org.patientdocs.odata;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;

import org.patientdocs.auth.Caller;
import org.patientdocs.auth.Scope;
import org.patientdocs.error.ErrorCode;
import org.patientdocs.error.ServiceException;
import org.patientdocs.query.Target;
import org.patientdocs.storage.DocumentStore;
import org.patientdocs.storage.PendingContent;
import org.patientdocs.storage.ResumableUploads;
import org.patientdocs.storage.ResumableUploads.Upload;

/**
 * What a resumable upload (tus 1.0, {@code /uploads}) does, apart from its HTTP: creation checks what it names as a
 * multipart upload's form would be checked (the scope, the patient in the caller's tenant, the file name, the labels),
 * so that a client learns early; each chunk is checked against its checksum and appended; and when the last byte is
 * there, the document is created by {@link DocumentRequests#create} with every check of today's uploads, again, and
 * the upload is gone in the same transaction. An upload is its creator's (tenant and subject): anyone else gets 404.
 */
public final class ResumableUploadRequests {

    /** Where the audit trail says a document created from a resumable upload came from. */
    private static final String AUDIT_PATH = "uploads";
    private static final int MAX_CONTENT_TYPE = 255;

    private final Services services;
    private final ResumableUploads uploads;
    private final DocumentRequests documents;

    public ResumableUploadRequests(Services services, ResumableUploads uploads) {
        this.services = services;
        this.uploads = uploads;
        this.documents = new DocumentRequests(services, MediaResponse.direct());
    }

    /** The largest upload accepted, in bytes ({@code upload.max-bytes}). */
    public long maxBytes() {
        return services.config().upload().maxBytes();
    }

    /**
     * Creates an upload for the caller.
     *
     * @param metadata   the {@code Upload-Metadata} header, or null
     * @param length     the {@code Upload-Length}
     * @param reprDigest the {@code Repr-Digest} header (RFC 9530: the whole file's), or null; checked once the last
     *                   byte is there
     * @throws ServiceException.PayloadTooLarge over {@code upload.max-bytes}
     */
    public Upload create(Caller caller, String metadata, long length, String reprDigest) {
        caller.require(Scope.DOCUMENTS_WRITE);
        byte[] fileSha256 = Digests.claimedSha256(reprDigest, Digests.REPR_DIGEST);
        if (length > maxBytes()) {
            throw new ServiceException.PayloadTooLarge(null, "The document exceeds the upload limit of "
                    + maxBytes() + " bytes");
        }
        Map<String, String> values = metadata(metadata);
        String patientId = values.get("patient_id");
        if (patientId == null || patientId.isBlank()) {
            throw new ServiceException.BadRequest(ErrorCode.INVALID_UPLOAD_HEADER, "patient_id",
                    "Upload-Metadata must name the patient: patient_id and its id in base64");
        }
        services.queryService().entityToChange(caller, patient(patientId));
        String contentType = values.get("filetype");
        if (contentType != null && contentType.length() > MAX_CONTENT_TYPE) {
            throw new ServiceException.BadRequest(ErrorCode.INVALID_UPLOAD_HEADER, "filetype",
                    "filetype may have at most " + MAX_CONTENT_TYPE + " characters");
        }
        ResumableUploads.Metadata named = new ResumableUploads.Metadata(patientId,
                FileNames.checkedBeforeContent(values.get("filename")), contentType,
                UploadReader.label("document_type", values.get("document_type")),
                UploadReader.label("description", values.get("description")),
                fileSha256 == null ? null : HexFormat.of().formatHex(fileSha256));
        return uploads.create(caller.tenant(), caller.subject(), named, length);
    }

    /** The caller's upload as it stands. */
    public Upload status(Caller caller, String id) {
        caller.require(Scope.DOCUMENTS_WRITE);
        return find(caller, id);
    }

    /** Terminates the caller's upload. */
    public void terminate(Caller caller, String id) {
        caller.require(Scope.DOCUMENTS_WRITE);
        if (!uploads.delete(caller.tenant(), caller.subject(), id)) {
            throw missing();
        }
    }

    /** An upload after a PATCH, and the id of the document it became once its last byte is there (else null). */
    public record Appended(Upload upload, String documentId) {
    }

    /**
     * Appends the body at {@code offset}; when that completes the upload, creates its document. Without a checksum,
     * a body that breaks off (the client went away, or sent too slowly) is appended as far as it came, as tus asks
     * ("store as much of the received data as possible"), and the failure is reported after; with one, nothing is
     * appended but all of the bytes it covers. A PATCH at the end of an upload that became a document (a client that
     * lost the last answer) answers again with that document.
     *
     * @param declaredLength the request's Content-Length, or -1
     * @param checksum       the {@code Upload-Checksum} header, or null
     * @param contentDigest  the {@code Content-Digest} header (RFC 9530: of these bytes), or null
     * @throws ServiceException.ChecksumMismatch when the bytes do not match the checksum; they are discarded
     * @throws ServiceException.BadRequest {@code DIGEST_MISMATCH} when they do not match the Content-Digest; they are
     *                                     discarded
     */
    public Appended append(Caller caller, AccessAudit audit, String id, long offset, long declaredLength,
                           InputStream body, String checksum, String contentDigest) {
        caller.require(Scope.DOCUMENTS_WRITE);
        byte[] expected = checksum == null ? null : sha256Of(checksum);
        byte[] digest = Digests.claimedSha256(contentDigest, Digests.CONTENT_DIGEST);
        Upload upload = find(caller, id);
        if (upload.offset() != offset) {
            throw new ServiceException.Conflict(ErrorCode.UPLOAD_OFFSET_MISMATCH, "Upload-Offset is " + offset
                    + " but the upload stands at " + upload.offset() + "; send the bytes from there");
        }
        long room = upload.length() - offset;
        if (declaredLength > room) {
            throw ResumableUploads.tooLong(upload.length());
        }
        UpToTheBreak arrived = new UpToTheBreak(UploadReader.clientBody(body), expected == null && digest == null);
        Upload now = upload;
        try (PendingContent chunk = receive(arrived, room, upload.length())) {
            if (expected != null && !MessageDigest.isEqual(expected, chunk.sha256())) {
                throw new ServiceException.ChecksumMismatch("The bytes that arrived do not match Upload-Checksum;"
                        + " they were discarded: send them again from Upload-Offset " + offset);
            }
            if (digest != null && !MessageDigest.isEqual(digest, chunk.sha256())) {
                throw new ServiceException.BadRequest(ErrorCode.DIGEST_MISMATCH, Digests.CONTENT_DIGEST,
                        "The bytes that arrived do not match Content-Digest; they were discarded: send them again"
                                + " from Upload-Offset " + offset);
            }
            if (chunk.size() > 0) {
                now = uploads.append(caller.tenant(), caller.subject(), id, offset, chunk);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (arrived.broke() != null && !now.complete()) {
            throw arrived.broke();
        }
        if (now.documentId() != null) {
            return new Appended(now, now.documentId());
        }
        return new Appended(now, now.complete() ? complete(caller, audit, now) : null);
    }

    private PendingContent receive(InputStream body, long room, long length) throws IOException {
        try {
            return uploads.receive(body, room);
        } catch (ServiceException.PayloadTooLarge e) {
            throw ResumableUploads.tooLong(length);
        }
    }

    /**
     * A request body read until it breaks off, where it then ends, the failure kept for {@link #broke}: the client's
     * failure to send it (a read that failed, a body too slow), never a refusal of what it holds.
     */
    private static final class UpToTheBreak extends FilterInputStream {
        private final boolean keep;
        private ServiceException broke;

        /** @param keep whether to end at the break; else the failure passes at once */
        UpToTheBreak(InputStream in, boolean keep) {
            super(in);
            this.keep = keep;
        }

        ServiceException broke() {
            return broke;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (broke != null) {
                return -1;
            }
            try {
                return super.read(b, off, len);
            } catch (ServiceException.BadRequest | ServiceException.RequestTimeout e) {
                if (!keep) {
                    throw e;
                }
                broke = e;
                return -1;
            }
        }
    }

    /**
     * Creates the document from a complete upload, which goes in the same transaction. An upload that can never
     * become a document (its content or name refused, its patient gone) is removed; one that failed otherwise (the
     * store unavailable) stays, to be completed by an empty PATCH at its end. Returns the document's id.
     */
    private String complete(Caller caller, AccessAudit audit, Upload upload) {
        ResumableUploads.Metadata named = upload.metadata();
        DocumentStore store = services.documentStore();
        try {
            services.queryService().entityToChange(caller, patient(named.patientId()));
            try (InputStream bytes = uploads.open(upload);
                 UploadReader.Received received = new UploadReader.Received(store.receive(bytes, maxBytes()),
                         named.contentType(), named.fileName(), named.documentType(), named.description(), false)) {
                if (named.reprSha256() != null
                        && !named.reprSha256().equals(HexFormat.of().formatHex(received.content().sha256()))) {
                    throw new ServiceException.BadRequest(ErrorCode.DIGEST_MISMATCH, Digests.REPR_DIGEST, "The file"
                            + " that arrived does not match the Repr-Digest the upload was created with; nothing is"
                            + " stored and the upload is removed");
                }
                return documents.create(caller, named.patientId(), received, record -> {
                    uploads.finish(upload, record.id());
                    audit.uploaded(AUDIT_PATH, record.patientId(), record.id(), 204);
                }).id();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ServiceException.BadRequest | ServiceException.NotFound | ServiceException.Forbidden e) {
            uploads.delete(caller.tenant(), caller.subject(), upload.id());
            throw e;
        }
    }

    private Upload find(Caller caller, String id) {
        return uploads.find(caller.tenant(), caller.subject(), id).orElseThrow(ResumableUploadRequests::missing);
    }

    private Target patient(String patientId) {
        return new Target(services.model().patients(), patientId, null, null);
    }

    private static ServiceException.NotFound missing() {
        return new ServiceException.NotFound("The upload does not exist or has expired");
    }

    /**
     * The pairs of {@code Upload-Metadata}: comma-separated, each a key and, after a space, its value in base64
     * (tus 1.0 creation extension); a key may come without a value. Keys other than the service's are ignored.
     */
    static Map<String, String> metadata(String header) {
        Map<String, String> values = new HashMap<>();
        if (header == null || header.isBlank()) {
            return values;
        }
        for (String pair : header.split(",")) {
            String[] parts = pair.strip().split(" ", -1);
            if (parts.length > 2 || parts[0].isEmpty()) {
                throw invalid("Upload-Metadata", "Upload-Metadata must be pairs of a key and a base64 value,"
                        + " separated by commas");
            }
            String value = null;
            if (parts.length == 2) {
                try {
                    value = new String(Base64.getDecoder().decode(parts[1]), StandardCharsets.UTF_8);
                } catch (IllegalArgumentException e) {
                    throw invalid(parts[0], "The value of " + parts[0] + " in Upload-Metadata is not base64");
                }
            }
            if (values.containsKey(parts[0])) {
                throw invalid(parts[0], "Upload-Metadata names " + parts[0] + " more than once");
            }
            values.put(parts[0], value);
        }
        return values;
    }

    /** The digest of {@code Upload-Checksum: sha256 <base64>}; the only algorithm offered is sha256. */
    static byte[] sha256Of(String checksum) {
        String[] parts = checksum.strip().split(" ", -1);
        if (parts.length != 2 || !parts[0].toLowerCase(Locale.ROOT).equals("sha256")) {
            throw invalid("Upload-Checksum", "Upload-Checksum must be sha256 and the digest in base64; no other"
                    + " algorithm is supported");
        }
        try {
            byte[] digest = Base64.getDecoder().decode(parts[1]);
            if (digest.length == 32) {
                return digest;
            }
        } catch (IllegalArgumentException e) {
            // refused below
        }
        throw invalid("Upload-Checksum", "The digest of Upload-Checksum is not a SHA-256 digest in base64");
    }

    private static ServiceException.BadRequest invalid(String target, String message) {
        return new ServiceException.BadRequest(ErrorCode.INVALID_UPLOAD_HEADER, target, message);
    }
}
