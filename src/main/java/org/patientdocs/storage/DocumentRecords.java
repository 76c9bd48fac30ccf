package org.patientdocs.storage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;

import javax.sql.DataSource;

import org.patientdocs.error.ServiceException;

/**
 * The document metadata table: inserts, and lookups, updates and deletes by tenant and key. Which document a request
 * addresses, and that it exists, the query service finds first; here the row is read for what only storage keeps
 * (the content's digest) or changed. Every statement for a request names the tenant, so that even one called with
 * another tenant's document id cannot read or touch that tenant's row; document ids are unique across tenants.
 */
public final class DocumentRecords {

    private static final String COLUMNS = "tenant_id, id, patient_id, file_name, content_type, file_size_bytes,"
            + " document_type, description, uploaded_by_id, uploaded_at, content_sha256";

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
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)", d.tenant(), d.id(), d.patientId(),
                d.fileName(), d.contentType(), d.fileSizeBytes(), d.documentType(), d.description(), d.uploadedById(),
                OffsetDateTime.ofInstant(d.uploadedAt(), ZoneOffset.UTC), d.contentSha256());
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
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new DocumentRecord(rs.getString(1), rs.getString(2), rs.getString(3),
                        rs.getString(4), rs.getString(5), rs.getLong(6), rs.getString(7), rs.getString(8),
                        rs.getString(9), rs.getObject(10, OffsetDateTime.class).toInstant(), rs.getString(11)));
            }
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

    /**
     * Whether a row of any tenant has this id: what the sweep of unreferenced bytes asks, which serves no request and
     * keeps every tenant's bytes alike.
     */
    public boolean referenced(String id) {
        try {
            return Statements.exists(dataSource, "SELECT 1 FROM document WHERE id = ?", id);
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
