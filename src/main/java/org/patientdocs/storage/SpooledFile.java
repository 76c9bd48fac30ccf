package org.patientdocs.storage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A received upload opened for the checks of its content: read at any position, a bounded slice at a time, so that
 * no check ever holds the whole document in memory. An upload received encrypted is read decrypted. Not thread-safe.
 */
final class SpooledFile implements AutoCloseable {

    /** The most bytes one {@link #read} returns: a caller asking for more has a bug, not a big file. */
    static final int MAX_READ = 1024 * 1024;

    private final SeekableByteChannel channel;
    private final long size;

    private SpooledFile(SeekableByteChannel channel) throws IOException {
        this.channel = channel;
        this.size = channel.size();
    }

    static SpooledFile open(Path file) throws IOException {
        return new SpooledFile(FileChannel.open(file, StandardOpenOption.READ));
    }

    /** The content as received: the spooled file, or, when it was received encrypted, the file decrypted. */
    static SpooledFile open(PendingContent content) throws IOException {
        if (content.encryption() == null) {
            return open(content.tempFile());
        }
        SeekableByteChannel channel = ContentCipher.openSpooled(content);
        try {
            return new SpooledFile(channel);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    long size() {
        return size;
    }

    /**
     * The bytes at {@code position}, {@code length} of them or fewer where the file ends first (none before 0 or
     * past the end), ready to be read in the given byte order.
     */
    ByteBuffer read(long position, int length, ByteOrder order) throws IOException {
        if (length < 0 || length > MAX_READ) {
            throw new IllegalArgumentException("a read of " + length + " bytes");
        }
        int available = position < 0 || position >= size ? 0 : (int) Math.min(length, size - position);
        ByteBuffer buffer = ByteBuffer.allocate(available).order(order);
        while (buffer.hasRemaining()) {
            if (readAt(buffer, position + buffer.position()) < 0) {
                break;
            }
        }
        return buffer.flip();
    }

    /** The {@code length} bytes at {@code position} (fewer where the file ends first) as a stream. */
    InputStream stream(long position, long length) {
        return new InputStream() {
            private long next = position;
            private final long end = Math.min(size, position + length);

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
            }

            @Override
            public int read(byte[] bytes, int offset, int length) throws IOException {
                if (length == 0) {
                    return 0;
                }
                if (next >= end) {
                    return -1;
                }
                int read = readAt(ByteBuffer.wrap(bytes, offset, (int) Math.min(length, end - next)), next);
                if (read > 0) {
                    next += read;
                }
                return read;
            }
        };
    }

    private int readAt(ByteBuffer buffer, long position) throws IOException {
        return channel.position(position).read(buffer);
    }

    /** Whether the file holds {@code length} bytes at {@code position}, computed without overflow. */
    boolean holds(long position, long length) {
        return position >= 0 && length >= 0 && position <= size && length <= size - position;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
