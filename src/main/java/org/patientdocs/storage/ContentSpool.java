package org.patientdocs.storage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;

import com.sun.nio.file.ExtendedOpenOption;
import org.patientdocs.error.ServiceException;

/**
 * Receives uploads into temporary files on the local disk while their size and SHA-256 are computed,
 * so that a slow client never holds anything but a file open. Every document store takes its uploads from here.
 * Thread-safe: instances hold no mutable state.
 */
public final class ContentSpool {

    static final String TEMP_SUFFIX = ".tmp";
    /**
     * Uploads are received and written in chunks of this size, two per upload: one being received while the other
     * is hashed and written ({@link HashingWriter}).
     */
    private static final int CHUNK_SIZE = 512 * 1024;
    private static final Set<OpenOption> CREATE_NEW_WRITE =
            Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    private static final Set<OpenOption> CREATE_NEW_WRITE_DIRECT =
            Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, ExtendedOpenOption.DIRECT);

    private final Path dir;
    private final boolean durable;
    private final boolean posix;
    /**
     * The block size of direct writes into {@link #dir}, probed at the first upload (a start does not wait for it);
     * 0 when its files are written through the page cache; -1 before the probe.
     */
    private volatile int directBlockSize;

    /**
     * @param dir     where the temporary files go, created when missing
     * @param durable whether received files are written out to disk as they arrive (directly, past the page cache,
     *                where the file system takes it; else flushed in the background), so that forcing one to disk
     *                when it becomes the stored document ({@link DocumentFiles#commit}) waits only for its last
     *                bytes: worth it when the files themselves become the stored documents, wasted when their bytes
     *                are copied elsewhere (and read back at once)
     */
    public ContentSpool(Path dir, boolean durable) throws IOException {
        this(dir, durable, durable);
    }

    /**
     * As {@link #ContentSpool(Path, boolean)}; {@code direct} false writes through the page cache even where the file
     * system takes direct writes, as it does where it does not.
     */
    ContentSpool(Path dir, boolean durable, boolean direct) throws IOException {
        this.dir = Files.createDirectories(dir.toAbsolutePath().normalize());
        this.durable = durable;
        this.posix = Files.getFileStore(this.dir).supportsFileAttributeView("posix");
        this.directBlockSize = durable && direct ? -1 : 0;
    }

    /**
     * Streams {@code in} to a new temporary file. The stream is read to its end but not closed.
     *
     * @throws ServiceException.PayloadTooLarge as soon as more than {@code maxBytes} bytes arrive; the temporary
     *                                          file is deleted first
     */
    public PendingContent write(InputStream in, long maxBytes) throws IOException {
        return write(in, maxBytes, null);
    }

    /**
     * Streams {@code in} to a new temporary file through {@code encoding} (the encryption at rest, which then writes
     * the file's bytes while the size and SHA-256 are those of what arrived). The stream is read to its end but not
     * closed.
     *
     * @param encoding null to write the bytes as they arrive
     * @throws ServiceException.PayloadTooLarge as soon as more than {@code maxBytes} bytes arrive; the temporary
     *                                          file is deleted first
     */
    PendingContent write(InputStream in, long maxBytes, Encoding encoding) throws IOException {
        byte[][] chunks = {new byte[CHUNK_SIZE], null};
        long size = 0;
        Path tempFile = dir.resolve(DocumentIds.randomToken() + TEMP_SUFFIX);
        int blockSize = directBlockSize();
        boolean direct = blockSize > 0;
        FileChannel channel = FileChannel.open(tempFile, direct ? CREATE_NEW_WRITE_DIRECT : CREATE_NEW_WRITE,
                ownerOnly());
        byte[] sha256;
        HashingWriter writer = null;
        try (channel) {
            WritableByteChannel file = direct ? DirectFileWrites.into(channel, blockSize) : channel;
            WritableByteChannel sink = encoding == null ? file : encoding.writingTo(file);
            writer = new HashingWriter(channel, sink, durable && !direct);
            for (int next = 0; ; next ^= 1) {
                if (chunks[next] == null) {
                    chunks[next] = new byte[CHUNK_SIZE];
                }
                byte[] chunk = chunks[next];
                int length = fill(in, chunk, size, maxBytes);
                size += length;
                if (length < chunk.length) {
                    sha256 = writer.finish(chunk, length);
                    break;
                }
                writer.write(chunk, length);
            }
        } catch (IOException | RuntimeException | Error e) {
            if (writer != null) {
                writer.abandon(e);
            }
            deleteQuietly(tempFile, e);
            throw e;
        }
        return new PendingContent(tempFile, size, sha256);
    }

    /** What the bytes of an upload pass through on their way into its file: the encryption at rest. */
    @FunctionalInterface
    interface Encoding {
        /**
         * A channel writing the encoded bytes into {@code file}; closing it writes what it still holds and closes
         * {@code file}.
         */
        WritableByteChannel writingTo(WritableByteChannel file) throws IOException;
    }

    /**
     * Reads until the chunk is full or the input ends; the number of bytes read.
     *
     * @param received how many bytes of the upload came before this chunk
     * @throws ServiceException.PayloadTooLarge as soon as more than {@code maxBytes} bytes have arrived in all
     */
    private static int fill(InputStream in, byte[] chunk, long received, long maxBytes) throws IOException {
        int length = 0;
        while (length < chunk.length) {
            int read = in.read(chunk, length, chunk.length - length);
            if (read < 0) {
                break;
            }
            length += read;
            if (received + length > maxBytes) {
                throw new ServiceException.PayloadTooLarge("file",
                        "The document exceeds the upload limit of " + maxBytes + " bytes");
            }
        }
        return length;
    }

    /**
     * Deletes temporary files last written before {@code minAge} ago: what uploads interrupted by a crash left.
     * Younger files may belong to an upload in progress.
     *
     * @return how many files were deleted
     */
    public int deleteStale(Duration minAge) throws IOException {
        int deleted = 0;
        Instant cutoff = Instant.now().minus(minAge);
        try (DirectoryStream<Path> temps = Files.newDirectoryStream(dir, "*" + TEMP_SUFFIX)) {
            for (Path temp : temps) {
                try {
                    if (Files.getLastModifiedTime(temp).toInstant().isBefore(cutoff) && Files.deleteIfExists(temp)) {
                        deleted++;
                    }
                } catch (NoSuchFileException finishedMeanwhile) {
                    // an upload committed or closed it between the listing and the check
                }
            }
        }
        return deleted;
    }

    /** Whether received files are written past the page cache ({@link DirectFileWrites}). */
    boolean writesDirectly() {
        return directBlockSize() > 0;
    }

    /** {@link #directBlockSize}, probing once (two uploads that start together may both probe: no harm). */
    private int directBlockSize() {
        int size = directBlockSize;
        if (size < 0) {
            size = DirectFileWrites.blockSize(dir);
            directBlockSize = size;
        }
        return size;
    }

    /** The directory holding the temporary files. */
    public Path dir() {
        return dir;
    }

    /** A new SHA-256 digest: the algorithm of every document's stored digest. */
    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java platform has SHA-256", e);
        }
    }

    /** Patient documents are readable by the service's user only, where the file system has POSIX permissions. */
    private FileAttribute<?>[] ownerOnly() {
        if (!posix) {
            return new FileAttribute<?>[0];
        }
        return new FileAttribute<?>[] {
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))
        };
    }

    private static void deleteQuietly(Path file, Throwable failure) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
    }
}
