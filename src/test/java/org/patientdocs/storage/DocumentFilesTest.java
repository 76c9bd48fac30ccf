package org.patientdocs.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DocumentFilesTest {

    @TempDir
    Path dataDir;

    private DocumentFiles files;

    @BeforeEach
    void createFiles() throws IOException {
        files = new DocumentFiles(dataDir.resolve("documents"));
    }

    private long tempFileCount() throws IOException {
        try (Stream<Path> temps = Files.list(files.spool().dir())) {
            return temps.count();
        }
    }

    private PendingContent receive(byte[] content) throws IOException {
        return files.spool().write(new ByteArrayInputStream(content), 1_000_000);
    }

    @Test
    void commitAndOpenRoundTripTheBytes() throws Exception {
        byte[] content = ContentSpoolTest.randomBytes(300_000);
        String id = DocumentIds.newId();
        try (PendingContent pending = receive(content)) {
            files.commit(pending, id);
            assertFalse(Files.exists(pending.tempFile()));
        }
        assertTrue(Files.exists(files.pathOf(id)), "closing after commit keeps the document");
        assertEquals(content.length, files.size(id));
        try (InputStream in = files.open(id, 0)) {
            assertArrayEquals(content, in.readAllBytes());
        }
        assertEquals(0, tempFileCount());
    }

    @Test
    void theSpoolLivesInsideTheDocumentsDirectoryForAtomicRenames() {
        assertEquals(dataDir.resolve("documents").resolve("tmp").toAbsolutePath(), files.spool().dir());
    }

    @Test
    void documentsLiveInAShardUnderTheDocumentsDirectory() {
        String id = "doc-AAAAAAAAAAAAAAAAAAAAAA";
        Path path = files.pathOf(id);
        assertEquals(dataDir.resolve("documents").toAbsolutePath(), path.getParent().getParent());
        assertTrue(path.getParent().getFileName().toString().matches("[0-9a-f]{2}"));
        assertEquals(id, path.getFileName().toString());
        assertEquals(path, files.pathOf(id), "the shard is stable");
    }

    @Test
    void closedContentCannotBeCommitted() throws IOException {
        PendingContent pending = receive(new byte[] {1});
        pending.close();
        assertThrows(IllegalStateException.class, () -> files.commit(pending, DocumentIds.newId()));
    }

    @Test
    void aDocumentIsCommittedOnlyOnceAndNeverOverwritten() throws IOException {
        String id = DocumentIds.newId();
        try (PendingContent first = receive(new byte[] {1}); PendingContent second = receive(new byte[] {2})) {
            files.commit(first, id);
            assertThrows(IllegalStateException.class, () -> files.commit(first, id));
            assertThrows(FileAlreadyExistsException.class, () -> files.commit(second, id));
        }
        try (InputStream in = files.open(id, 0)) {
            assertArrayEquals(new byte[] {1}, in.readAllBytes());
        }
        assertEquals(0, tempFileCount());
    }

    @Test
    void committingStartsTheFilesAgeAfresh() throws IOException {
        String id = DocumentIds.newId();
        try (PendingContent pending = receive(new byte[] {1})) {
            Files.setLastModifiedTime(pending.tempFile(), FileTime.from(Instant.now().minus(Duration.ofHours(2))));
            files.commit(pending, id);
        }
        assertEquals(0, files.deleteUnreferenced((unused, version) -> false, Duration.ofHours(1)),
                "a long upload that just committed may still be inserting its row");
        assertTrue(Files.exists(files.pathOf(id)));
    }

    @Test
    void deleteRemovesTheDocumentOnce() throws IOException {
        String id = commit(new byte[] {1, 2, 3});
        assertTrue(files.delete(id));
        assertFalse(Files.exists(files.pathOf(id)));
        assertFalse(files.delete(id));
        assertThrows(NoSuchFileException.class, () -> files.open(id, 0));
        assertThrows(NoSuchFileException.class, () -> files.size(id));
    }

    @Test
    void deleteUnreferencedRemovesOldUnreferencedDocumentsOnly() throws IOException {
        String kept = age(commit(new byte[] {1}));
        String orphan = age(commit(new byte[] {2}));
        String young = commit(new byte[] {3});
        Path stranger = Files.writeString(files.pathOf(kept).getParent().resolve("README"), "not a document");
        Files.setLastModifiedTime(stranger, FileTime.from(Instant.now().minus(Duration.ofHours(2))));

        int deleted = files.deleteUnreferenced((id, version) -> kept.equals(id), Duration.ofHours(1));

        assertEquals(1, deleted);
        assertTrue(Files.exists(files.pathOf(kept)));
        assertFalse(Files.exists(files.pathOf(orphan)));
        assertTrue(Files.exists(files.pathOf(young)), "younger than the minimum age: its row may be on its way");
        assertTrue(Files.exists(stranger), "files that are not documents are left alone");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "doc-", "doc-short", "doc-../../etc/passwd", "doc-AAAAAAAAAAAAAAAA/x",
        "DOC-AAAAAAAAAAAAAAAAAAAAAA", "doc-AAAAAAAAAAAAAAAA.", "x-AAAAAAAAAAAAAAAAAAAAAA", "doc-AAAAAAAAAAAAAAAA\n"})
    void idsOutsideTheFormatAreRefused(String id) {
        assertThrows(IllegalArgumentException.class, () -> files.pathOf(id));
        assertThrows(IllegalArgumentException.class, () -> files.open(id, 0));
        assertThrows(IllegalArgumentException.class, () -> files.delete(id));
    }

    @Test
    void aNullIdIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> files.pathOf(null));
    }

    @Test
    void idsAreAcceptedUpToSixtyFourCharacters() {
        files.pathOf("doc-" + "a".repeat(16));
        files.pathOf("doc-" + "Z_-9".repeat(16));
        assertThrows(IllegalArgumentException.class, () -> files.pathOf("doc-" + "a".repeat(65)));
    }

    @Test
    void newIdsHaveTheDocumentFormatAndDoNotRepeat() {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            String id = DocumentIds.newId();
            assertTrue(id.matches("doc-[A-Za-z0-9_-]{22}"), id);
            assertTrue(DocumentIds.isWellFormed(id), id);
            assertTrue(ids.add(id), id);
        }
    }

    @Test
    void theSweepKeepsTheVersionARowRefersToAndDeletesTheOneItNoLongerDoes() throws IOException {
        String id = age(commit(new byte[] {1}));
        try (PendingContent pending = receive(new byte[] {2})) {
            files.commit(pending, id, 1);
        }
        Files.setLastModifiedTime(files.pathOf(id, 1), FileTime.from(Instant.now().minus(Duration.ofHours(2))));

        // the row was switched to version 1, and the crash came before version 0 was deleted
        assertEquals(1, files.deleteUnreferenced((doc, version) -> doc.equals(id) && version == 1,
                Duration.ofHours(1)));

        assertFalse(Files.exists(files.pathOf(id)));
        try (InputStream in = files.open(id, 1)) {
            assertArrayEquals(new byte[] {2}, in.readAllBytes());
        }
        assertTrue(files.delete(id), "deleting the document deletes its later version too");
        assertFalse(Files.exists(files.pathOf(id, 1)));
    }

    @Test
    void aCopyHoldsEveryFileTheSnapshotsRowsNameEvenWhenTheirDeletionComesDuringTheCopy() throws IOException {
        String kept = commit(new byte[] {1, 2});
        String deletedDuringCopy = commit(new byte[] {3});
        String orphan = age(commit(new byte[] {4}));
        Path target = dataDir.resolve("copy");

        long copied = files.copyTo(target, () -> {
            // the rows' snapshot is taken here: it still names the document deleted next
            assertTrue(files.delete(deletedDuringCopy), "the deletion answers as if done");
            assertEquals(0, files.deleteUnreferenced((id, version) -> false, Duration.ofHours(1)),
                    "the sweep waits for the copy too");
        });

        assertEquals(3, copied);
        for (String id : new String[] {kept, deletedDuringCopy, orphan}) {
            Path copy = target.resolve(dataDir.resolve("documents").relativize(files.pathOf(id)));
            try (InputStream original = Files.newInputStream(copy)) {
                assertTrue(original.readAllBytes().length > 0, id);
            }
        }
        assertFalse(Files.exists(files.pathOf(deletedDuringCopy)), "the held deletion is done once the copy is");
        assertTrue(Files.exists(files.pathOf(orphan)));
        assertFalse(Files.exists(target.resolve("tmp")), "the spool is not copied");
    }

    @Test
    void aFailedSnapshotStillReleasesTheHeldDeletions() throws IOException {
        String id = commit(new byte[] {1});
        assertThrows(IOException.class, () -> files.copyTo(dataDir.resolve("copy"), () -> {
            files.delete(id);
            throw new IOException("the database could not be copied");
        }));
        assertFalse(Files.exists(files.pathOf(id)));
        assertTrue(files.delete(commit(new byte[] {2})), "deletions are immediate again");
    }

    private String commit(byte[] content) throws IOException {
        String id = DocumentIds.newId();
        try (PendingContent pending = receive(content)) {
            files.commit(pending, id);
        }
        return id;
    }

    private String age(String id) throws IOException {
        Files.setLastModifiedTime(files.pathOf(id), FileTime.from(Instant.now().minus(Duration.ofHours(2))));
        return id;
    }
}
