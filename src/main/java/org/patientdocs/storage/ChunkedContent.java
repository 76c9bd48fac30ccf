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
 * A document's bytes, or a range of them, read from its {@code document_chunk} rows one chunk at a time, each with a
 * pooled connection held only for that one query: the reader may take as long as it likes between chunks. Chunks have
 * a fixed size (the last one is shorter), so a range reads only the chunks that hold it, starting with the one its
 * first byte is in. Content never changes once committed, so reading chunk by chunk outside one transaction is
 * consistent; a document deleted meanwhile ends the stream with an {@link IOException}, as does a chunk of another
 * size than the recorded size and the chunk size make it. Not thread-safe.
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
    private final int chunkBytes;
    /** Where the bytes this stream delivers end, exclusive. */
    private final long end;
    private byte[] chunk = NONE;
    private int position;
    /** How far into the chunk the delivered bytes end: all of it but in the range's last chunk. */
    private int limit;
    private int nextSeq;
    /** Where in the content the next chunk starts. */
    private long nextStart;
    private boolean closed;

    /**
     * @param size       the recorded size of the content
     * @param chunkBytes the size of each chunk but the last
     * @param offset     the first byte to deliver
     * @param length     how many bytes to deliver, from {@code offset}; within the content
     */
    ChunkedContent(DataSource dataSource, String documentId, int version, long size, int chunkBytes, long offset,
                   long length) {
        if (offset < 0 || length < 0 || offset + length > size) {
            throw new IllegalArgumentException("the range is not within the content");
        }
        this.dataSource = dataSource;
        this.documentId = documentId;
        this.version = version;
        this.size = size;
        this.chunkBytes = chunkBytes;
        this.end = offset + length;
        this.nextSeq = (int) (offset / chunkBytes);
        this.nextStart = (long) nextSeq * chunkBytes;
        this.position = (int) (offset - nextStart);
    }

    /** Reads the range's first chunk now; false when the document has none. */
    boolean fetchFirst() throws SQLException, IOException {
        int skip = position;
        byte[] first = query(nextSeq);
        if (first == null) {
            return false;
        }
        accept(first);
        position = Math.min(skip, limit);
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
        int count = Math.min(len, limit - position);
        System.arraycopy(chunk, position, b, off, count);
        position += count;
        return count;
    }

    @Override
    public int available() {
        return closed ? 0 : limit - position;
    }

    @Override
    public void close() {
        closed = true;
        chunk = NONE;
        position = 0;
        limit = 0;
    }

    /** Whether a byte is ready to read, fetching the next chunk when the current one is used up; false at the end. */
    private boolean ensureAvailable() throws IOException {
        if (closed) {
            throw new IOException("the content stream is closed");
        }
        if (position < limit) {
            return true;
        }
        if (nextStart >= end) {
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
        if (next.length != Math.min(chunkBytes, size - nextStart)) {
            throw new IOException("the stored content does not match its recorded size");
        }
        chunk = next;
        position = 0;
        limit = (int) Math.min(next.length, end - nextStart);
        nextStart += next.length;
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
