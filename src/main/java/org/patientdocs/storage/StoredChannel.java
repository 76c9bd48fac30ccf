package org.patientdocs.storage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;

/**
 * A document's stored bytes as a read-only seekable channel, for Tink's seekable decrypting channel to read the header
 * and then only the encrypted segments that hold a range. Each seek the reader makes opens a ranged stream of the
 * store below ({@link DocumentStore#openContent(DocumentRecord, long, long)}) that ends where the reader will stop
 * (the end of the header, or of the last segment it needs), so a store sending bytes from afar (a ranged GET) sends
 * only those; sequential reads continue on the open stream. Remembers whether a read of the store failed, which tells
 * the store's failure from a segment that fails its check. Not thread-safe.
 */
final class StoredChannel implements SeekableByteChannel {

    private final DocumentStore store;
    /** The document as the store sees it: its stored (encrypted) size. */
    private final DocumentRecord stored;
    private final long headerEnd;
    private final long windowEnd;
    private InputStream current;
    /** Where in the stored bytes {@link #current} reads next. */
    private long currentPosition;
    private long position;
    private boolean open = true;
    private boolean failed;

    /**
     * @param stored    the document with its stored size
     * @param headerEnd where the ciphertext's header ends
     * @param windowEnd where the last segment the reader needs ends
     */
    StoredChannel(DocumentStore store, DocumentRecord stored, long headerEnd, long windowEnd) {
        this.store = store;
        this.stored = stored;
        this.headerEnd = headerEnd;
        this.windowEnd = windowEnd;
    }

    boolean failed() {
        return failed;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        requireOpen();
        long size = stored.fileSizeBytes();
        if (position >= size) {
            return -1;
        }
        if (!dst.hasRemaining()) {
            return 0;
        }
        try {
            // Tink's channel takes a read that does not fill its buffer for "no more yet" and gives up: fill it
            int total = 0;
            while (dst.hasRemaining() && position < size) {
                if (current == null || currentPosition != position) {
                    reopen(size);
                }
                int read = readInto(dst);
                if (read < 0) {
                    // the stream ends where the reader was to stop: it reads on from a new one
                    reopen(size);
                    read = readInto(dst);
                    if (read < 0) {
                        throw new IOException("the stored content ends before its recorded size");
                    }
                }
                position += read;
                currentPosition += read;
                total += read;
            }
            return total;
        } catch (IOException | RuntimeException e) {
            failed = true;
            throw e;
        }
    }

    private int readInto(ByteBuffer dst) throws IOException {
        if (dst.hasArray()) {
            int read = current.read(dst.array(), dst.arrayOffset() + dst.position(), dst.remaining());
            if (read > 0) {
                dst.position(dst.position() + read);
            }
            return read;
        }
        byte[] buffer = new byte[Math.min(dst.remaining(), 64 * 1024)];
        int read = current.read(buffer);
        if (read > 0) {
            dst.put(buffer, 0, read);
        }
        return read;
    }

    /** Opens the stored bytes from the position to where the reader will stop (the header's or the window's end). */
    private void reopen(long size) throws IOException {
        closeCurrent();
        long end = position < headerEnd ? headerEnd : position < windowEnd ? windowEnd : size;
        current = store.openContent(stored, position, end - position);
        currentPosition = position;
    }

    private void closeCurrent() throws IOException {
        if (current != null) {
            InputStream closing = current;
            current = null;
            closing.close();
        }
    }

    @Override
    public long position() throws IOException {
        requireOpen();
        return position;
    }

    @Override
    public SeekableByteChannel position(long newPosition) throws IOException {
        requireOpen();
        if (newPosition < 0) {
            throw new IllegalArgumentException("negative position");
        }
        position = newPosition;
        return this;
    }

    @Override
    public long size() throws IOException {
        requireOpen();
        return stored.fileSizeBytes();
    }

    @Override
    public int write(ByteBuffer src) {
        throw new NonWritableChannelException();
    }

    @Override
    public SeekableByteChannel truncate(long size) {
        throw new NonWritableChannelException();
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public void close() throws IOException {
        open = false;
        closeCurrent();
    }

    private void requireOpen() throws ClosedChannelException {
        if (!open) {
            throw new ClosedChannelException();
        }
    }
}
