package org.patientdocs.storage;

import java.time.Instant;

/**
 * A document's metadata as stored; its bytes live in the {@link DocumentStore} under the same id.
 *
 * @param tenant        the tenant of the document's patient
 * @param id            unique across all tenants
 * @param contentSha256 hex SHA-256 of the bytes, the source of the download's strong ETag
 */
public record DocumentRecord(String tenant, String id, String patientId, String fileName, String contentType,
                             long fileSizeBytes, String documentType, String description, String uploadedById,
                             Instant uploadedAt, String contentSha256) {
}
