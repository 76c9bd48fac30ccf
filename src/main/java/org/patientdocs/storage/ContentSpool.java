package org.patientdocs.storage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;

import org.patientdocs.error.ServiceException;

/**
 * Receives uploads into temporary files on the local disk while their size, SHA-256 and leading bytes are computed,
 * so that a slow client never holds anything but a file open. Every document store takes its uploads from here.
 * Thread-safe: instances hold no mutable state.
 */
public final class ContentSpool {

    /** How many leading bytes {@link PendingContent#head()} keeps. */
    public static final int HEAD_LENGTH = 16;

    static final String TEMP_SUFFIX = ".tmp";
    private static final int BUFFER_SIZE = 64 * 1024;
    private static final Set<StandardOpenOption> CREATE_NEW_WRITE =
            EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);

    private final Path dir;
    private final boolean durable;
    private final boolean posix;

    /**
     * @param dir     where the temporary files go, created when missing
     * @param durable whether a received file is forced to disk before {@link #write} returns: needed when the file
     *                itself becomes the stored document, wasted when its bytes are copied elsewhere
     */
    public ContentSpool(Path dir, boolean durable) throws IOException {
        this.dir = Files.createDirectories(dir.toAbsolutePath().normalize());
        this.durable = durable;
        this.posix = Files.getFileStore(this.dir).supportsFileAttributeView("posix");
    }

    /**
     * Streams {@code in} to a new temporary file. The stream is read to its end but not closed.
     *
     * @throws ServiceException.PayloadTooLarge as soon as more than {@code maxBytes} bytes arrive; the temporary
     *                                          file is deleted first
     */
    public PendingContent write(InputStream in, long maxBytes) throws IOException {
        MessageDigest digest = sha256();
        byte[] buffer = new byte[BUFFER_SIZE];
        byte[] head = new byte[HEAD_LENGTH];
        int headLength = 0;
        long size = 0;
        Path tempFile = dir.resolve(DocumentIds.randomToken() + TEMP_SUFFIX);
        FileChannel channel = FileChannel.open(tempFile, CREATE_NEW_WRITE, ownerOnly());
        try (channel) {
            int read;
            while ((read = in.read(buffer)) >= 0) {
                size += read;
                if (size > maxBytes) {
                    throw new ServiceException.PayloadTooLarge("file",
                            "The document exceeds the upload limit of " + maxBytes + " bytes");
                }
                digest.update(buffer, 0, read);
                if (headLength < HEAD_LENGTH) {
                    int count = Math.min(read, HEAD_LENGTH - headLength);
                    System.arraycopy(buffer, 0, head, headLength, count);
                    headLength += count;
                }
                ByteBuffer chunk = ByteBuffer.wrap(buffer, 0, read);
                while (chunk.hasRemaining()) {
                    channel.write(chunk);
                }
            }
            if (durable) {
                channel.force(true);
            }
        } catch (IOException | RuntimeException | Error e) {
            deleteQuietly(tempFile, e);
            throw e;
        }
        return new PendingContent(tempFile, size, digest.digest(), Arrays.copyOf(head, headLength));
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

    /** The directory holding the temporary files. */
    public Path dir() {
        return dir;
    }

    static MessageDigest sha256() {
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
