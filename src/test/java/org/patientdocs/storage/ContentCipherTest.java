package org.patientdocs.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

import com.google.crypto.tink.subtle.AesGcmHkdfStreaming;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.patientdocs.error.ServiceException;

class ContentCipherTest {

    private static final int SEGMENT_PLAINTEXT = ContentCipher.SEGMENT_BYTES - 16;

    @TempDir
    Path dir;

    @Test
    void contentRoundTripsAndTheStoredSizeIsKnownInAdvance() throws IOException {
        for (int size : new int[] {1, 1000, SEGMENT_PLAINTEXT, 3 * ContentCipher.SEGMENT_BYTES + 517}) {
            byte[] content = ContentSpoolTest.randomBytes(size);
            byte[] key = ContentCipher.newDataKey();
            byte[] stored = encrypt(content, key, "doc-1");
            assertEquals(ContentCipher.storedSize(size), stored.length, "size " + size);
            try (InputStream in = decrypt(stored, stored.length, key, "doc-1")) {
                assertArrayEquals(content, in.readAllBytes(), "size " + size);
            }
            ByteArrayOutputStream buffered = new ByteArrayOutputStream();
            try (InputStream in = decrypt(stored, stored.length, key, "doc-1")) {
                ContentBuffers buffers = (ContentBuffers) in;
                for (ByteBuffer next = buffers.nextBuffer(); next != null; next = buffers.nextBuffer()) {
                    byte[] bytes = new byte[next.remaining()];
                    next.get(bytes);
                    buffered.write(bytes);
                }
            }
            assertArrayEquals(content, buffered.toByteArray(), "size " + size + ", a buffer at a time");
        }
    }

    @Test
    void theStoredFormatIsTinksOwnBothWays() throws Exception {
        byte[] key = ContentCipher.newDataKey();
        AesGcmHkdfStreaming tink = new AesGcmHkdfStreaming(key, "HmacSha256", 32, ContentCipher.SEGMENT_BYTES, 0);
        byte[] aad = "doc-1".getBytes(StandardCharsets.UTF_8);
        int plainFirst = tink.getPlaintextSegmentSize() - tink.getCiphertextOffset();
        for (int size : new int[] {0, 1, plainFirst, plainFirst + 1, plainFirst + SEGMENT_PLAINTEXT,
                2 * ContentCipher.SEGMENT_BYTES + 517}) {
            byte[] content = ContentSpoolTest.randomBytes(size);
            try (InputStream in = tink.newDecryptingStream(new ByteArrayInputStream(encrypt(content, key, "doc-1")),
                    aad)) {
                assertArrayEquals(content, in.readAllBytes(), "Tink reads what is stored now, size " + size);
            }
            ByteArrayOutputStream stored = new ByteArrayOutputStream();
            try (OutputStream out = tink.newEncryptingStream(stored, aad)) {
                out.write(content);
            }
            try (InputStream in = decrypt(stored.toByteArray(), stored.size(), key, "doc-1")) {
                assertArrayEquals(content, in.readAllBytes(), "what Tink stored reads, size " + size);
            }
        }
    }

    @Test
    void contentEncryptedIntoADurableSpoolIsTinksFormatToo() throws Exception {
        // the filesystem store's spool writes whole blocks past the page cache; segments end anywhere in a block
        ContentSpool durable = new ContentSpool(dir.resolve("durable"), true);
        byte[] key = ContentCipher.newDataKey();
        AesGcmHkdfStreaming tink = new AesGcmHkdfStreaming(key, "HmacSha256", 32, ContentCipher.SEGMENT_BYTES, 0);
        for (int size : new int[] {0, 1, SEGMENT_PLAINTEXT + 1, 600_000, 2 * ContentCipher.SEGMENT_BYTES + 517}) {
            byte[] content = ContentSpoolTest.randomBytes(size);
            byte[] stored = encrypt(durable, content, key, "doc-1");
            assertEquals(ContentCipher.storedSize(size), stored.length, "size " + size);
            try (InputStream in = tink.newDecryptingStream(new ByteArrayInputStream(stored),
                    "doc-1".getBytes(StandardCharsets.UTF_8))) {
                assertArrayEquals(content, in.readAllBytes(), "size " + size);
            }
        }
    }

    @Test
    void anAlteredSegmentFailsBeforeAnyOfItsBytesIsReleased() throws IOException {
        byte[] content = ContentSpoolTest.randomBytes(3 * ContentCipher.SEGMENT_BYTES);
        byte[] key = ContentCipher.newDataKey();
        byte[] stored = encrypt(content, key, "doc-1");
        stored[2 * ContentCipher.SEGMENT_BYTES + 100] ^= 1;

        ByteArrayOutputStream released = new ByteArrayOutputStream();
        try (InputStream in = decrypt(stored, stored.length, key, "doc-1")) {
            assertThrows(TamperedContent.class, () -> in.transferTo(released));
        }
        assertTrue(released.size() <= 2 * SEGMENT_PLAINTEXT, released.size() + " bytes released");

        stored[2 * ContentCipher.SEGMENT_BYTES + 100] ^= 1;
        stored[100] ^= 1;
        assertThrows(TamperedContent.class,
                () -> decrypt(stored, stored.length, key, "doc-1"),
                "the first segment is checked when the content is opened");
    }

    @Test
    void contentDecryptsForItsOwnDocumentOnlyAndWholeOnly() throws IOException {
        byte[] content = ContentSpoolTest.randomBytes(2 * ContentCipher.SEGMENT_BYTES);
        byte[] key = ContentCipher.newDataKey();
        byte[] stored = encrypt(content, key, "doc-1");
        assertThrows(TamperedContent.class, () -> decrypt(stored, stored.length, key, "doc-2"));
        byte[] truncated = Arrays.copyOf(stored, stored.length - 1);
        try (InputStream in = decrypt(truncated, stored.length, key, "doc-1")) {
            assertThrows(TamperedContent.class, in::readAllBytes, "stored bytes that end early");
        }
        try (InputStream in = decrypt(truncated, truncated.length, key, "doc-1")) {
            assertThrows(TamperedContent.class, in::readAllBytes, "a row whose size says they end there");
        }
        byte[] longer = Arrays.copyOf(stored, stored.length + 1);
        try (InputStream in = decrypt(longer, stored.length, key, "doc-1")) {
            assertThrows(TamperedContent.class, in::readAllBytes, "stored bytes that run on");
        }
    }

    /** The whole content of {@code stored}, stored bytes of {@code storedSize} by their row, as a download reads it. */
    private static InputStream decrypt(byte[] stored, long storedSize, byte[] key, String documentId)
            throws IOException {
        long segments = Math.max(1, (storedSize + ContentCipher.SEGMENT_BYTES - 1) / ContentCipher.SEGMENT_BYTES);
        long contentSize = storedSize - (ContentCipher.storedSize(0) - 16) - 16 * segments;
        return ContentCipher.decrypt((from, length) -> new ByteArrayInputStream(stored, (int) from,
                stored.length - (int) from), storedSize, key, documentId, 0, contentSize);
    }

    @Test
    void anUploadOverTheLimitIsRefusedWhileArrivingAndLeavesNothingInTheSpool() throws IOException {
        ContentSpool spool = new ContentSpool(dir, false);
        byte[] key = ContentCipher.newDataKey();
        WrappedKey wrapped = Keyring.parse(Keyring.newKeyring("k"), "test").wrap(key, "doc-1");
        InputStream endless = new InputStream() {
            @Override
            public int read() {
                return 0;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                return len;
            }
        };
        assertThrows(ServiceException.PayloadTooLarge.class,
                () -> ContentCipher.receive(spool, endless, 3 * SEGMENT_PLAINTEXT, key, wrapped, "doc-1"));
        try (var left = Files.list(dir)) {
            assertEquals(0, left.count());
        }
    }

    @Test
    void contentReceivedEncryptedIsCheckedAsItArrived() throws IOException {
        byte[] content = ContentSpoolTest.randomBytes(3 * ContentCipher.SEGMENT_BYTES + 517);
        byte[] key = ContentCipher.newDataKey();
        WrappedKey wrapped = Keyring.parse(Keyring.newKeyring("k"), "test").wrap(key, "doc-1");
        try (PendingContent received = ContentCipher.receive(new ContentSpool(dir, false),
                new ByteArrayInputStream(content), Long.MAX_VALUE, key, wrapped, "doc-1");
             SpooledFile file = SpooledFile.open(received)) {
            assertEquals(content.length, file.size());
            for (long position : new long[] {content.length - 10, 0, 2L * ContentCipher.SEGMENT_BYTES - 3, 5}) {
                assertArrayEquals(Arrays.copyOfRange(content, (int) position, (int) position + 10),
                        file.read(position, 10, ByteOrder.BIG_ENDIAN).array(), "at " + position);
            }
            assertArrayEquals(Arrays.copyOfRange(content, 100, 200), file.stream(100, 100).readAllBytes());
        }
    }

    private byte[] encrypt(byte[] content, byte[] key, String documentId) throws IOException {
        return encrypt(new ContentSpool(dir, false), content, key, documentId);
    }

    private static byte[] encrypt(ContentSpool spool, byte[] content, byte[] key, String documentId)
            throws IOException {
        WrappedKey wrapped = Keyring.parse(Keyring.newKeyring("k"), "test").wrap(key, documentId);
        try (PendingContent received = ContentCipher.receive(spool, new ByteArrayInputStream(content),
                Long.MAX_VALUE, key, wrapped, documentId)) {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            assertEquals(content.length, received.size(), "the size of what arrived");
            assertEquals(HexFormat.of().formatHex(sha256.digest(content)), received.sha256Hex(),
                    "the digest of what arrived");
            PendingContent encrypted = received.encryption().ciphertext();
            assertEquals(received.tempFile(), encrypted.tempFile(), "one spool file");
            assertEquals(Files.size(encrypted.tempFile()), encrypted.size());
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(
                    encrypted.tempFile())), "the service's user's only, as every stored document");
            byte[] stored = Files.readAllBytes(encrypted.tempFile());
            assertEquals(HexFormat.of().formatHex(sha256.digest(stored)), encrypted.sha256Hex(),
                    "the digest of what a store stores");
            return stored;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
