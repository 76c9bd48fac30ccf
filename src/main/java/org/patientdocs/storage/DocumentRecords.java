package org.patientdocs.storage;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import javax.sql.DataSource;

import org.patientdocs.error.ServiceException;
import org.patientdocs.query.ColumnMap;
import org.patientdocs.query.Row;

/**
 * The document metadata table: inserts, and lookups, updates and deletes by tenant and key. Which document a request
 * addresses, and that it exists, the query service finds (a download reads the {@link #STORED} columns with it, for
 * what only storage keeps: the content's digest, its data key); here the row is changed. Every statement for a request
 * names the tenant, so that even one called with another tenant's document id cannot read or touch that tenant's row;
 * document ids are unique across tenants.
 */
public final class DocumentRecords {

    private static final String COLUMNS = "tenant_id, id, patient_id, file_name, content_type, file_size_bytes,"
            + " document_type, description, uploaded_by_id, uploaded_at, content_sha256, key_id, wrapped_key,"
            + " content_version";

    private final DataSource dataSource;

    public DocumentRecords(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Inserts the row in its own transaction; 404 when the tenant's patient was deleted meanwhile. */
    public void insert(DocumentRecord d) {
        try (Connection connection = dataSource.getConnection()) {
            insert(connection, d);
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    /** Inserts the row in the connection's transaction; the caller maps failures with {@link #failure}. */
    static void insert(Connection connection, DocumentRecord d) throws SQLException {
        Statements.update(connection, "INSERT INTO document (" + COLUMNS + ", version)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)", d.tenant(), d.id(), d.patientId(),
                d.fileName(), d.contentType(), d.fileSizeBytes(), d.documentType(), d.description(), d.uploadedById(),
                OffsetDateTime.ofInstant(d.uploadedAt(), ZoneOffset.UTC), d.contentSha256(),
                d.key() == null ? null : d.key().keyId(), d.key() == null ? null : d.key().bytes(),
                d.contentVersion());
    }

    /** What a failed insert means for the client: a vanished patient is 404, the rest as {@link StoreFailure}. */
    static RuntimeException failure(SQLException e) {
        if (StoreFailure.isState(e, StoreFailure.FOREIGN_KEY_VIOLATION)
                || StoreFailure.isState(e, StoreFailure.FOREIGN_KEY_PARENT_MISSING)) {
            return new ServiceException.NotFound("The patient does not exist");
        }
        return StoreFailure.of(e);
    }

    /** The tenant's document with this id; empty when the tenant has none (whether or not another tenant has). */
    public Optional<DocumentRecord> find(String tenant, String id) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(
                     "SELECT " + COLUMNS + " FROM document WHERE tenant_id = ? AND id = ?")) {
            statement.setString(1, tenant);
            statement.setString(2, id);
            try (ResultSet rs = statement.executeQuery()) {
                return rs.next() ? Optional.of(record(rs)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw StoreFailure.of(e);
        }
    }

    /**
     * The stored columns a download reads with the document's properties, in one statement of the query service
     * ({@link org.patientdocs.query.QueryService#entity(org.patientdocs.auth.Caller, org.patientdocs.query.Target,
     * List)}), so that the access rules that find the document are the query service's own: see {@link #of}.
     */
    public static final List<ColumnMap.Column> STORED = List.of(
            ColumnMap.stored("content_sha256", ColumnMap.Kind.STRING),
            ColumnMap.stored("key_id", ColumnMap.Kind.STRING),
            ColumnMap.stored("wrapped_key", ColumnMap.Kind.BYTES),
            ColumnMap.stored("content_version", ColumnMap.Kind.INT32));

    /** The record of a document the query service read with {@link #STORED}, in the caller's {@code tenant}. */
    public static DocumentRecord of(String tenant, Row row) {
        String keyId = (String) row.stored(1);
        return new DocumentRecord(tenant, (String) row.get("id"), (String) row.get("patient_id"),
                (String) row.get("file_name"), (String) row.get("content_type"), (Long) row.get("file_size_bytes"),
                (String) row.get("document_type"), (String) row.get("description"),
                (String) row.get("uploaded_by_id"), (Instant) row.get("uploaded_at"), (String) row.stored(0),
                keyId == null ? null : new WrappedKey(keyId, (byte[]) row.stored(2)), (Integer) row.stored(3));
    }

    /** The record of a result set's row of {@link #COLUMNS}. */
    private static DocumentRecord record(ResultSet rs) throws SQLException {
        String keyId = rs.getString(12);
        return new DocumentRecord(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                rs.getLong(6), rs.getString(7), rs.getString(8), rs.getString(9),
                rs.getObject(10, OffsetDateTime.class).toInstant(), rs.getString(11),
                keyId == null ? null : new WrappedKey(keyId, rs.getBytes(13)), rs.getInt(14));
    }

    /**
     * The ids of the keys that wrap the data keys of stored documents, of every tenant. Read as a skip scan of the
     * {@code key_id} index, one seek per key, rather than {@code SELECT DISTINCT}: a service starts with this, and H2
     * does not use an index for {@code IS NOT NULL}, so it read every row of a million unencrypted documents.
     */
    Set<String> keyIds() {
        Set<String> ids = new TreeSet<>();
        try (Connection connection = dataSource.getConnection();
             PreparedStatement first = connection.prepareStatement(
                     "SELECT key_id FROM document WHERE key_id >= ? ORDER BY key_id LIMIT 1");
             PreparedStatement next = connection.prepareStatement(
                     "SELECT key_id FROM document WHERE key_id > ? ORDER BY key_id LIMIT 1")) {
            // every text is at least the empty one, so the first seek finds the least key id there is
            for (String id = nextKeyId(first, ""); id != null; id = nextKeyId(next, id)) {
                ids.add(id);
            }
        } catch (SQLException e) {
            throw StoreFailure.of(e);
        }
        return ids;
    }

    private static String nextKeyId(PreparedStatement seek, String from) throws SQLException {
        seek.setString(1, from);
        try (ResultSet rs = seek.executeQuery()) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    /** Up to {@code limit} documents, of any tenant, whose data key is wrapped by this key. */
    List<DocumentRecord> wrappedBy(String keyId, int limit) {
        return records("SELECT " + COLUMNS + " FROM document WHERE key_id = ? ORDER BY id LIMIT ?", keyId, limit);
    }

    /** Up to {@code limit} encrypted documents, of any tenant, whose data key is wrapped by another key than this. */
    List<DocumentRecord> wrappedByOtherThan(String keyId, int limit) {
        return records("SELECT " + COLUMNS + " FROM document WHERE key_id IS NOT NULL AND key_id <> ?"
                + " ORDER BY key_id, id LIMIT ?", keyId, limit);
    }

    /** Up to {@code limit} documents stored unencrypted, of any tenant, in the order of their ids after this one. */
    List<DocumentRecord> unencryptedAfter(String id, int limit) {
        return records("SELECT " + COLUMNS + " FROM document WHERE key_id IS NULL AND id > ? ORDER BY id LIMIT ?",
                id, limit);
    }

    /** Up to {@code limit} documents, of any tenant, in the order of their ids after this one. */
    List<DocumentRecord> after(String id, int limit) {
        return records("SELECT " + COLUMNS + " FROM document WHERE id > ? ORDER BY id LIMIT ?", id, limit);
    }

    /** How many documents there are, of every tenant. */
    long count() {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement("SELECT COUNT(*) FROM document");
             ResultSet rs = statement.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw StoreFailure.of(e);
        }
    }

    private List<DocumentRecord> records(String sql, Object... values) {
        List<DocumentRecord> found = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < values.length; i++) {
                statement.setObject(i + 1, values[i]);
            }
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    found.add(record(rs));
                }
            }
        } catch (SQLException e) {
            throw StoreFailure.of(e);
        }
        return found;
    }

    /**
     * Replaces the wrapped data keys of these documents, each only if its row still has the key it was read with, in
     * one transaction; how many rows changed. The row's version (its ETag) stays: the document did not change.
     */
    int rewrap(Map<DocumentRecord, WrappedKey> rewrapped) {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            int changed = 0;
            try (PreparedStatement update = connection.prepareStatement("UPDATE document SET key_id = ?,"
                    + " wrapped_key = ? WHERE id = ? AND key_id = ?")) {
                for (Map.Entry<DocumentRecord, WrappedKey> entry : rewrapped.entrySet()) {
                    update.setString(1, entry.getValue().keyId());
                    update.setBytes(2, entry.getValue().bytes());
                    update.setString(3, entry.getKey().id());
                    update.setString(4, entry.getKey().key().keyId());
                    changed += update.executeUpdate();
                }
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
            return changed;
        } catch (SQLException e) {
            throw StoreFailure.of(e);
        }
    }

    /**
     * Points the row at newly stored bytes (their data key and content version), on the connection, if it still
     * refers to the bytes {@code current} names; whether it did.
     */
    static boolean switchContent(Connection connection, DocumentRecord current, DocumentRecord replacement)
            throws SQLException {
        return Statements.update(connection, "UPDATE document SET key_id = ?, wrapped_key = ?, content_version = ?"
                        + " WHERE id = ? AND content_version = ? AND key_id IS NULL",
                replacement.key().keyId(), replacement.key().bytes(), replacement.contentVersion(), current.id(),
                current.contentVersion()) == 1;
    }

    /** Stores a new version of a document's bytes beside the current one. */
    @FunctionalInterface
    interface VersionWriter {
        void write() throws IOException;
    }

    /**
     * Switches the row from the unencrypted bytes {@code current} names to {@code replacement}'s, with the new bytes
     * written by {@code newVersion} while the row is locked (readers are not held up: both databases read without
     * locks), in a transaction of its own: the stores whose bytes live outside the database (files, objects) replace
     * content this way. Holding the lock while the bytes are written lets a run after a crash replace what the crashed
     * run left under the new name, and keeps two runs at once from both writing it. The caller removes the old bytes
     * once this returns true; the new ones, once written, are never removed here (a row might name them).
     *
     * @return false, with nothing switched, when the row no longer refers to {@code current}'s bytes
     */
    boolean switchLocked(DocumentRecord current, DocumentRecord replacement, VersionWriter newVersion)
            throws IOException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                if (!Statements.exists(connection, "SELECT 1 FROM document WHERE id = ? AND content_version = ?"
                        + " AND key_id IS NULL FOR UPDATE", current.id(), current.contentVersion())) {
                    connection.rollback();
                    return false;
                }
                newVersion.write();
                switchContent(connection, current, replacement);
                connection.commit();
                return true;
            } catch (SQLException | IOException | RuntimeException | Error e) {
                try {
                    connection.rollback();
                } catch (SQLException suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw e;
            }
        } catch (SQLException e) {
            throw StoreFailure.of(e);
        }
    }

    /**
     * Whether a row of any tenant refers to this version of this document's bytes: what the sweeps of files and objects
     * ask, which serve no request and keep every tenant's bytes alike.
     */
    boolean referenced(String id, int contentVersion) {
        try {
            return Statements.exists(dataSource, "SELECT 1 FROM document WHERE id = ? AND content_version = ?", id,
                    contentVersion);
        } catch (SQLException e) {
            throw StoreFailure.of(e);
        }
    }

    public boolean exists(String tenant, String id) {
        try {
            return Statements.exists(dataSource, "SELECT 1 FROM document WHERE tenant_id = ? AND id = ?", tenant, id);
        } catch (SQLException e) {
            throw StoreFailure.of(e);
        }
    }

    /** Sets the two client-writable properties if the tenant's row is still at {@code version}; false otherwise. */
    public boolean updateLabels(String tenant, String id, String documentType, String description, long version) {
        try {
            return Statements.update(dataSource, "UPDATE document SET document_type = ?, description = ?,"
                            + " version = version + 1 WHERE tenant_id = ? AND id = ? AND version = ?", documentType,
                    description, tenant, id, version) == 1;
        } catch (SQLException e) {
            throw StoreFailure.of(e);
        }
    }

    /** Deletes the tenant's row (and, through the foreign key, any stored chunks); false when there was none. */
    public boolean delete(String tenant, String id) {
        try {
            return Statements.update(dataSource, "DELETE FROM document WHERE tenant_id = ? AND id = ?", tenant,
                    id) == 1;
        } catch (SQLException e) {
            throw StoreFailure.of(e);
        }
    }
}
