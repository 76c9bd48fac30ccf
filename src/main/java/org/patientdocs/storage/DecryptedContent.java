package org.patientdocs.storage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.security.GeneralSecurityException;
import java.util.Objects;
import java.util.function.BooleanSupplier;

import com.google.crypto.tink.StreamingAead;

/**
 * The plaintext of a document's encrypted bytes, or of a range of them, read through Tink's decrypting stream or
 * seekable channel, each of which releases a segment only once it has passed its check. A failure of the check (as
 * opposed to one of the store below, which passes through as it was) becomes a {@link TamperedContent}, logged once.
 * Not thread-safe.
 */
final class DecryptedContent extends InputStream {

    /** Whether reading the store below failed (rather than a segment its check). */
    private final BooleanSupplier storeFailed;
    private final InputStream plaintext;
    /** A byte read ahead by {@link #open}, or -2 when none is waiting. */
    private int ahead = -2;

    private DecryptedContent(BooleanSupplier storeFailed, InputStream plaintext) {
        this.storeFailed = storeFailed;
        this.plaintext = plaintext;
    }

    /** Opens the stream and reads its first byte, which checks the header and the first segment. */
    static DecryptedContent open(InputStream stored, StreamingAead aead, byte[] aad) throws IOException {
        Source source = new Source(stored);
        InputStream plaintext;
        try {
            plaintext = aead.newDecryptingStream(source, aad);
        } catch (GeneralSecurityException e) {
            throw tampered(e);
        }
        DecryptedContent content = new DecryptedContent(() -> source.failed, plaintext);
        content.ahead = content.readChecked();
        return content;
    }

    /**
     * Opens {@code length} bytes of the plaintext from {@code offset} and reads the first one, which checks the header
     * and the segment holding it; the channel reads only the segments holding the range.
     */
    static DecryptedContent openRange(StoredChannel stored, StreamingAead aead, byte[] aad, long offset, long length)
            throws IOException {
        SeekableByteChannel channel;
        try {
            channel = aead.newSeekableDecryptingChannel(stored, aad);
        } catch (GeneralSecurityException e) {
            throw tampered(e);
        }
        DecryptedContent content;
        try {
            channel.position(offset);
            content = new DecryptedContent(stored::failed,
                    new LimitedContent(Channels.newInputStream(channel), length));
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        content.ahead = content.readChecked();
        return content;
    }

    @Override
    public int read() throws IOException {
        if (ahead != -2) {
            int b = ahead;
            ahead = -2;
            return b;
        }
        return readChecked();
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return 0;
        }
        if (ahead != -2) {
            if (ahead < 0) {
                return -1;
            }
            b[off] = (byte) ahead;
            ahead = -2;
            return 1;
        }
        try {
            return plaintext.read(b, off, len);
        } catch (IOException e) {
            throw failure(e);
        }
    }

    private int readChecked() throws IOException {
        try {
            return plaintext.read();
        } catch (IOException e) {
            throw failure(e);
        }
    }

    /** The store's own failure as it was; any other is Tink's refusal of what it read. */
    private IOException failure(IOException e) {
        return storeFailed.getAsBoolean() ? e : tampered(e);
    }

    private static TamperedContent tampered(Exception cause) {
        return TamperedContent.reported(cause);
    }

    @Override
    public void close() throws IOException {
        plaintext.close();
    }

    /** The stored bytes, remembering whether reading them failed. */
    private static final class Source extends InputStream {
        private final InputStream in;
        private boolean failed;

        Source(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            try {
                return in.read();
            } catch (IOException | RuntimeException e) {
                failed = true;
                throw e;
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                return in.read(b, off, len);
            } catch (IOException | RuntimeException e) {
                failed = true;
                throw e;
            }
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
