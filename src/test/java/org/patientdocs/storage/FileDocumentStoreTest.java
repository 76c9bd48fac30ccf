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
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.patientdocs.config.ServiceConfig;
import org.patientdocs.error.ErrorCode;
import org.patientdocs.error.ServiceException;

class FileDocumentStoreTest {

    @TempDir
    Path dataDir;

    private FileDocumentStore store;

    @BeforeEach
    void createStore() throws IOException {
        store = new FileDocumentStore(new ServiceConfig.Storage(dataDir));
    }

    private static byte[] randomBytes(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }

    private long tempFileCount() throws IOException {
        try (Stream<Path> files = Files.list(store.tempDir())) {
            return files.count();
        }
    }

    @Test
    void writeCommitAndOpenRoundTripTheBytes() throws Exception {
        byte[] content = randomBytes(300_000);
        String id = FileDocumentStore.newDocumentId();
        try (PendingContent pending = store.write(new ByteArrayInputStream(content), 1_000_000)) {
            assertEquals(content.length, pending.size());
            byte[] expectedSha = MessageDigest.getInstance("SHA-256").digest(content);
            assertArrayEquals(expectedSha, pending.sha256());
            assertEquals(HexFormat.of().formatHex(expectedSha), pending.sha256Hex());
            assertArrayEquals(Arrays.copyOf(content, 16), pending.head());
            assertTrue(Files.exists(pending.tempFile()));
            store.commit(pending, id);
            assertFalse(Files.exists(pending.tempFile()));
        }
        assertTrue(Files.exists(store.pathOf(id)), "closing after commit keeps the document");
        assertEquals(content.length, store.size(id));
        try (InputStream in = store.open(id)) {
            assertArrayEquals(content, in.readAllBytes());
        }
        assertEquals(0, tempFileCount());
    }

    @Test
    void documentsLiveInAShardUnderTheDocumentsDirectory() {
        String id = "doc-AAAAAAAAAAAAAAAAAAAAAA";
        Path path = store.pathOf(id);
        assertEquals(dataDir.resolve("documents").toAbsolutePath(), path.getParent().getParent());
        assertTrue(path.getParent().getFileName().toString().matches("[0-9a-f]{2}"));
        assertEquals(id, path.getFileName().toString());
        assertEquals(path, store.pathOf(id), "the shard is stable");
    }

    @Test
    void aShortFileKeepsAShortHead() throws IOException {
        try (PendingContent pending = store.write(new ByteArrayInputStream(new byte[] {'%', 'P'}), 10)) {
            assertArrayEquals(new byte[] {'%', 'P'}, pending.head());
            assertEquals(2, pending.size());
        }
    }

    @Test
    void aFileOfExactlyTheLimitIsAccepted() throws IOException {
        byte[] content = randomBytes(200_000);
        try (PendingContent pending = store.write(new ByteArrayInputStream(content), content.length)) {
            assertEquals(content.length, pending.size());
        }
    }

    @Test
    void oneByteOverTheLimitIsTooLargeAndLeavesNothingBehind() throws IOException {
        byte[] content = randomBytes(200_001);
        ServiceException e = assertThrows(ServiceException.PayloadTooLarge.class,
                () -> store.write(new ByteArrayInputStream(content), content.length - 1));
        assertEquals(ErrorCode.PAYLOAD_TOO_LARGE, e.code());
        assertEquals("file", e.target());
        assertTrue(e.getMessage().contains("200000 bytes"), e.getMessage());
        assertEquals(0, tempFileCount());
    }

    @Test
    void theLimitStopsReadingEarly() throws IOException {
        InputStream endless = new InputStream() {
            @Override
            public int read() {
                return 'x';
            }

            @Override
            public int read(byte[] b, int off, int len) {
                Arrays.fill(b, off, off + len, (byte) 'x');
                return len;
            }
        };
        assertThrows(ServiceException.PayloadTooLarge.class, () -> store.write(endless, 1_000_000));
        assertEquals(0, tempFileCount());
    }

    @Test
    void aFailingStreamLeavesNothingBehind() throws IOException {
        IOException aborted = new IOException("client went away");
        InputStream failing = new InputStream() {
            private int left = 100_000;

            @Override
            public int read() {
                throw new UnsupportedOperationException();
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (left == 0) {
                    throw aborted;
                }
                int count = Math.min(len, left);
                left -= count;
                return count;
            }
        };
        assertEquals(aborted, assertThrows(IOException.class, () -> store.write(failing, 1_000_000)));
        assertEquals(0, tempFileCount());
    }

    @Test
    void closingWithoutCommitLeavesNothing() throws IOException {
        PendingContent pending = store.write(new ByteArrayInputStream(randomBytes(1000)), 10_000);
        assertEquals(1, tempFileCount());
        pending.close();
        pending.close();
        assertEquals(0, tempFileCount());
        assertThrows(IllegalStateException.class, () -> store.commit(pending, FileDocumentStore.newDocumentId()));
    }

    @Test
    void aDocumentIsCommittedOnlyOnceAndNeverOverwritten() throws IOException {
        String id = FileDocumentStore.newDocumentId();
        try (PendingContent first = store.write(new ByteArrayInputStream(new byte[] {1}), 10);
             PendingContent second = store.write(new ByteArrayInputStream(new byte[] {2}), 10)) {
            store.commit(first, id);
            assertThrows(IllegalStateException.class, () -> store.commit(first, id));
            assertThrows(FileAlreadyExistsException.class, () -> store.commit(second, id));
        }
        try (InputStream in = store.open(id)) {
            assertArrayEquals(new byte[] {1}, in.readAllBytes());
        }
        assertEquals(0, tempFileCount());
    }

    @Test
    void deleteRemovesTheDocumentOnce() throws IOException {
        String id = commit(new byte[] {1, 2, 3});
        assertTrue(store.delete(id));
        assertFalse(Files.exists(store.pathOf(id)));
        assertFalse(store.delete(id));
        assertThrows(NoSuchFileException.class, () -> store.open(id));
        assertThrows(NoSuchFileException.class, () -> store.size(id));
    }

    @Test
    void deleteOrphansRemovesUnreferencedDocumentsAndOldTempFiles() throws IOException {
        String kept = commit(new byte[] {1});
        String orphan = commit(new byte[] {2});
        PendingContent fresh = store.write(new ByteArrayInputStream(new byte[] {3}), 10);
        PendingContent stale = store.write(new ByteArrayInputStream(new byte[] {4}), 10);
        Files.setLastModifiedTime(stale.tempFile(), FileTime.from(Instant.now().minus(Duration.ofHours(2))));
        Path stranger = Files.writeString(store.pathOf(kept).getParent().resolve("README"), "not a document");

        int deleted = store.deleteOrphans(kept::equals, Duration.ofHours(1));

        assertEquals(2, deleted);
        assertTrue(Files.exists(store.pathOf(kept)));
        assertFalse(Files.exists(store.pathOf(orphan)));
        assertTrue(Files.exists(fresh.tempFile()));
        assertFalse(Files.exists(stale.tempFile()));
        assertTrue(Files.exists(stranger), "files that are not documents are left alone");
        fresh.close();
    }

    @Test
    void newIdsHaveTheDocumentFormatAndDoNotRepeat() {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            String id = FileDocumentStore.newDocumentId();
            assertTrue(id.matches("doc-[A-Za-z0-9_-]{22}"), id);
            assertTrue(ids.add(id), id);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "doc-", "doc-short", "doc-../../etc/passwd", "doc-AAAAAAAAAAAAAAAA/x",
        "DOC-AAAAAAAAAAAAAAAAAAAAAA", "doc-AAAAAAAAAAAAAAAA.", "x-AAAAAAAAAAAAAAAAAAAAAA", "doc-AAAAAAAAAAAAAAAA\n"})
    void idsOutsideTheFormatAreRefused(String id) {
        assertThrows(IllegalArgumentException.class, () -> store.pathOf(id));
        assertThrows(IllegalArgumentException.class, () -> store.open(id));
        assertThrows(IllegalArgumentException.class, () -> store.delete(id));
    }

    @Test
    void aNullIdIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> store.pathOf(null));
    }

    @Test
    void idsAreAcceptedUpToSixtyFourCharacters() {
        store.pathOf("doc-" + "a".repeat(16));
        store.pathOf("doc-" + "Z_-9".repeat(16));
        assertThrows(IllegalArgumentException.class, () -> store.pathOf("doc-" + "a".repeat(65)));
    }

    private String commit(byte[] content) throws IOException {
        String id = FileDocumentStore.newDocumentId();
        try (PendingContent pending = store.write(new ByteArrayInputStream(content), 1000)) {
            store.commit(pending, id);
        }
        return id;
    }
}
