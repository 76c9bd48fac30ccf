package org.patientdocs.storage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;

import org.patientdocs.config.ServiceConfig;
import org.patientdocs.error.ServiceException;

/**
 * Document bytes on the file system. An upload is streamed to {@code <root>/tmp/} while its size and SHA-256 are
 * computed ({@link #write}), checked by the caller, then moved atomically to {@code <root>/<shard>/<id>}
 * ({@link #commit}), where the shard is two hex digits of a hash of the id. Data and directory entries are fsynced,
 * so a committed document survives a crash. Ids must match {@code doc-[A-Za-z0-9_-]{16,64}}, which keeps every path
 * inside the root. Thread-safe: instances hold no mutable state.
 */
public final class FileDocumentStore {

    /** How many leading bytes {@link PendingContent#head()} keeps. */
    public static final int HEAD_LENGTH = 16;

    private static final Pattern ID = Pattern.compile("doc-[A-Za-z0-9_-]{16,64}");
    private static final Pattern SHARD = Pattern.compile("[0-9a-f]{2}");
    private static final String TEMP_SUFFIX = ".tmp";
    private static final int BUFFER_SIZE = 64 * 1024;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Set<StandardOpenOption> CREATE_NEW_WRITE =
            EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);

    private final Path root;
    private final Path tempDir;
    private final boolean posix;

    /** Uses {@link ServiceConfig.Storage#documentsDir()} as the root, creating it when missing. */
    public FileDocumentStore(ServiceConfig.Storage storage) throws IOException {
        this(storage.documentsDir());
    }

    /** Uses the given directory as the root, creating it and its {@code tmp} directory when missing. */
    public FileDocumentStore(Path root) throws IOException {
        this.root = root.toAbsolutePath().normalize();
        this.tempDir = this.root.resolve("tmp");
        this.posix = Files.getFileStore(Files.createDirectories(this.root)).supportsFileAttributeView("posix");
        Files.createDirectories(tempDir);
    }

    /** A new document id: {@code doc-} and 128 random bits in unpadded base64url (22 characters). */
    public static String newDocumentId() {
        return "doc-" + randomToken();
    }

    /**
     * Streams {@code in} to a new temporary file and forces it to disk. The stream is read to its end but not closed.
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
        Path tempFile = tempDir.resolve(randomToken() + TEMP_SUFFIX);
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
            channel.force(true);
        } catch (IOException | RuntimeException | Error e) {
            deleteQuietly(tempFile, e);
            throw e;
        }
        return new PendingContent(tempFile, size, digest.digest(), Arrays.copyOf(head, headLength));
    }

    /**
     * Moves the pending content atomically to the document's place and makes the move durable.
     *
     * @throws FileAlreadyExistsException when a document with this id is already stored
     * @throws IllegalStateException      when the content was already committed or closed
     */
    public void commit(PendingContent pending, String documentId) throws IOException {
        Path target = pathOf(documentId);
        if (!pending.isOpen()) {
            throw new IllegalStateException("The pending content was already committed or closed");
        }
        Path shard = target.getParent();
        if (!Files.isDirectory(shard)) {
            Files.createDirectories(shard);
            syncDirectory(root);
        }
        if (Files.exists(target)) {
            throw new FileAlreadyExistsException("a document with this id is already stored");
        }
        Files.move(pending.tempFile(), target, StandardCopyOption.ATOMIC_MOVE);
        pending.markCommitted();
        syncDirectory(shard);
    }

    /**
     * The stored bytes of a document; the caller closes the stream.
     *
     * @throws NoSuchFileException when no document with this id is stored
     */
    public InputStream open(String documentId) throws IOException {
        try {
            return Files.newInputStream(pathOf(documentId));
        } catch (NoSuchFileException e) {
            throw missing();
        }
    }

    /**
     * The size of a stored document in bytes.
     *
     * @throws NoSuchFileException when no document with this id is stored
     */
    public long size(String documentId) throws IOException {
        try {
            return Files.size(pathOf(documentId));
        } catch (NoSuchFileException e) {
            throw missing();
        }
    }

    /** Deletes a stored document durably; false when there was none. */
    public boolean delete(String documentId) throws IOException {
        Path path = pathOf(documentId);
        boolean deleted = Files.deleteIfExists(path);
        if (deleted) {
            syncDirectory(path.getParent());
        }
        return deleted;
    }

    /**
     * Deletes stored documents that {@code isReferenced} does not know and temporary files older than
     * {@code minAge}: the leftovers of a crash between writing a file and recording it. Meant for start-up, before
     * uploads are accepted, because a document being uploaded is stored a moment before it is referenced.
     *
     * @return how many files were deleted
     */
    public int deleteOrphans(Predicate<String> isReferenced, Duration minAge) throws IOException {
        int deleted = 0;
        Instant cutoff = Instant.now().minus(minAge);
        try (DirectoryStream<Path> temps = Files.newDirectoryStream(tempDir, "*" + TEMP_SUFFIX)) {
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
        try (DirectoryStream<Path> shards = Files.newDirectoryStream(root,
                p -> SHARD.matcher(p.getFileName().toString()).matches() && Files.isDirectory(p))) {
            for (Path shard : shards) {
                deleted += deleteUnreferenced(shard, isReferenced);
            }
        }
        return deleted;
    }

    private int deleteUnreferenced(Path shard, Predicate<String> isReferenced) throws IOException {
        int deleted = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(shard)) {
            for (Path file : files) {
                String id = file.getFileName().toString();
                if (ID.matcher(id).matches() && shard.equals(pathOf(id).getParent()) && !isReferenced.test(id)
                        && Files.deleteIfExists(file)) {
                    deleted++;
                }
            }
        }
        if (deleted > 0) {
            syncDirectory(shard);
        }
        return deleted;
    }

    /** Where a document's bytes live: {@code <root>/<shard>/<id>}. */
    Path pathOf(String documentId) {
        if (documentId == null || !ID.matcher(documentId).matches()) {
            throw new IllegalArgumentException("Not a document id");
        }
        return root.resolve(shardOf(documentId)).resolve(documentId);
    }

    Path tempDir() {
        return tempDir;
    }

    private static String shardOf(String documentId) {
        byte[] hash = sha256().digest(documentId.getBytes(StandardCharsets.US_ASCII));
        return HexFormat.of().toHexDigits(hash[0]);
    }

    private static String randomToken() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static MessageDigest sha256() {
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

    /** The JDK's exception names the path, which holds the id; messages may be logged, so they carry neither. */
    private static NoSuchFileException missing() {
        return new NoSuchFileException("no document with this id is stored");
    }

    private static void deleteQuietly(Path file, Throwable failure) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
    }

    /** Makes a directory's entries durable; some platforms cannot open a directory, which is then skipped. */
    private static void syncDirectory(Path directory) {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException unsupported) {
            // Windows cannot open a directory as a channel; its file system orders the metadata itself
        }
    }
}
