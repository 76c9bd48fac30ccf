package org.patientdocs.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Future;

import com.sun.nio.file.ExtendedOpenOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a new file with direct I/O ({@code O_DIRECT}): from memory to the disk, past the page cache. Copying an
 * upload into the page cache was the largest cost of a large upload (by hand, 47 % of the service's CPU during 25 MiB
 * uploads, most of it the kernel filling pages it had not used before), and the spool's durable files are forced to
 * the disk anyway when they become documents.
 *
 * <p>Direct I/O takes whole blocks from block-aligned memory at block-aligned positions, and a direct write returns
 * only once the disk has the bytes. So what is written is gathered in an aligned direct buffer of {@value #BUFFER_SIZE}
 * bytes, and each full buffer goes to the disk on a worker thread while the next one fills: two buffers per file, from
 * a pool. At {@link #close} the rest goes directly too, its last block padded with zeros, and the file is cut back to
 * the size written. Heap buffers are never handed to the direct channel: the JDK copies those through a
 * temporary aligned buffer that it caches per thread and later fails to free (a {@code NullPointerException} in
 * {@code sun.nio.ch.Util.free}, which broke the next H2 write on the same thread). Forcing the file makes all of it
 * durable. Use from one thread at a time.
 */
final class DirectFileWrites implements WritableByteChannel {

    private static final Logger LOG = LoggerFactory.getLogger(DirectFileWrites.class);
    /** What is gathered before a direct write: the spool's chunk size, so each chunk is one write. */
    static final int BUFFER_SIZE = 512 * 1024;
    /** Direct buffers are costly to make and freed only by a garbage collection: kept for reuse, this many. */
    private static final BlockingQueue<ByteBuffer> BUFFERS = new ArrayBlockingQueue<>(16);

    private final FileChannel direct;
    private final int blockSize;
    /** The buffer being filled; null once closed. */
    private ByteBuffer filling;
    /** The buffer being written ({@link #writing}), or free. */
    private ByteBuffer spare;
    private Future<?> writing;
    /** Where the next direct write goes. */
    private long position;

    private DirectFileWrites(FileChannel direct, int blockSize) {
        this.direct = direct;
        this.blockSize = blockSize;
        this.filling = pooled(blockSize);
        this.spare = pooled(blockSize);
    }

    private static ByteBuffer pooled(int blockSize) {
        ByteBuffer pooled = BUFFERS.poll();
        return pooled != null && pooled.alignmentOffset(0, blockSize) == 0 ? pooled
                : ByteBuffer.allocateDirect(BUFFER_SIZE + blockSize - 1).alignedSlice(blockSize);
    }

    /**
     * The block size direct writes into this directory's file system must be aligned to, or 0 when it does not take
     * them (some do not: tmpfs before Linux 6.6, for one) or its blocks do not divide {@link #BUFFER_SIZE}. Found by
     * writing and deleting a file.
     */
    static int blockSize(Path dir) {
        // named as an upload's file, so that the spool's sweep removes it if a crash leaves it behind
        Path probe = dir.resolve(DocumentIds.randomToken() + ContentSpool.TEMP_SUFFIX);
        try {
            long size = Files.getFileStore(dir).getBlockSize();
            if (size <= 0 || size > BUFFER_SIZE || BUFFER_SIZE % size != 0) {
                return 0;
            }
            int block = (int) size;
            try (FileChannel channel = FileChannel.open(probe, Set.of(StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE, ExtendedOpenOption.DIRECT))) {
                ByteBuffer zeros = ByteBuffer.allocateDirect(2 * block - 1).alignedSlice(block);
                while (zeros.hasRemaining()) {
                    channel.write(zeros);
                }
            }
            return block;
        } catch (IOException | UnsupportedOperationException e) {
            LOG.info("uploads are written through the page cache: the spool's file system refuses direct writes ({})",
                    e.getClass().getSimpleName());
            return 0;
        } finally {
            try {
                Files.deleteIfExists(probe);
            } catch (IOException e) {
                LOG.warn("the spool's probe file could not be deleted: {}", e.getClass().getSimpleName());
            }
        }
    }

    /**
     * Writes into a new file opened for direct writes as {@code direct} (nothing written yet), in blocks of
     * {@code blockSize} ({@link #blockSize}).
     */
    static DirectFileWrites into(FileChannel direct, int blockSize) {
        return new DirectFileWrites(direct, blockSize);
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        if (filling == null) {
            throw new ClosedChannelException();
        }
        int length = src.remaining();
        while (src.hasRemaining()) {
            int count = Math.min(src.remaining(), filling.remaining());
            filling.put(src.slice(src.position(), count));
            src.position(src.position() + count);
            if (!filling.hasRemaining()) {
                writeFullBuffer();
            }
        }
        return length;
    }

    /** Hands the full buffer to a worker to write, once the one before it is written, and fills the other. */
    private void writeFullBuffer() throws IOException {
        HashingWriter.await(writing);
        writing = null;
        ByteBuffer full = filling.flip();
        long at = position;
        position += full.remaining();
        writing = HashingWriter.inBackground(() -> writeDirectly(full, at));
        filling = spare.clear();
        spare = full;
    }

    private Void writeDirectly(ByteBuffer blocks, long at) throws IOException {
        for (long next = at; blocks.hasRemaining(); ) {
            next += direct.write(blocks, next);
        }
        return null;
    }

    @Override
    public boolean isOpen() {
        return filling != null;
    }

    /**
     * Waits for the write in progress, writes what is gathered and returns the buffers to the pool; the direct channel
     * stays open (it is the caller's).
     */
    @Override
    public void close() throws IOException {
        if (filling == null) {
            return;
        }
        try {
            HashingWriter.await(writing);
            long size = position + filling.position();
            // the last block padded with zeros (not a former upload's bytes), then cut back to the content's size
            while (filling.position() % blockSize != 0) {
                filling.put((byte) 0);
            }
            writeDirectly(filling.flip(), position);
            direct.truncate(size);
        } finally {
            // a write that failed has let go of its buffer too: await returns only once the work has ended
            BUFFERS.offer(filling.clear());
            BUFFERS.offer(spare.clear());
            filling = null;
            spare = null;
            writing = null;
        }
    }
}
