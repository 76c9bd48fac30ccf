package org.patientdocs.storage;

import java.io.FileInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.util.Objects;

/**
 * The first {@code length} bytes of a stream, for a range that ends before the stored bytes do; closing it closes the
 * stream. Not thread-safe.
 */
final class LimitedContent extends FilterInputStream {

    private long remaining;

    LimitedContent(InputStream in, long length) {
        super(in);
        this.remaining = length;
    }

    /**
     * The channel of the file this reads from, for a reader that reads no further than {@code length} bytes through
     * it (with direct buffers); null when the stream is not a file's.
     */
    FileChannel fileChannel() {
        return in instanceof FileInputStream file ? file.getChannel() : null;
    }

    @Override
    public int read() throws IOException {
        if (remaining <= 0) {
            return -1;
        }
        int b = in.read();
        if (b >= 0) {
            remaining--;
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return 0;
        }
        if (remaining <= 0) {
            return -1;
        }
        int read = in.read(b, off, (int) Math.min(len, remaining));
        if (read > 0) {
            remaining -= read;
        }
        return read;
    }

    @Override
    public long skip(long n) throws IOException {
        long skipped = in.skip(Math.min(n, remaining));
        remaining -= skipped;
        return skipped;
    }

    @Override
    public int available() throws IOException {
        return (int) Math.min(in.available(), remaining);
    }

    @Override
    public boolean markSupported() {
        return false;
    }
}
