package org.patientdocs.storage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import org.patientdocs.error.ErrorCode;
import org.patientdocs.error.ServiceException;

/**
 * Resumable uploads (tus) not finished yet: a row of {@code resumable_upload} each, with what its creation named and
 * how far it has come, and its bytes so far in {@link UploadParts} (the instance's spool on H2, the database on
 * PostgreSQL, where any instance can continue an upload). An upload belongs to the tenant and subject that created
 * it: for anyone else it does not exist. Each chunk is received into a local spool first (so a slow client holds a
 * file, never a connection), then appended in one short transaction that checks and moves the offset under the row's
 * lock: two clients appending at once cannot both succeed. An upload expires {@code expiry} after its last change.
 */
public final class ResumableUploads {

    /** An upload id: {@code up-} and 128 random bits in unpadded base64url. */
    private static final Pattern ID = Pattern.compile("up-[A-Za-z0-9_-]{22}");
    private static final String COLUMNS = "id, tenant_id, subject, patient_id, file_name, content_type, document_type,"
            + " description, upload_length, upload_offset, expires_at, document_id, repr_sha256";

    /** What the creation of an upload names; everything but the patient may be null. */
    public record Metadata(String patientId, String fileName, String contentType, String documentType,
                           String description, String reprSha256) {
    }

    /**
     * An upload as it stands.
     *
     * @param documentId the document the upload became, or null while it has not
     */
    public record Upload(String id, String tenant, String subject, Metadata metadata, long length, long offset,
                         Instant expiresAt, String documentId) {
        public boolean complete() {
            return offset == length;
        }
    }

    private final Transactions transactions;
    private final DataSource dataSource;
    private final UploadParts parts;
    private final ContentSpool chunks;
    private final Clock clock;
    private final Duration expiry;

    /**
     * @param dir    the local directory where chunks are received, and where the bytes so far are held when
     *               {@code shared} is false
     * @param shared whether the bytes so far are held in the database, for every instance on it
     */
    public ResumableUploads(Transactions transactions, Path dir, boolean shared, Clock clock, Duration expiry)
            throws IOException {
        this.transactions = transactions;
        this.dataSource = transactions.dataSource();
        this.chunks = new ContentSpool(dir, false);
        this.parts = shared ? new UploadParts.InDatabase(dataSource) : new UploadParts.InFiles(chunks.dir());
        this.clock = clock;
        this.expiry = expiry;
    }

    /** Creates an upload of {@code length} bytes, none of them there yet. */
    public Upload create(String tenant, String subject, Metadata metadata, long length) {
        Upload upload = new Upload("up-" + DocumentIds.randomToken(), tenant, subject, metadata, length, 0,
                expiresFromNow(), null);
        try (Connection connection = dataSource.getConnection();
             PreparedStatement insert = connection.prepareStatement("INSERT INTO resumable_upload (" + COLUMNS
                     + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?)")) {
            insert.setString(1, upload.id());
            insert.setString(2, tenant);
            insert.setString(3, subject);
            insert.setString(4, metadata.patientId());
            insert.setString(5, metadata.fileName());
            insert.setString(6, metadata.contentType());
            insert.setString(7, metadata.documentType());
            insert.setString(8, metadata.description());
            insert.setLong(9, length);
            insert.setLong(10, 0);
            insert.setLong(11, upload.expiresAt().toEpochMilli());
            insert.setString(12, metadata.reprSha256());
            insert.executeUpdate();
        } catch (SQLException e) {
            throw StoreFailure.of(e);
        }
        return upload;
    }

    /** The caller's upload, unless it does not exist, is another's or has expired. */
    public Optional<Upload> find(String tenant, String subject, String id) {
        if (id == null || !ID.matcher(id).matches()) {
            return Optional.empty();
        }
        try (Connection connection = dataSource.getConnection()) {
            return read(connection, tenant, subject, id, false);
        } catch (SQLException e) {
            throw StoreFailure.of(e);
        }
    }

    /**
     * Receives a chunk's bytes into the local spool, computing its size and SHA-256.
     *
     * @throws ServiceException.PayloadTooLarge as soon as more than {@code maxBytes} arrive
     */
    public PendingContent receive(InputStream in, long maxBytes) throws IOException {
        return chunks.write(in, maxBytes);
    }

    /**
     * Appends a received chunk at {@code offset}, which must be where the upload stands, and moves its expiry on.
     *
     * @return the upload with its new offset
     * @throws ServiceException.NotFound when the upload does not exist (for this caller) or has expired
     * @throws ServiceException.Conflict {@link ErrorCode#UPLOAD_OFFSET_MISMATCH} when the upload stands elsewhere
     * @throws ServiceException.PayloadTooLarge when the chunk would take the upload past its length
     */
    public Upload append(String tenant, String subject, String id, long offset, PendingContent chunk) {
        return transactions.inTransaction(() -> {
            try {
                Connection connection = dataSource.getConnection();
                Upload upload = read(connection, tenant, subject, id, true).orElseThrow(ResumableUploads::missing);
                if (upload.offset() != offset) {
                    throw new ServiceException.Conflict(ErrorCode.UPLOAD_OFFSET_MISMATCH, "Upload-Offset is "
                            + offset + " but the upload stands at " + upload.offset() + "; send the bytes from there");
                }
                if (chunk.size() > upload.length() - offset) {
                    throw tooLong(upload.length());
                }
                parts.write(connection, id, offset, chunk);
                Upload moved = new Upload(id, tenant, subject, upload.metadata(), upload.length(),
                        offset + chunk.size(), expiresFromNow(), null);
                try (PreparedStatement update = connection.prepareStatement(
                        "UPDATE resumable_upload SET upload_offset = ?, expires_at = ? WHERE id = ?")) {
                    update.setLong(1, moved.offset());
                    update.setLong(2, moved.expiresAt().toEpochMilli());
                    update.setString(3, id);
                    update.executeUpdate();
                }
                return new Transactions.Outcome<>(moved, true);
            } catch (SQLException e) {
                throw StoreFailure.of(e);
            } catch (UploadParts.LostBytes e) {
                throw new ServiceException.NotFound("The bytes this upload received so far are gone (the service's"
                        + " data was restored from a backup, which holds no unfinished upload); start the upload again");
            } catch (IOException e) {
                throw new StoreFailure.Unexpected("cannot append to the upload", e);
            }
        });
    }

    /** The bytes of a complete upload, in order; the caller closes the stream. */
    public InputStream open(Upload upload) throws IOException {
        return parts.open(upload.id(), upload.length());
    }

    /**
     * Records that a complete upload became the document, in the transaction open on this thread (the one that
     * creates the document), so that an upload becomes a document once only; its bytes go with that transaction, or
     * (held in files) after its commit. The upload stays, finished, until it expires: a client that lost the answer
     * finds it there, with the document's id, instead of uploading again.
     *
     * @throws ServiceException.Conflict when another request finished or terminated the upload meanwhile
     */
    public void finish(Upload upload, String documentId) {
        try {
            Connection connection = dataSource.getConnection();
            try (PreparedStatement update = connection.prepareStatement("UPDATE resumable_upload"
                    + " SET document_id = ?, expires_at = ? WHERE id = ? AND tenant_id = ? AND subject = ?"
                    + " AND upload_offset = upload_length AND document_id IS NULL")) {
                update.setString(1, documentId);
                update.setLong(2, expiresFromNow().toEpochMilli());
                update.setString(3, upload.id());
                update.setString(4, upload.tenant());
                update.setString(5, upload.subject());
                if (update.executeUpdate() != 1) {
                    throw new ServiceException.Conflict(ErrorCode.CONFLICT,
                            "The upload was finished or terminated by another request meanwhile");
                }
            }
            parts.discard(connection, upload.id());
        } catch (SQLException e) {
            throw StoreFailure.of(e);
        }
        transactions.afterCommit(() -> parts.delete(upload.id()));
    }

    /** Terminates the caller's upload, bytes and all; false when it has no such upload. */
    public boolean delete(String tenant, String subject, String id) {
        if (find(tenant, subject, id).isEmpty()) {
            return false;
        }
        boolean deleted;
        try (Connection connection = dataSource.getConnection();
             PreparedStatement delete = connection.prepareStatement(
                     "DELETE FROM resumable_upload WHERE id = ? AND tenant_id = ? AND subject = ?")) {
            delete.setString(1, id);
            delete.setString(2, tenant);
            delete.setString(3, subject);
            deleted = delete.executeUpdate() == 1;
        } catch (SQLException e) {
            throw StoreFailure.of(e);
        }
        parts.delete(id);
        return deleted;
    }

    /**
     * Removes the uploads that have expired, with their bytes, and the leftovers of interrupted requests older than
     * {@code minAge}: what the orphan sweep runs.
     *
     * @return how many uploads and leftover files were removed
     */
    public int deleteExpired(Duration minAge) throws IOException {
        List<String> expired = new ArrayList<>();
        long now = clock.millis();
        try (Connection connection = dataSource.getConnection()) {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT id FROM resumable_upload WHERE expires_at <= ?")) {
                select.setLong(1, now);
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        expired.add(rs.getString(1));
                    }
                }
            }
            try (PreparedStatement delete = connection.prepareStatement(
                    "DELETE FROM resumable_upload WHERE id = ? AND expires_at <= ?")) {
                for (String id : expired) {
                    delete.setString(1, id);
                    delete.setLong(2, now);
                    delete.executeUpdate();
                }
            }
        } catch (SQLException e) {
            throw StoreFailure.of(e);
        }
        expired.forEach(parts::delete);
        return expired.size() + chunks.deleteStale(minAge) + deleteUnreferencedParts();
    }

    /** Part files whose upload is gone: left when an instance stopped between deleting a row and its file. */
    private int deleteUnreferencedParts() throws IOException {
        if (!(parts instanceof UploadParts.InFiles)) {
            return 0;
        }
        int deleted = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(chunks.dir(), "*" + UploadParts.InFiles.SUFFIX)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                String id = name.substring(0, name.length() - UploadParts.InFiles.SUFFIX.length());
                if (!exists(id)) {
                    parts.delete(id);
                    deleted++;
                }
            }
        }
        return deleted;
    }

    private boolean exists(String id) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement("SELECT 1 FROM resumable_upload WHERE id = ?")) {
            select.setString(1, id);
            try (ResultSet rs = select.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            throw StoreFailure.of(e);
        }
    }

    private Optional<Upload> read(Connection connection, String tenant, String subject, String id, boolean lock)
            throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT " + COLUMNS + " FROM resumable_upload"
                + " WHERE id = ? AND tenant_id = ? AND subject = ? AND expires_at > ?" + (lock ? " FOR UPDATE" : ""))) {
            select.setString(1, id);
            select.setString(2, tenant);
            select.setString(3, subject);
            select.setLong(4, clock.millis());
            try (ResultSet rs = select.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Upload(rs.getString(1), rs.getString(2), rs.getString(3),
                        new Metadata(rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7),
                                rs.getString(8), rs.getString(13)),
                        rs.getLong(9), rs.getLong(10), Instant.ofEpochMilli(rs.getLong(11)), rs.getString(12)));
            }
        }
    }

    private Instant expiresFromNow() {
        return Instant.ofEpochMilli(clock.millis()).plus(expiry);
    }

    private static ServiceException.NotFound missing() {
        return new ServiceException.NotFound("The upload does not exist or has expired");
    }

    /** A chunk that would take an upload past the length its creation declared. */
    public static ServiceException.PayloadTooLarge tooLong(long length) {
        return new ServiceException.PayloadTooLarge(null, "The bytes sent go past the Upload-Length of " + length
                + " the upload was created with");
    }
}
