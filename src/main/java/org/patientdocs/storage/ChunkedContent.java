package org.patientdocs.storage;

import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Objects;

import javax.sql.DataSource;

/**
 * A document's bytes read from its {@code document_chunk} rows one chunk at a time, each with a pooled connection
 * held only for that one query: the reader may take as long as it likes between chunks. Content never changes once
 * committed, so reading chunk by chunk outside one transaction is consistent; a document deleted meanwhile ends the
 * stream with an {@link IOException}, as does content shorter or longer than the recorded size. Not thread-safe.
 */
final class ChunkedContent extends InputStream {

    /** A chunk of the version of the content the reader started with: never one of a version stored since. */
    private static final String SELECT_CHUNK = "SELECT c.data FROM document_chunk c JOIN document d"
            + " ON d.id = c.document_id WHERE c.document_id = ? AND c.seq = ? AND d.content_version = ?";
    private static final byte[] NONE = new byte[0];

    private final DataSource dataSource;
    private final String documentId;
    private final int version;
    private final long size;
    private byte[] chunk = NONE;
    private int position;
    private int nextSeq;
    private long fetched;
    private boolean closed;

    ChunkedContent(DataSource dataSource, String documentId, int version, long size) {
        this.dataSource = dataSource;
        this.documentId = documentId;
        this.version = version;
        this.size = size;
    }

    /** Reads the first chunk now; false when the document has none. */
    boolean fetchFirst() throws SQLException, IOException {
        byte[] first = query(0);
        if (first == null) {
            return false;
        }
        accept(first);
        return true;
    }

    @Override
    public int read() throws IOException {
        if (!ensureAvailable()) {
            return -1;
        }
        return chunk[position++] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return 0;
        }
        if (!ensureAvailable()) {
            return -1;
        }
        int count = Math.min(len, chunk.length - position);
        System.arraycopy(chunk, position, b, off, count);
        position += count;
        return count;
    }

    @Override
    public int available() {
        return closed ? 0 : chunk.length - position;
    }

    @Override
    public void close() {
        closed = true;
        chunk = NONE;
        position = 0;
    }

    /** Whether a byte is ready to read, fetching the next chunk when the current one is used up; false at the end. */
    private boolean ensureAvailable() throws IOException {
        if (closed) {
            throw new IOException("the content stream is closed");
        }
        if (position < chunk.length) {
            return true;
        }
        if (fetched == size) {
            return false;
        }
        byte[] next;
        try {
            next = query(nextSeq);
        } catch (SQLException e) {
            throw new IOException("reading the stored content failed", e);
        }
        if (next == null) {
            throw new IOException("the stored content ends before its recorded size");
        }
        accept(next);
        return true;
    }

    private void accept(byte[] next) throws IOException {
        if (next.length == 0 || fetched + next.length > size) {
            throw new IOException("the stored content does not match its recorded size");
        }
        chunk = next;
        position = 0;
        fetched += next.length;
        nextSeq++;
    }

    private byte[] query(int seq) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(SELECT_CHUNK)) {
            statement.setString(1, documentId);
            statement.setInt(2, seq);
            statement.setInt(3, version);
            try (ResultSet rs = statement.executeQuery()) {
                return rs.next() ? rs.getBytes(1) : null;
            }
        }
    }
}
