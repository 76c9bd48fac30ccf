package org.patientdocs.storage;

import java.time.Instant;

/**
 * A document's metadata as stored; its bytes live in the {@link DocumentStore} under the same id.
 *
 * @param tenant         the tenant of the document's patient
 * @param id             unique across all tenants
 * @param fileSizeBytes  the size of the document's content, as uploaded (not of what a store holds when encrypted)
 * @param contentSha256  hex SHA-256 of the content as uploaded, the source of the download's strong ETag
 * @param key            the document's data key, wrapped; null when its bytes are stored unencrypted
 * @param contentVersion which version of the document's bytes the row refers to: 0 for the bytes first stored, 1 once
 *                       {@code encrypt-documents} stored them anew, encrypted, under another name
 */
public record DocumentRecord(String tenant, String id, String patientId, String fileName, String contentType,
                             long fileSizeBytes, String documentType, String description, String uploadedById,
                             Instant uploadedAt, String contentSha256, WrappedKey key, int contentVersion) {

    /** A document stored as uploaded: unencrypted, version 0. */
    public DocumentRecord(String tenant, String id, String patientId, String fileName, String contentType,
                          long fileSizeBytes, String documentType, String description, String uploadedById,
                          Instant uploadedAt, String contentSha256) {
        this(tenant, id, patientId, fileName, contentType, fileSizeBytes, documentType, description, uploadedById,
                uploadedAt, contentSha256, null, 0);
    }

    /** Whether the stored bytes are encrypted. */
    public boolean encrypted() {
        return key != null;
    }

    /** The same document with its bytes encrypted under this data key and stored as this version. */
    DocumentRecord withKey(WrappedKey wrapped, int version) {
        return new DocumentRecord(tenant, id, patientId, fileName, contentType, fileSizeBytes, documentType,
                description, uploadedById, uploadedAt, contentSha256, wrapped, version);
    }

    /**
     * The same document as a store sees it: {@code storedBytes} bytes, which is what a store reading it checks its
     * content against.
     */
    DocumentRecord withStoredSize(long storedBytes) {
        return new DocumentRecord(tenant, id, patientId, fileName, contentType, storedBytes, documentType,
                description, uploadedById, uploadedAt, contentSha256, key, contentVersion);
    }
}
