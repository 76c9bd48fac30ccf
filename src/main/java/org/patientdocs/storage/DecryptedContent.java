package org.patientdocs.storage;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;
import java.security.GeneralSecurityException;
import java.util.Objects;

import com.google.crypto.tink.subtle.AesGcmHkdfStreaming;
import com.google.crypto.tink.subtle.StreamSegmentDecrypter;

/**
 * The plaintext of a document's encrypted bytes, or of a range of them, decrypted segment by segment with Tink's
 * segment decrypter: a segment's bytes are released only once its tag has passed its check, and a range reads and
 * decrypts only the segments that hold it (and the header). The segments are read from the store below in one
 * stream, from the first segment wanted to the last; which one is the last of the document follows from the stored
 * size, and the stored bytes must end there. A failure of the check, or stored bytes that end early or run on, becomes
 * a {@link TamperedContent}, logged once; a failure of the store below passes through as it was.
 * <p>
 * Segments are read into direct buffers (a file's through its channel, so that a download copies each byte once from
 * the disk and once to the socket, as one of plaintext does) and decrypted into direct ones ({@link ContentBuffers}):
 * Java 17's AES-GCM runs at about 100 MiB/s on heap buffers for the first few hundred segments, until the JIT has
 * compiled its intrinsics' callers, on direct ones after a few MiB. Not thread-safe.
 */
final class DecryptedContent extends InputStream implements ContentBuffers {

    private static final int SCRATCH_BYTES = 64 * 1024;

    /** Opens the stored bytes from {@code offset}, {@code length} of them. */
    @FunctionalInterface
    interface Stored {
        InputStream open(long offset, long length) throws IOException;
    }

    private final StreamSegmentDecrypter decrypter;
    private final InputStream in;
    /** The channel of {@code in} when it is a file's, read into a direct buffer; else null. */
    private final FileChannel file;
    private final int lastSegment;
    private final boolean readsToTheEnd;
    private final long storedSize;
    private final int cipherSegment;
    /** Stored bytes of a stream that is not a file's, on their way into the direct buffer. */
    private byte[] scratch;
    private final int headerLength;
    private ByteBuffer ciphertext;
    private ByteBuffer plaintext;
    private int segment;
    /** Plaintext bytes of the range not yet decrypted into {@code plaintext}. */
    private long remaining;

    private DecryptedContent(AesGcmHkdfStreaming aead, StreamSegmentDecrypter decrypter, InputStream in,
                             long storedSize, int firstSegment, int lastSegment, long length) {
        this.decrypter = decrypter;
        this.in = in;
        // a window ending before the file does is read no further than its end: only its segments are read
        this.file = in instanceof FileInputStream stream ? stream.getChannel()
                : in instanceof LimitedContent limited ? limited.fileChannel() : null;
        this.storedSize = storedSize;
        this.cipherSegment = aead.getCiphertextSegmentSize();
        this.headerLength = aead.getHeaderLength();
        this.segment = firstSegment;
        this.lastSegment = lastSegment;
        this.readsToTheEnd = lastSegment == segments(aead, storedSize) - 1;
        this.remaining = length;
    }

    /**
     * Opens {@code length} bytes of the plaintext from {@code offset} and decrypts the segment holding the first one,
     * which checks the header and that segment before anything is answered.
     *
     * @param storedSize how many bytes the store holds for the document
     * @throws TamperedContent when the header, or the first segment, fails its check
     */
    static DecryptedContent open(Stored stored, long storedSize, AesGcmHkdfStreaming aead, byte[] aad, long offset,
                                 long length) throws IOException {
        int plainFirst = aead.getPlaintextSegmentSize() - aead.getCiphertextOffset();
        int plain = aead.getPlaintextSegmentSize();
        int segments = segments(aead, storedSize);
        int first = Math.min(segmentOf(offset, plainFirst, plain), segments - 1);
        int last = Math.min(segmentOf(offset + Math.max(length, 1) - 1, plainFirst, plain), segments - 1);
        long windowStart = first == 0 ? 0 : (long) first * aead.getCiphertextSegmentSize();
        long windowEnd = Math.min(storedSize, (long) (last + 1) * aead.getCiphertextSegmentSize());
        ByteBuffer header = ByteBuffer.allocate(aead.getHeaderLength());
        if (first != 0) {
            try (InputStream headerStream = stored.open(0, header.capacity())) {
                readFully(headerStream, header);
            }
        }
        StreamSegmentDecrypter decrypter;
        try {
            decrypter = aead.newStreamSegmentDecrypter();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM-HKDF streaming is unavailable", e);
        }
        DecryptedContent content = new DecryptedContent(aead, decrypter,
                stored.open(windowStart, windowEnd - windowStart), storedSize, first, last, length);
        try {
            if (first == 0) {
                content.readFully(header);
            }
            content.decrypter.init(header.flip(), aad);
            content.load();
            long plainStart = first == 0 ? 0 : plainFirst + (long) (first - 1) * plain;
            content.plaintext.position((int) (offset - plainStart));
            content.limitToRange();
        } catch (GeneralSecurityException e) {
            content.close();
            throw TamperedContent.reported(e);
        } catch (IOException | RuntimeException | Error e) {
            content.close();
            throw e;
        }
        return content;
    }

    /**
     * The plaintext of {@code size} bytes, read at any position (for the checks of an upload received encrypted):
     * reading on from where the last read ended, or forward within the segment it ended in, continues; any other
     * position opens the stored bytes anew at the segment holding it (a segment decrypted per jump).
     */
    static SeekableByteChannel seekable(Stored stored, long storedSize, AesGcmHkdfStreaming aead, byte[] aad,
                                        long size) {
        return new SeekableByteChannel() {
            private DecryptedContent current;
            /** The plaintext position of the next byte {@code current} gives. */
            private long next;
            private long position;
            private boolean open = true;

            @Override
            public int read(ByteBuffer target) throws IOException {
                if (!open) {
                    throw new ClosedChannelException();
                }
                if (position >= size) {
                    return -1;
                }
                if (current == null || position < next || position - next > current.available()) {
                    if (current != null) {
                        current.close();
                    }
                    current = open(stored, storedSize, aead, aad, position, size - position);
                    next = position;
                }
                ByteBuffer bytes = current.nextBuffer();
                bytes.position(bytes.position() + (int) (position - next));
                int count = Math.min(bytes.remaining(), target.remaining());
                target.put(bytes.slice(bytes.position(), count));
                bytes.position(bytes.position() + count);
                position += count;
                next = position;
                return count;
            }

            @Override
            public long position() {
                return position;
            }

            @Override
            public SeekableByteChannel position(long newPosition) {
                position = newPosition;
                return this;
            }

            @Override
            public long size() {
                return size;
            }

            @Override
            public int write(ByteBuffer source) {
                throw new NonWritableChannelException();
            }

            @Override
            public SeekableByteChannel truncate(long newSize) {
                throw new NonWritableChannelException();
            }

            @Override
            public boolean isOpen() {
                return open;
            }

            @Override
            public void close() throws IOException {
                open = false;
                if (current != null) {
                    current.close();
                }
            }
        };
    }

    /** How many segments hold content of this stored size: at least one, which may hold no plaintext. */
    private static int segments(AesGcmHkdfStreaming aead, long storedSize) {
        return (int) Math.max(1, (storedSize + aead.getCiphertextSegmentSize() - 1) / aead.getCiphertextSegmentSize());
    }

    /** The segment holding a plaintext position: the first holds less, the header comes first. */
    private static int segmentOf(long position, int plainFirst, int plain) {
        return position < plainFirst ? 0 : (int) (1 + (position - plainFirst) / plain);
    }

    @Override
    public ByteBuffer nextBuffer() throws IOException {
        while (!plaintext.hasRemaining()) {
            if (segment > lastSegment) {
                return null;
            }
            try {
                load();
            } catch (GeneralSecurityException e) {
                throw TamperedContent.reported(e);
            }
            limitToRange();
        }
        return plaintext;
    }

    @Override
    public int read() throws IOException {
        ByteBuffer next = nextBuffer();
        return next == null ? -1 : next.get() & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return 0;
        }
        ByteBuffer next = nextBuffer();
        if (next == null) {
            return -1;
        }
        int count = Math.min(len, next.remaining());
        next.get(b, off, count);
        return count;
    }

    @Override
    public int available() {
        return plaintext == null ? 0 : plaintext.remaining();
    }

    /** Reads and decrypts the next segment into {@code plaintext}, which holds nothing before it has passed. */
    private void load() throws IOException, GeneralSecurityException {
        if (ciphertext == null) {
            ciphertext = ContentCipher.segmentBuffer();
            plaintext = ContentCipher.segmentBuffer();
        }
        long start = segment == 0 ? headerLength : (long) segment * cipherSegment;
        long end = Math.min(storedSize, (long) (segment + 1) * cipherSegment);
        ciphertext.clear().limit((int) (end - start));
        readFully(ciphertext);
        ciphertext.flip();
        boolean last = readsToTheEnd && segment == lastSegment;
        if (last && in.read() >= 0) {
            throw TamperedContent.reported(null);
        }
        plaintext.clear();
        decrypter.decryptSegment(ciphertext, segment, last, plaintext);
        plaintext.flip();
        segment++;
    }

    /** Keeps the plaintext of the segment just loaded to what the range still wants. */
    private void limitToRange() {
        int wanted = (int) Math.min(plaintext.remaining(), remaining);
        plaintext.limit(plaintext.position() + wanted);
        remaining -= wanted;
    }

    /**
     * Fills the buffer from the stored bytes: a file's through its channel; any other stream's through a small array,
     * into the direct buffer all the same (see above). Stored bytes that end first end early at rest: tampered.
     */
    private void readFully(ByteBuffer buffer) throws IOException {
        if (file != null && buffer.isDirect()) {
            while (buffer.hasRemaining()) {
                if (file.read(buffer) < 0) {
                    throw TamperedContent.reported(null);
                }
            }
            return;
        }
        if (buffer.hasArray()) {
            readFully(in, buffer);
            return;
        }
        if (scratch == null) {
            scratch = new byte[SCRATCH_BYTES];
        }
        while (buffer.hasRemaining()) {
            int read = in.read(scratch, 0, Math.min(scratch.length, buffer.remaining()));
            if (read < 0) {
                throw TamperedContent.reported(null);
            }
            buffer.put(scratch, 0, read);
        }
    }

    private static void readFully(InputStream in, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            int read = in.read(buffer.array(), buffer.arrayOffset() + buffer.position(), buffer.remaining());
            if (read < 0) {
                throw TamperedContent.reported(null);
            }
            buffer.position(buffer.position() + read);
        }
    }

    @Override
    public void close() throws IOException {
        if (ciphertext != null) {
            ContentCipher.release(ciphertext);
            ContentCipher.release(plaintext);
            ciphertext = null;
            plaintext = ByteBuffer.allocate(0);
            segment = lastSegment + 1;
        }
        in.close();
    }
}
