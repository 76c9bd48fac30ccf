package org.patientdocs.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.patientdocs.error.ErrorCode;
import org.patientdocs.error.ServiceException;

class ContentSpoolTest {

    @TempDir
    Path dir;

    private ContentSpool spool;

    @BeforeEach
    void createSpool() throws IOException {
        spool = new ContentSpool(dir.resolve("tmp"), true);
    }

    static byte[] randomBytes(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }

    private long tempFileCount() throws IOException {
        try (Stream<Path> files = Files.list(spool.dir())) {
            return files.count();
        }
    }

    @Test
    void writeKeepsTheBytesWithTheirSizeAndDigest() throws Exception {
        byte[] content = randomBytes(300_000);
        try (PendingContent pending = spool.write(new ByteArrayInputStream(content), 1_000_000)) {
            assertEquals(content.length, pending.size());
            byte[] expectedSha = MessageDigest.getInstance("SHA-256").digest(content);
            assertArrayEquals(expectedSha, pending.sha256());
            assertEquals(HexFormat.of().formatHex(expectedSha), pending.sha256Hex());
            assertArrayEquals(content, Files.readAllBytes(pending.tempFile()));
            assertEquals(spool.dir(), pending.tempFile().getParent());
        }
        assertEquals(0, tempFileCount(), "closing an uncommitted upload deletes it");
    }

    @Test
    void anUploadOfManyChunksIsHashedAndWrittenInOrder() throws Exception {
        // several 512 KiB chunks handed to the writer thread, past the 4 MiB background flush, and a partial last one
        for (int size : new int[] {5_300_017, 2 * 512 * 1024}) {
            byte[] content = randomBytes(size);
            try (PendingContent pending = spool.write(new ByteArrayInputStream(content), 10_000_000)) {
                assertEquals(size, pending.size());
                assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(content), pending.sha256());
                assertArrayEquals(content, Files.readAllBytes(pending.tempFile()));
            }
        }
    }

    @Test
    void everySizeAroundABlockAndAChunkIsKeptExactly() throws Exception {
        // a durable spool writes whole blocks past the page cache, the last one padded and cut back to the size
        assertKeepsEverySize(spool);
    }

    @Test
    void aDurableSpoolWritingThroughThePageCacheKeepsEverySize() throws Exception {
        // as on a file system that refuses direct writes: chunks through the page cache, flushed every 4 MiB
        ContentSpool cached = new ContentSpool(dir.resolve("cached"), true, false);
        assertFalse(cached.writesDirectly());
        assertKeepsEverySize(cached);
    }

    private static void assertKeepsEverySize(ContentSpool spool) throws Exception {
        for (int size : new int[] {0, 1, 4095, 4096, 4097, 512 * 1024 - 1, 512 * 1024, 512 * 1024 + 1,
            3 * 512 * 1024 + 4096, 3 * 512 * 1024 + 4097, 9 * 512 * 1024 + 1}) {
            byte[] content = randomBytes(size);
            try (PendingContent pending = spool.write(new ByteArrayInputStream(content), 10_000_000)) {
                assertEquals(size, pending.size());
                assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(content), pending.sha256());
                assertArrayEquals(content, Files.readAllBytes(pending.tempFile()), size + " bytes");
            }
        }
    }

    @Test
    void aDurableSpoolWritesPastThePageCacheWhereTheFileSystemTakesIt() throws IOException {
        String type = Files.getFileStore(dir).type();
        assumeTrue(Set.of("ext4", "xfs", "btrfs").contains(type), "direct I/O is not expected on " + type);
        assertTrue(spool.writesDirectly(), "a durable spool on " + type + " writes directly");
        assertFalse(new ContentSpool(dir.resolve("fast"), false).writesDirectly(),
                "a spool whose files are copied elsewhere is read back at once: it writes through the page cache");
    }

    @Test
    void theThreadThatFinishedAnUploadWritesHeapBuffersAfterwards() throws IOException {
        // The JDK copies a heap buffer handed to a direct channel through an aligned buffer it caches per thread and
        // later fails to free (NullPointerException in sun.nio.ch.Util.free): H2's next write on the request's thread
        // failed that way. The last chunk of an upload is written on the calling thread.
        try (PendingContent pending = spool.write(new ByteArrayInputStream(randomBytes(700_000)), 1_000_000)) {
            assertEquals(700_000, pending.size());
        }
        Path other = dir.resolve("other");
        try (FileChannel channel = FileChannel.open(other, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            for (int size : new int[] {100_000, 2_000_000, 4_000_000}) {
                ByteBuffer heap = ByteBuffer.wrap(new byte[size]);
                while (heap.hasRemaining()) {
                    channel.write(heap);
                }
            }
        }
        assertEquals(6_100_000, Files.size(other));
    }

    @Test
    void aSpoolThatIsNotDurableKeepsTheSameBytes() throws Exception {
        ContentSpool fast = new ContentSpool(dir.resolve("fast"), false);
        byte[] content = randomBytes(70_000);
        try (PendingContent pending = fast.write(new ByteArrayInputStream(content), 1_000_000)) {
            assertArrayEquals(content, Files.readAllBytes(pending.tempFile()));
        }
    }

    @Test
    void aShortFileIsKeptWhole() throws IOException {
        try (PendingContent pending = spool.write(new ByteArrayInputStream(new byte[] {'%', 'P'}), 10)) {
            assertArrayEquals(new byte[] {'%', 'P'}, Files.readAllBytes(pending.tempFile()));
            assertEquals(2, pending.size());
        }
    }

    @Test
    void aFileOfExactlyTheLimitIsAccepted() throws IOException {
        byte[] content = randomBytes(200_000);
        try (PendingContent pending = spool.write(new ByteArrayInputStream(content), content.length)) {
            assertEquals(content.length, pending.size());
        }
    }

    @Test
    void oneByteOverTheLimitIsTooLargeAndLeavesNothingBehind() throws IOException {
        byte[] content = randomBytes(200_001);
        ServiceException e = assertThrows(ServiceException.PayloadTooLarge.class,
                () -> spool.write(new ByteArrayInputStream(content), content.length - 1));
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
        assertThrows(ServiceException.PayloadTooLarge.class, () -> spool.write(endless, 1_000_000));
        assertEquals(0, tempFileCount());
    }

    @Test
    void aFailingStreamLeavesNothingBehind() throws IOException {
        // within the first chunk, and after several chunks went to the writer thread
        for (int failsAfter : new int[] {100_000, 3_000_000}) {
            IOException aborted = new IOException("client went away");
            InputStream failing = failingAfter(failsAfter, aborted);
            assertEquals(aborted, assertThrows(IOException.class, () -> spool.write(failing, 10_000_000)));
            assertEquals(0, tempFileCount());
        }
    }

    /** A stream of {@code bytes} zeros that then fails with {@code failure}. */
    private static InputStream failingAfter(int bytes, IOException failure) {
        return new InputStream() {
            private int left = bytes;

            @Override
            public int read() {
                throw new UnsupportedOperationException();
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (left == 0) {
                    throw failure;
                }
                int count = Math.min(len, left);
                left -= count;
                return count;
            }
        };
    }

    @Test
    void theLimitCountsEveryChunk() throws IOException {
        byte[] content = randomBytes(3_000_001);
        assertThrows(ServiceException.PayloadTooLarge.class,
                () -> spool.write(new ByteArrayInputStream(content), content.length - 1));
        assertEquals(0, tempFileCount());
    }

    @Test
    void closingTwiceIsHarmless() throws IOException {
        PendingContent pending = spool.write(new ByteArrayInputStream(randomBytes(1000)), 10_000);
        assertEquals(1, tempFileCount());
        pending.close();
        pending.close();
        assertEquals(0, tempFileCount());
    }

    @Test
    void deleteStaleRemovesOnlyOldTemporaryFiles() throws IOException {
        PendingContent fresh = spool.write(new ByteArrayInputStream(new byte[] {3}), 10);
        PendingContent stale = spool.write(new ByteArrayInputStream(new byte[] {4}), 10);
        Files.setLastModifiedTime(stale.tempFile(), FileTime.from(Instant.now().minus(Duration.ofHours(2))));
        Path stranger = Files.writeString(spool.dir().resolve("notes.txt"), "not an upload");
        Files.setLastModifiedTime(stranger, FileTime.from(Instant.now().minus(Duration.ofHours(2))));

        assertEquals(1, spool.deleteStale(Duration.ofHours(1)));

        assertTrue(Files.exists(fresh.tempFile()));
        assertFalse(Files.exists(stale.tempFile()));
        assertTrue(Files.exists(stranger), "files that are not uploads are left alone");
        fresh.close();
    }
}
