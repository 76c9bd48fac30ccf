package org.patientdocs.storage;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;

import com.google.crypto.tink.subtle.AesGcmHkdfStreaming;

/**
 * A document's bytes encrypted with its own data key: Tink's streaming AEAD AES-GCM-HKDF (AES-256, a key per document
 * derived with HKDF-SHA256 and a random salt, segments of {@value #SEGMENT_BYTES} bytes each authenticated on its
 * own), bound to the document's id. Decryption checks each segment before releasing any of its bytes, so a reader
 * never sees a byte of a segment that was altered; and, segment by segment, a byte range needs only the segments
 * holding it (Tink's seekable decrypting channel).
 */
final class ContentCipher {

    /** Stored bytes per segment: one segment is what a reader holds; its 16-byte tag is the overhead. */
    static final int SEGMENT_BYTES = 1024 * 1024;
    private static final int KEY_BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Sizes depend on the parameters only; computed with a key that encrypts nothing. */
    private static final AesGcmHkdfStreaming SIZES = aead(new byte[KEY_BYTES]);

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
     * Encrypts received content into a new temporary file beside it (in the same spool, so a store may move it into
     * place, and the sweep finds it if a crash leaves it; a store that keeps the file forces it to disk then). The
     * result's size and SHA-256 are those of the encrypted bytes, what the store holds; the SHA-256 is computed only
     * if a store asks for it.
     */
    static PendingContent encrypt(PendingContent content, byte[] dataKey, String documentId) throws IOException {
        Path target = content.tempFile().resolveSibling(DocumentIds.randomToken() + ContentSpool.TEMP_SUFFIX);
        try (FileChannel channel = FileChannel.open(target, StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE)) {
            // like every stored document: the service's user's only, before a byte is in it
            if (Files.getFileStore(target).supportsFileAttributeView("posix")) {
                Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-------"));
            }
            try (InputStream in = Files.newInputStream(content.tempFile());
                 OutputStream out = aead(dataKey).newEncryptingStream(
                         unclosed(channel), aad(documentId))) {
                in.transferTo(out);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("AES-GCM-HKDF streaming is unavailable", e);
            }
            return new PendingContent(target, channel.size(), null);
        } catch (IOException | RuntimeException | Error e) {
            try {
                Files.deleteIfExists(target);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /**
     * The content of a document's stored, encrypted bytes; closing it closes {@code stored}. Reads the first segment
     * now, so that a document altered there fails before an answer starts.
     *
     * @throws TamperedContent when the first segment, or the header, fails its check
     */
    static InputStream decrypt(InputStream stored, byte[] dataKey, String documentId) throws IOException {
        try {
            return DecryptedContent.open(stored, aead(dataKey), aad(documentId));
        } catch (IOException | RuntimeException | Error e) {
            stored.close();
            throw e;
        }
    }

    /**
     * {@code length} bytes of the content of a document's stored, encrypted bytes from {@code offset}, decrypting only
     * the segments that hold them: the store below is asked for the header and then for those segments only. Reads
     * the first byte now, so that a document altered there fails before an answer starts.
     *
     * @param stored the document as the store sees it, with its stored size
     * @throws TamperedContent when the header, or the segment holding the first byte, fails its check
     */
    static InputStream decryptRange(DocumentStore store, DocumentRecord stored, byte[] dataKey, String documentId,
                                    long offset, long length) throws IOException {
        AesGcmHkdfStreaming aead = aead(dataKey);
        long header = aead.getHeaderLength() + aead.getCiphertextOffset();
        long plainSegment = aead.getPlaintextSegmentSize();
        long cipherSegment = aead.getCiphertextSegmentSize();
        // the first segment holds less plaintext (the header comes first): positions count from the stream's start
        long lastSegment = (offset + Math.max(length, 1) - 1 + header) / plainSegment;
        long windowEnd = Math.min(stored.fileSizeBytes(), (lastSegment + 1) * cipherSegment);
        StoredChannel channel = new StoredChannel(store, stored, header, windowEnd);
        try {
            return DecryptedContent.openRange(channel, aead, aad(documentId), offset, length);
        } catch (IOException | RuntimeException | Error e) {
            channel.close();
            throw e;
        }
    }

    /** Writes to the channel, leaving it open when closed: its size is read after the last segment. */
    private static OutputStream unclosed(FileChannel channel) {
        return new FilterOutputStream(Channels.newOutputStream(channel)) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                flush();
            }
        };
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
