package org.patientdocs.storage;

import java.io.FileInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.BiPredicate;
import java.util.regex.Pattern;

/**
 * Document bytes as files: {@code <root>/<shard>/<id>}, where the shard is two hex digits of a hash of the id.
 * Uploads arrive in the spool {@code <root>/tmp/} (same file system, so a commit is an atomic rename); data and
 * directory entries are fsynced, so a committed document survives a crash. Ids must be
 * {@linkplain DocumentIds#isWellFormed well formed}, which keeps every path inside the root. Thread-safe; the only
 * mutable state is the hold a {@linkplain #copyTo copy} puts on deletions.
 */
final class DocumentFiles {

    private static final Pattern SHARD = Pattern.compile("[0-9a-f]{2}");

    private final Path root;
    private final ContentSpool spool;
    /** Guards {@link #copies} and {@link #heldDeletions}. */
    private final Object deletionGate = new Object();
    /** How many copies are running: while any is, files are not deleted but their deletion is held. */
    private int copies;
    private final List<Path> heldDeletions = new ArrayList<>();

    /** Uses the given directory as the root, creating it and its {@code tmp} spool when missing. */
    DocumentFiles(Path root) throws IOException {
        this.root = Files.createDirectories(root.toAbsolutePath().normalize());
        this.spool = new ContentSpool(this.root.resolve("tmp"), true);
    }

    ContentSpool spool() {
        return spool;
    }

    /**
     * Forces the pending content to disk, moves it atomically to the document's place and makes the move durable. The
     * file's modification time becomes the time of the commit, from which {@link #deleteUnreferenced} counts its age.
     *
     * @throws FileAlreadyExistsException when a document with this id is already stored
     * @throws IllegalStateException      when the content was already committed or closed
     */
    void commit(PendingContent pending, String documentId) throws IOException {
        commit(pending, documentId, 0);
    }

    /** As {@link #commit(PendingContent, String)}, as this version of the document's bytes. */
    void commit(PendingContent pending, String documentId, int version) throws IOException {
        Path target = pathOf(documentId, version);
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
        Files.setLastModifiedTime(pending.tempFile(), FileTime.from(Instant.now()));
        // the spool wrote it out as it arrived (durable spool), so this waits for its last bytes only
        try (FileChannel file = FileChannel.open(pending.tempFile(), StandardOpenOption.WRITE)) {
            file.force(true);
        }
        Files.move(pending.tempFile(), target, StandardCopyOption.ATOMIC_MOVE);
        pending.markCommitted();
        syncDirectory(shard);
    }

    /**
     * Moves the pending content atomically into place as this version of the document's bytes, replacing what a
     * crashed attempt may have left there, and makes the move durable. The caller makes sure no row names that
     * version yet.
     */
    void replace(PendingContent pending, String documentId, int version) throws IOException {
        if (version == 0) {
            throw new IllegalArgumentException("the first version is stored by commit");
        }
        Path leftover = pathOf(documentId, version);
        if (Files.deleteIfExists(leftover)) {
            syncDirectory(leftover.getParent());
        }
        commit(pending, documentId, version);
    }

    /**
     * The stored bytes of a document; the caller closes the stream. It is a {@link FileInputStream}, whose channel
     * lets a download move the bytes to the socket without copying them through the heap.
     *
     * @throws NoSuchFileException when no document with this id is stored
     */
    FileInputStream open(String documentId, int version) throws IOException {
        Path path = pathOf(documentId, version);
        if (!Files.isRegularFile(path)) {
            throw missing();
        }
        try {
            return new FileInputStream(path.toFile());
        } catch (FileNotFoundException deletedMeanwhile) {
            throw missing();
        }
    }

    /**
     * The size of a stored document in bytes.
     *
     * @throws NoSuchFileException when no document with this id is stored
     */
    long size(String documentId) throws IOException {
        try {
            return Files.size(pathOf(documentId));
        } catch (NoSuchFileException e) {
            throw missing();
        }
    }

    /** Deletes a stored document durably, every version of its bytes; false when there was none. */
    boolean delete(String documentId) throws IOException {
        boolean deleted = delete(documentId, 0);
        // versions follow one another, each stored before the one before it is removed; a leftover is the sweep's
        for (int version = 1; delete(documentId, version); version++) {
            deleted = true;
        }
        return deleted;
    }

    /**
     * Deletes one version of a stored document's bytes durably; false when there was none. While a
     * {@linkplain #copyTo copy} runs, the file stays until the copy is done (it may belong to the rows the copy is
     * consistent with), and this answers whether it was there.
     */
    boolean delete(String documentId, int version) throws IOException {
        Path path = pathOf(documentId, version);
        synchronized (deletionGate) {
            if (copies > 0) {
                boolean present = Files.exists(path);
                if (present) {
                    heldDeletions.add(path);
                }
                return present;
            }
        }
        return deleteDurably(path);
    }

    private static boolean deleteDurably(Path path) throws IOException {
        boolean deleted = Files.deleteIfExists(path);
        if (deleted) {
            syncDirectory(path.getParent());
        }
        return deleted;
    }

    /**
     * Deletes stored documents that {@code isReferenced} does not know and that were committed more than
     * {@code minAge} ago: a document is stored a moment before its row commits, and must survive that moment.
     *
     * @return how many files were deleted
     */
    int deleteUnreferenced(BiPredicate<String, Integer> isReferenced, Duration minAge) throws IOException {
        synchronized (deletionGate) {
            if (copies > 0) {
                // a file without a row now may have had one in the rows a running copy is consistent with
                return 0;
            }
        }
        Instant cutoff = Instant.now().minus(minAge);
        int deleted = 0;
        try (DirectoryStream<Path> shards = Files.newDirectoryStream(root,
                p -> SHARD.matcher(p.getFileName().toString()).matches() && Files.isDirectory(p))) {
            for (Path shard : shards) {
                deleted += deleteUnreferenced(shard, isReferenced, cutoff);
            }
        }
        return deleted;
    }

    private int deleteUnreferenced(Path shard, BiPredicate<String, Integer> isReferenced, Instant cutoff)
            throws IOException {
        int deleted = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(shard)) {
            for (Path file : files) {
                DocumentIds.ContentName name = DocumentIds.parseContentName(file.getFileName().toString());
                if (name == null) {
                    continue;
                }
                String id = name.documentId();
                if (shard.equals(pathOf(id).getParent()) && isOlder(file, cutoff)
                        && !isReferenced.test(id, name.version()) && Files.deleteIfExists(file)) {
                    deleted++;
                }
            }
        }
        if (deleted > 0) {
            syncDirectory(shard);
        }
        return deleted;
    }

    private static boolean isOlder(Path file, Instant cutoff) throws IOException {
        try {
            return Files.getLastModifiedTime(file).toInstant().isBefore(cutoff);
        } catch (NoSuchFileException deletedMeanwhile) {
            return false;
        }
    }

    /**
     * Copies every stored file into {@code target} (as {@code <shard>/<name>}, the layout of the root), consistent
     * with a snapshot of the rows that {@code beforeCopying} takes: from before it runs until the copy is done, no
     * file is deleted (deletions are held and done afterwards), and every row of the snapshot had its file committed
     * before the row was, so the copy holds the bytes of every row of the snapshot. Files committed meanwhile are
     * copied too; without a row in the snapshot, they are the sweep's after a restore. The spool is not copied.
     *
     * @return how many files were copied
     */
    long copyTo(Path target, DocumentStore.RowsSnapshot beforeCopying) throws IOException {
        synchronized (deletionGate) {
            copies++;
        }
        try {
            beforeCopying.take();
            long copied = 0;
            try (DirectoryStream<Path> shards = Files.newDirectoryStream(root,
                    p -> SHARD.matcher(p.getFileName().toString()).matches() && Files.isDirectory(p))) {
                for (Path shard : shards) {
                    copied += copyShard(shard, target.resolve(shard.getFileName().toString()));
                }
            }
            return copied;
        } finally {
            releaseDeletions();
        }
    }

    private static long copyShard(Path shard, Path target) throws IOException {
        long copied = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(shard)) {
            for (Path file : files) {
                if (DocumentIds.parseContentName(file.getFileName().toString()) != null
                        && copyFile(file, target.resolve(file.getFileName().toString()))) {
                    copied++;
                }
            }
        }
        if (copied > 0) {
            syncDirectory(target);
        }
        return copied;
    }

    /** Copies one file durably; false when it is gone (a leftover of a crashed replacement, which no row names). */
    private static boolean copyFile(Path file, Path copy) throws IOException {
        FileChannel in;
        try {
            in = FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException leftoverRemoved) {
            return false;
        }
        try (in) {
            Files.createDirectories(copy.getParent());
            try (FileChannel out = FileChannel.open(copy, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                for (long at = 0, size = in.size(); at < size; ) {
                    at += in.transferTo(at, size - at, out);
                }
                out.force(true);
            }
        }
        return true;
    }

    /** Ends one copy's hold; the last one to end deletes what was held. A failed deletion is left to the sweep. */
    private void releaseDeletions() {
        List<Path> due;
        synchronized (deletionGate) {
            copies--;
            if (copies > 0) {
                return;
            }
            due = List.copyOf(heldDeletions);
            heldDeletions.clear();
        }
        for (Path path : due) {
            try {
                deleteDurably(path);
            } catch (IOException e) {
                // the file has no row: the sweep removes it
            }
        }
    }

    /** Where a document's bytes live: {@code <root>/<shard>/<id>}. */
    Path pathOf(String documentId) {
        return pathOf(documentId, 0);
    }

    /** Where a version of a document's bytes lives: {@code <root>/<shard>/<id>}, then {@code <id>.v1} and so on. */
    Path pathOf(String documentId, int version) {
        String name = DocumentIds.contentName(documentId, version);
        return root.resolve(shardOf(documentId)).resolve(name);
    }

    private static String shardOf(String documentId) {
        byte[] hash = ContentSpool.sha256().digest(documentId.getBytes(StandardCharsets.US_ASCII));
        return HexFormat.of().toHexDigits(hash[0]);
    }

    /** The JDK's exception names the path, which holds the id; messages may be logged, so they carry neither. */
    private static NoSuchFileException missing() {
        return new NoSuchFileException("no document with this id is stored");
    }

    /** Makes a directory's entries durable; some platforms cannot open a directory, which is then skipped. */
    static void syncDirectory(Path directory) {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException unsupported) {
            // Windows cannot open a directory as a channel; its file system orders the metadata itself
        }
    }
}
