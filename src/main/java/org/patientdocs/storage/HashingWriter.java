package org.patientdocs.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.security.MessageDigest;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Hashes the chunks of an upload on the request's thread and writes them to its file on a worker thread, so that
 * writing a chunk overlaps receiving and hashing the next one: with the file written past the page cache
 * ({@link DirectFileWrites}) the worker mostly waits for the disk, and receiving and hashing together take about as
 * long. At most one chunk is in the worker's hands at a time, so an upload holds two chunk buffers.
 * Chunks are hashed and written in the order given. When the file must become durable, the written data is also
 * flushed to disk in the background every few MiB, so that the final fsync waits only for the last of it.
 * One instance serves one upload; use it from one thread.
 */
final class HashingWriter {

    private static final AtomicInteger THREADS = new AtomicInteger();
    /** Idle workers end after a minute; there are never more than uploads in progress. */
    private static final ExecutorService WORKERS = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "upload-writer-" + THREADS.incrementAndGet());
        thread.setDaemon(true);
        return thread;
    });

    /** Written bytes that start a background flush, when none is running. */
    private static final long FLUSH_EVERY = 4L << 20;

    private final FileChannel channel;
    /** Where the chunks go: the file, or a channel encrypting into it. */
    private final WritableByteChannel sink;
    private final boolean flushAhead;
    private final MessageDigest digest = ContentSpool.sha256();
    private Future<?> inFlight;
    /** Touched only by the thread writing a chunk: chunks are written one after another, never at once. */
    private long unflushed;
    private volatile Future<?> flushing;

    /**
     * @param sink       the channel the chunks are written to: {@code channel} itself, or one writing past the page
     *                   cache ({@link DirectFileWrites}) or encoding into the file, which {@link #finish} closes
     * @param flushAhead whether to flush written data to disk in the background as it accumulates
     */
    HashingWriter(FileChannel channel, WritableByteChannel sink, boolean flushAhead) {
        this.channel = channel;
        this.sink = sink;
        this.flushAhead = flushAhead;
    }

    /**
     * Hands a chunk to the worker once the previous one is written. The caller must not touch {@code chunk} until
     * the next call of this method or {@link #finish} has returned.
     *
     * @throws IOException when writing an earlier chunk failed
     */
    void write(byte[] chunk, int length) throws IOException {
        // hashed here while the worker still writes the previous chunk: the disk's wait then overlaps the hashing
        digest.update(chunk, 0, length);
        awaitInFlight();
        inFlight = WORKERS.submit(() -> {
            writeChunk(chunk, length);
            return null;
        });
    }

    /**
     * Writes the last chunk on the calling thread once the previous one is written (a small upload never waits for
     * a worker), and returns the SHA-256 of everything written. A sink of its own is closed: it writes what it holds.
     */
    byte[] finish(byte[] lastChunk, int length) throws IOException {
        digest.update(lastChunk, 0, length);
        awaitInFlight();
        writeChunk(lastChunk, length);
        await(flushing);
        if (sink != channel) {
            sink.close();
        }
        return digest.digest();
    }

    /**
     * Waits for the worker and the flush to let go of the file, ignoring how they ended, and closes a sink of its own
     * (which lets go of its buffers): the upload is being dropped for another failure, which {@code failure} is;
     * theirs are added to it.
     */
    void abandon(Throwable failure) {
        Future<?> chunk = inFlight;
        inFlight = null;
        for (Future<?> task : new Future<?>[] {chunk, flushing}) {
            try {
                await(task);
            } catch (IOException | RuntimeException | Error e) {
                if (e != failure) {
                    failure.addSuppressed(e);
                }
            }
        }
        if (sink != channel) {
            try {
                sink.close();
            } catch (IOException | RuntimeException e) {
                failure.addSuppressed(e);
            }
        }
    }

    private void writeChunk(byte[] chunk, int length) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(chunk, 0, length);
        while (bytes.hasRemaining()) {
            sink.write(bytes);
        }
        unflushed += length;
        if (flushAhead && unflushed >= FLUSH_EVERY && (flushing == null || flushing.isDone())) {
            // a flush that failed fails the upload: the final fsync might succeed over pages the kernel dropped
            await(flushing);
            unflushed = 0;
            flushing = WORKERS.submit(() -> {
                channel.force(false);
                return null;
            });
        }
    }

    private void awaitInFlight() throws IOException {
        Future<?> waiting = inFlight;
        inFlight = null;
        await(waiting);
    }

    /** Runs an upload's file work on a worker thread (a new one when none is idle: the work never queues). */
    static Future<?> inBackground(Callable<?> work) {
        return WORKERS.submit(work);
    }

    /**
     * Waits for work handed to {@link #inBackground}, rethrowing what it threw; an interrupt waits all the same (the
     * work still holds its buffer and the file) and is kept for the caller.
     */
    static void await(Future<?> waiting) throws IOException {
        if (waiting == null) {
            return;
        }
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    waiting.get();
                    return;
                } catch (InterruptedException e) {
                    // the worker still holds the chunk and the file: wait for it all the same
                    interrupted = true;
                }
            }
        } catch (ExecutionException e) {
            // the task throws nothing but what writeChunk does
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw (RuntimeException) cause;
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
