package org.patientdocs.storage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Arrays;

import javax.sql.DataSource;

/**
 * Documents entirely in the database ({@code documents.store=database}), so that every instance using the database
 * shares them: the bytes as {@code document_chunk} rows of a fixed size, written in the transaction that inserts
 * the document row. Row and bytes therefore commit together or not at all, and deleting the row deletes its chunks
 * (foreign key with {@code ON DELETE CASCADE}); no bytes can be orphaned in the database.
 * <p>
 * Connections are held only for local work: an upload is received into the local {@link ContentSpool} first and
 * copied into the database from there; a download reads one chunk per short query ({@link ChunkedContent}), so a
 * slow client holds a chunk in memory, never a connection.
 */
public final class DatabaseDocumentStore implements DocumentStore {

    /** The bytes per chunk row: large enough for few round trips, small enough to hold one per download. */
    public static final int CHUNK_BYTES = 1024 * 1024;

    private static final String INSERT_CHUNK = "INSERT INTO document_chunk (document_id, seq, data) VALUES (?, ?, ?)";

    private final ContentSpool spool;
    private final DataSource dataSource;
    private final DocumentRecords records;
    private final int chunkBytes;

    /** @param spoolDir where uploads are received before they are copied into the database */
    public DatabaseDocumentStore(Path spoolDir, DataSource dataSource, DocumentRecords records) throws IOException {
        this(spoolDir, dataSource, records, CHUNK_BYTES);
    }

    DatabaseDocumentStore(Path spoolDir, DataSource dataSource, DocumentRecords records, int chunkBytes)
            throws IOException {
        // The spool is not the durable copy, so it is not forced to disk: the database commit is.
        this.spool = new ContentSpool(spoolDir, false);
        this.dataSource = dataSource;
        this.records = records;
        this.chunkBytes = chunkBytes;
    }

    @Override
    public ContentSpool spool() {
        return spool;
    }

    @Override
    public void create(PendingContent content, DocumentRecord record) throws IOException {
        try (Connection connection = dataSource.getConnection()) {
            // Closing the connection (returning it to the pool) rolls back whatever did not commit.
            connection.setAutoCommit(false);
            try {
                DocumentRecords.insert(connection, record);
                writeChunks(connection, record.id(), content);
                connection.commit();
            } catch (SQLException | IOException | RuntimeException | Error e) {
                rollback(connection, e);
                throw e;
            }
        } catch (SQLException e) {
            throw DocumentRecords.failure(e);
        }
    }

    private void writeChunks(Connection connection, String documentId, PendingContent content)
            throws SQLException, IOException {
        byte[] buffer = new byte[chunkBytes];
        long written = 0;
        try (InputStream in = Files.newInputStream(content.tempFile());
             PreparedStatement insert = connection.prepareStatement(INSERT_CHUNK)) {
            int seq = 0;
            for (int read = in.readNBytes(buffer, 0, buffer.length); read > 0;
                 read = in.readNBytes(buffer, 0, buffer.length)) {
                insert.setString(1, documentId);
                insert.setInt(2, seq++);
                insert.setBytes(3, read == buffer.length ? buffer : Arrays.copyOf(buffer, read));
                insert.executeUpdate();
                written += read;
            }
        }
        if (written != content.size()) {
            throw new IOException("the received file changed before it was stored");
        }
    }

    /**
     * Switches the row and replaces the chunks in one transaction. A download reading the old chunks meanwhile reads
     * only chunks of the version its row named ({@link ChunkedContent}), so it ends with an error instead of mixing
     * two versions: the chunks of one document have one place, and the old ones cannot stay beside the new.
     */
    @Override
    public boolean replaceContent(PendingContent content, DocumentRecord current, DocumentRecord replacement)
            throws IOException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                if (!DocumentRecords.switchContent(connection, current, replacement)) {
                    connection.rollback();
                    return false;
                }
                Statements.update(connection, "DELETE FROM document_chunk WHERE document_id = ?", current.id());
                writeChunks(connection, current.id(), content);
                connection.commit();
                return true;
            } catch (SQLException | IOException | RuntimeException | Error e) {
                rollback(connection, e);
                throw e;
            }
        } catch (SQLException e) {
            throw StoreFailure.of(e);
        }
    }

    @Override
    public InputStream openContent(DocumentRecord document, long offset, long length) throws IOException {
        DocumentStore.requireWithin(document, offset, length);
        ChunkedContent content = new ChunkedContent(dataSource, document.id(), document.contentVersion(),
                document.fileSizeBytes(), chunkBytes, offset, length);
        try {
            // Fetched now, so that missing content or an unreachable database is reported before the response starts.
            if (!content.fetchFirst()) {
                throw new NoSuchFileException("no document with this id is stored");
            }
        } catch (SQLException e) {
            throw StoreFailure.of(e);
        }
        return content;
    }

    @Override
    public boolean delete(String tenant, String documentId) {
        return records.delete(tenant, documentId);
    }

    /** Only stale spool files can be left over: bytes in the database always commit with their row. */
    @Override
    public int deleteOrphans(Duration minAge) throws IOException {
        return spool.deleteStale(minAge);
    }

    private static void rollback(Connection connection, Throwable failure) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            failure.addSuppressed(e);
        }
    }
}
