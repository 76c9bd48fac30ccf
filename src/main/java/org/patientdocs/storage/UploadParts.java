package org.patientdocs.storage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;

import javax.sql.DataSource;

/**
 * Where the bytes of an unfinished {@linkplain ResumableUploads resumable upload} wait: {@link InFiles} on the
 * instance's disk (H2: one instance), or {@link InDatabase} in {@code upload_part} rows (PostgreSQL: every instance
 * can continue an upload another began). A write happens in the transaction that moves the upload's offset, under its
 * row's lock, and is positioned by offset: a write whose transaction fails is overwritten by the next.
 */
sealed interface UploadParts {

    /** Writes the chunk's bytes at {@code offset}, on the connection of the transaction that moves the offset. */
    void write(Connection connection, String uploadId, long offset, PendingContent chunk)
            throws SQLException, IOException;

    /** The first {@code length} bytes of the upload, read a bounded piece at a time. */
    InputStream open(String uploadId, long length) throws IOException;

    /** Removes the bytes of an upload whose row is gone (a no-op where they go with the row). Never fails. */
    void delete(String uploadId);

    /** Removes the bytes of a finished upload in the transaction that finishes it (a no-op for files). */
    void discard(Connection connection, String uploadId) throws SQLException;

    /** The bytes an upload received so far are no longer all there: it cannot go on. */
    final class LostBytes extends IOException {
        LostBytes() {
            super("the bytes the upload received so far are gone");
        }
    }

    /** A file per upload, {@code <id>.part}, in the directory of the chunks' spool (same file system). */
    final class InFiles implements UploadParts {

        static final String SUFFIX = ".part";

        private final Path dir;

        InFiles(Path dir) {
            this.dir = dir;
        }

        @Override
        public void write(Connection connection, String uploadId, long offset, PendingContent chunk)
                throws IOException {
            try (FileChannel part = FileChannel.open(file(uploadId), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE);
                 FileChannel in = FileChannel.open(chunk.tempFile(), StandardOpenOption.READ)) {
                if (part.size() < offset) {
                    // the row says more arrived than the file holds (a data directory restored from a backup, which
                    // does not hold unfinished uploads): writing at the offset would leave a hole of zeros in the
                    // document
                    throw new LostBytes();
                }
                long copied = 0;
                while (copied < chunk.size()) {
                    long moved = part.transferFrom(in, offset + copied, chunk.size() - copied);
                    if (moved <= 0) {
                        throw new IOException("the received chunk changed before it was appended");
                    }
                    copied += moved;
                }
                part.truncate(offset + chunk.size());
                // the offset the client is told must survive a crash of the instance
                part.force(false);
            }
        }

        @Override
        public InputStream open(String uploadId, long length) throws IOException {
            return new LimitedContent(Files.newInputStream(file(uploadId)), length);
        }

        @Override
        public void delete(String uploadId) {
            try {
                Files.deleteIfExists(file(uploadId));
            } catch (IOException leftForTheSweep) {
                // ResumableUploads.deleteExpired removes part files whose upload is gone
            }
        }

        @Override
        public void discard(Connection connection, String uploadId) {
            // the file goes once the transaction has committed (delete)
        }

        private Path file(String uploadId) {
            return dir.resolve(uploadId + SUFFIX);
        }
    }

    /** {@code upload_part} rows of at most {@link #PIECE_BYTES}, keyed by the offset each starts at. */
    final class InDatabase implements UploadParts {

        static final int PIECE_BYTES = 1024 * 1024;

        private final DataSource dataSource;

        InDatabase(DataSource dataSource) {
            this.dataSource = dataSource;
        }

        @Override
        public void write(Connection connection, String uploadId, long offset, PendingContent chunk)
                throws SQLException, IOException {
            try (PreparedStatement stale = connection.prepareStatement(
                    "DELETE FROM upload_part WHERE upload_id = ? AND start_offset >= ?")) {
                // pieces of a write whose transaction failed are rolled back with it; this only keeps the rule simple
                stale.setString(1, uploadId);
                stale.setLong(2, offset);
                stale.executeUpdate();
            }
            byte[] buffer = new byte[PIECE_BYTES];
            long written = 0;
            try (InputStream in = Files.newInputStream(chunk.tempFile());
                 PreparedStatement insert = connection.prepareStatement(
                         "INSERT INTO upload_part (upload_id, start_offset, data) VALUES (?, ?, ?)")) {
                for (int read = in.readNBytes(buffer, 0, buffer.length); read > 0;
                     read = in.readNBytes(buffer, 0, buffer.length)) {
                    insert.setString(1, uploadId);
                    insert.setLong(2, offset + written);
                    insert.setBytes(3, read == buffer.length ? buffer : Arrays.copyOf(buffer, read));
                    insert.executeUpdate();
                    written += read;
                }
            }
            if (written != chunk.size()) {
                throw new IOException("the received chunk changed before it was appended");
            }
        }

        /** One piece per query, each on a pooled connection held for that query only. */
        @Override
        public InputStream open(String uploadId, long length) {
            return new InputStream() {
                private byte[] piece = new byte[0];
                private int position;
                private long fetched;

                @Override
                public int read() throws IOException {
                    byte[] one = new byte[1];
                    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    if (position == piece.length) {
                        if (fetched >= length) {
                            return -1;
                        }
                        piece = fetch(uploadId, fetched);
                        position = 0;
                        fetched += piece.length;
                    }
                    int n = Math.min(len, piece.length - position);
                    System.arraycopy(piece, position, b, off, n);
                    position += n;
                    return n;
                }
            };
        }

        private byte[] fetch(String uploadId, long offset) throws IOException {
            try (Connection connection = dataSource.getConnection();
                 PreparedStatement select = connection.prepareStatement(
                         "SELECT data FROM upload_part WHERE upload_id = ? AND start_offset = ?")) {
                select.setString(1, uploadId);
                select.setLong(2, offset);
                try (ResultSet rs = select.executeQuery()) {
                    if (!rs.next()) {
                        throw new IOException("a piece of the upload is missing");
                    }
                    byte[] data = rs.getBytes(1);
                    if (data.length == 0) {
                        throw new IOException("an empty piece of the upload");
                    }
                    return data;
                }
            } catch (SQLException e) {
                throw new IOException("cannot read the upload's bytes", e);
            }
        }

        @Override
        public void delete(String uploadId) {
            // the pieces go with their upload's row (ON DELETE CASCADE), or when it is finished (discard)
        }

        @Override
        public void discard(Connection connection, String uploadId) throws SQLException {
            try (PreparedStatement delete = connection.prepareStatement(
                    "DELETE FROM upload_part WHERE upload_id = ?")) {
                delete.setString(1, uploadId);
                delete.executeUpdate();
            }
        }
    }
}
