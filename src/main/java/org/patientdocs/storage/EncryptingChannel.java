package org.patientdocs.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.WritableByteChannel;
import java.security.GeneralSecurityException;

import com.google.crypto.tink.subtle.AesGcmHkdfStreaming;
import com.google.crypto.tink.subtle.StreamSegmentEncrypter;

/**
 * Writes content into a file encrypted, segment by segment with Tink's segment encrypter: the same bytes as Tink's
 * encrypting channel writes, through direct buffers, which a file takes without copying them first (and which
 * bring the JDK's AES-GCM intrinsics to work after a few MiB, where arrays of a whole segment take hundreds). A
 * segment is encrypted once it is full and more content follows; closing encrypts the last one, writes it and closes
 * what it writes into. Used by one thread at a time.
 */
final class EncryptingChannel implements WritableByteChannel {

    private final WritableByteChannel file;
    private final StreamSegmentEncrypter encrypter;
    private final int plaintextSegment;
    private ByteBuffer plaintext;
    private ByteBuffer ciphertext;

    EncryptingChannel(WritableByteChannel file, AesGcmHkdfStreaming aead, byte[] aad) throws IOException {
        this.file = file;
        try {
            this.encrypter = aead.newStreamSegmentEncrypter(aad);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM-HKDF streaming is unavailable", e);
        }
        this.plaintextSegment = aead.getPlaintextSegmentSize();
        writeFully(encrypter.getHeader());
        plaintext = ContentCipher.segmentBuffer();
        ciphertext = ContentCipher.segmentBuffer();
        // the first segment holds less: the header comes first
        plaintext.limit(plaintextSegment - aead.getCiphertextOffset());
    }

    @Override
    public int write(ByteBuffer content) throws IOException {
        if (plaintext == null) {
            throw new ClosedChannelException();
        }
        int written = content.remaining();
        while (content.hasRemaining()) {
            if (!plaintext.hasRemaining()) {
                encrypt(false);
                plaintext.clear().limit(plaintextSegment);
            }
            int count = Math.min(plaintext.remaining(), content.remaining());
            plaintext.put(content.slice(content.position(), count));
            content.position(content.position() + count);
        }
        return written;
    }

    private void encrypt(boolean last) throws IOException {
        plaintext.flip();
        ciphertext.clear();
        try {
            encrypter.encryptSegment(plaintext, last, ciphertext);
        } catch (GeneralSecurityException e) {
            throw new IOException("a segment does not encrypt", e);
        }
        writeFully(ciphertext.flip());
    }

    private void writeFully(ByteBuffer bytes) throws IOException {
        while (bytes.hasRemaining()) {
            file.write(bytes);
        }
    }

    @Override
    public boolean isOpen() {
        return plaintext != null;
    }

    /** Encrypts and writes the last segment, then closes what it writes into. */
    @Override
    public void close() throws IOException {
        if (plaintext == null) {
            return;
        }
        try (file) {
            encrypt(true);
        } finally {
            ContentCipher.release(plaintext);
            ContentCipher.release(ciphertext);
            plaintext = null;
            ciphertext = null;
        }
    }
}
