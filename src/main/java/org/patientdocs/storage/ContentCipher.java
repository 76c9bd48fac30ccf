package org.patientdocs.storage;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

import com.google.crypto.tink.subtle.AesGcmHkdfStreaming;

/**
 * A document's bytes encrypted with its own data key: Tink's streaming AEAD AES-GCM-HKDF (AES-256, a key per document
 * derived with HKDF-SHA256 and a random salt, segments of {@value #SEGMENT_BYTES} bytes each authenticated on its
 * own), bound to the document's id. Decryption checks each segment before releasing any of its bytes, so a reader
 * never sees a byte of a segment that was altered; and, segment by segment, a byte range needs only the segments
 * holding it ({@link DecryptedContent}).
 */
final class ContentCipher {

    /** Stored bytes per segment: one segment is what a reader holds; its 16-byte tag is the overhead. */
    static final int SEGMENT_BYTES = 1024 * 1024;
    private static final int KEY_BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Sizes depend on the parameters only; computed with a key that encrypts nothing. */
    private static final AesGcmHkdfStreaming SIZES = aead(new byte[KEY_BYTES]);
    /** Segment buffers kept for reuse: as many as a few dozen transfers at once hold. */
    private static final BlockingQueue<ByteBuffer> SEGMENT_BUFFERS = new ArrayBlockingQueue<>(32);

    private ContentCipher() {
    }

    /** A new random data key. */
    static byte[] newDataKey() {
        byte[] key = new byte[KEY_BYTES];
        RANDOM.nextBytes(key);
        return key;
    }

    /** How many bytes a store holds for content of this size, encrypted. */
    static long storedSize(long contentSize) {
        return SIZES.expectedCiphertextSize(contentSize);
    }

    /**
     * Receives an upload into the spool encrypted as it arrives, for the document {@code documentId}: one temporary
     * file holds the ciphertext, while the size and SHA-256 are computed from the bytes as they arrive. The result's
     * {@linkplain PendingContent#encryption encryption} sees the same file as the bytes to store (their size, and
     * their SHA-256 if a store asks for it), and reads the content back for its checks ({@link #openSpooled}).
     *
     * @param key the data key, wrapped, which the record of the document will hold
     * @throws org.patientdocs.error.ServiceException.PayloadTooLarge as soon as more than {@code maxBytes} bytes
     *                                                                arrive; nothing is left in the spool
     */
    static PendingContent receive(ContentSpool spool, InputStream in, long maxBytes, byte[] dataKey, WrappedKey key,
                                  String documentId) throws IOException {
        AesGcmHkdfStreaming aead = aead(dataKey);
        PendingContent received = spool.write(in, maxBytes,
                file -> new EncryptingChannel(file, aead, aad(documentId)));
        received.encryptedAs(new PendingContent.Encrypted(
                new PendingContent(received.tempFile(), storedSize(received.size()), null), key, documentId, aead));
        return received;
    }

    /**
     * The content of an upload received encrypted, for its checks: read at any position, decrypting the segments that
     * hold it ({@link DecryptedContent#seekable}).
     */
    static SeekableByteChannel openSpooled(PendingContent content) {
        PendingContent.Encrypted encrypted = content.encryption();
        Path file = encrypted.ciphertext().tempFile();
        return DecryptedContent.seekable((offset, length) -> {
            FileInputStream in = new FileInputStream(file.toFile());
            try {
                in.getChannel().position(offset);
                return in;
            } catch (IOException | RuntimeException e) {
                in.close();
                throw e;
            }
        }, encrypted.ciphertext().size(), encrypted.aead(), aad(encrypted.documentId()),
                content.size());
    }

    /**
     * {@code length} bytes of the content of a document's stored, encrypted bytes from {@code offset}, decrypting only
     * the segments that hold them: the store below is asked for those segments only (and, when they are not the
     * first, for the header apart). Decrypts the segment holding the first byte now, so that a document altered there
     * fails before an answer starts. The result is also {@link ContentBuffers}.
     *
     * @param stored     opens a range of the stored bytes
     * @param storedSize how many bytes the store holds for the document ({@link #storedSize})
     * @throws TamperedContent when the header, or the segment holding the first byte, fails its check
     */
    static InputStream decrypt(DecryptedContent.Stored stored, long storedSize, byte[] dataKey, String documentId,
                               long offset, long length) throws IOException {
        return DecryptedContent.open(stored, storedSize, aead(dataKey), aad(documentId), offset, length);
    }

    /**
     * A direct buffer of a whole ciphertext segment (a plaintext segment is 16 bytes smaller), from those kept for
     * reuse: allocating direct buffers is slow, and they are freed only by the GC.
     */
    static ByteBuffer segmentBuffer() {
        ByteBuffer pooled = SEGMENT_BUFFERS.poll();
        return pooled != null ? pooled.clear() : ByteBuffer.allocateDirect(SEGMENT_BYTES);
    }

    /** Keeps a buffer of {@link #segmentBuffer} for reuse; its user must not touch it any more. */
    static void release(ByteBuffer buffer) {
        SEGMENT_BUFFERS.offer(buffer);
    }

    private static AesGcmHkdfStreaming aead(byte[] dataKey) {
        try {
            return new AesGcmHkdfStreaming(dataKey, "HmacSha256", KEY_BYTES, SEGMENT_BYTES, 0);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM-HKDF streaming is unavailable", e);
        }
    }

    private static byte[] aad(String documentId) {
        return documentId.getBytes(StandardCharsets.UTF_8);
    }
}
