package org.patientdocs.storage;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.FileStore;
import org.h2.mvstore.MVStore;
import org.patientdocs.error.SafeTrace;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The housekeeping H2's own background thread does, for an H2 database in this process that runs without it.
 * <p>
 * With {@code WRITE_DELAY=0} (the default URL's: a commit is on disk when it returns) H2 writes each commit as a chunk
 * of its file and never starts its background writer, which is also what rewrites sparse chunks and drops dead ones
 * between commits. Every small commit (an upload, an audit event) leaves a chunk whose pages later commits mostly
 * replace; without rewriting, the pages still live keep thousands of nearly empty chunks: the file grows for ever and
 * every open reads more chunk metadata. Measured by hand (1 KB uploads at 2 connections, then {@code kill -9}): after
 * 120 s of uploads 39,013 chunks in a 3.8 GB file, a bare open 1.1-1.4 s; with this task, after 40 s of uploads and
 * 90 s idle, 45 chunks and 0.30-0.34 s (22,919 chunks and 0.85-0.93 s without).
 * <p>
 * Every {@value #INTERVAL_MILLIS} ms, while the store has more than {@value #CHUNKS_WORTH_REWRITING} chunks and under
 * {@value #TARGET_FILL_RATE} % of their bytes are live, it rewrites the live pages of the chunks H2 ranks first (sparse
 * and old, and older than its {@code RETENTION_TIME}), at most {@value #SLICE_BYTES} bytes of them, into one new chunk
 * and commits it; and it drops the dead chunks past their retention time (H2 does so only when it writes a commit),
 * committing the layout without them. The file's free space is reused; a clean close (H2's {@code MAX_COMPACT_TIME})
 * shrinks it.
 * <p>
 * It holds H2's store lock while it rewrites, as H2's own thread does: a commit meanwhile waits for one slice. It
 * reaches the store through H2's engine classes ({@code JdbcConnection} → {@code SessionLocal} → {@code MVStore}),
 * public but not H2's documented API, so {@code H2HousekeepingTest} pins what it relies on.
 */
public final class H2Housekeeping implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(H2Housekeeping.class);

    /** H2's own threshold for rewriting ({@code autoCompactFillRate}'s default). */
    static final int TARGET_FILL_RATE = 90;
    /**
     * The live bytes one run rewrites at most. H2's own thread rewrites up to a quarter of its auto-commit buffer
     * (some MiB) several times a second; a MiB held the store lock 12-74 ms a run on the benchmark's million documents.
     */
    static final int SLICE_BYTES = 1024 * 1024;
    static final long INTERVAL_MILLIS = 1_000;
    /** Chunks an open reads in some tens of milliseconds: fewer are left as they are. */
    static final int CHUNKS_WORTH_REWRITING = 500;

    private final MVStore store;
    private final ScheduledExecutorService schedule;

    private H2Housekeeping(MVStore store, ScheduledExecutorService schedule) {
        this.store = store;
        this.schedule = schedule;
    }

    /**
     * Starts the housekeeping of the database behind {@code dataSource} when it is an H2 database in this process
     * whose background writer is off; null for any other database (PostgreSQL, H2 over TCP, H2 with a write delay,
     * whose own thread does it).
     *
     * @throws SQLException when no connection can be had to find out
     */
    public static H2Housekeeping start(DataSource dataSource) throws SQLException {
        MVStore store = localStoreWithoutWriter(dataSource);
        if (store == null) {
            return null;
        }
        ScheduledExecutorService schedule = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "h2-housekeeping");
            thread.setDaemon(true);
            return thread;
        });
        H2Housekeeping housekeeping = new H2Housekeeping(store, schedule);
        schedule.scheduleWithFixedDelay(housekeeping::runQuietly, INTERVAL_MILLIS, INTERVAL_MILLIS,
                TimeUnit.MILLISECONDS);
        return housekeeping;
    }

    /** The store of an H2 database in this process that writes each commit at once, or null. */
    static MVStore localStoreWithoutWriter(DataSource dataSource) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            if (!connection.isWrapperFor(JdbcConnection.class)
                    || !(connection.unwrap(JdbcConnection.class).getSession() instanceof SessionLocal session)) {
                return null;
            }
            MVStore store = session.getDatabase().getStore().getMvStore();
            return store.getFileStore() == null || store.getAutoCommitDelay() > 0 ? null : store;
        }
    }

    /**
     * One run: rewrites one slice if the store has more than {@code chunksWorthRewriting} chunks and they are
     * sparse enough, and drops the dead chunks past their retention time; what it changed is committed.
     *
     * @return whether it rewrote anything
     */
    static boolean run(MVStore store, int chunksWorthRewriting) {
        if (store.isClosed()) {
            return false;
        }
        FileStore<?> file = store.getFileStore();
        boolean rewritten = false;
        // a rewrite's own commit leaves a chunk that the next commit makes sparse: below a few hundred chunks
        // (a few milliseconds of an open) rewriting would go on for ever on an idle store, and gain nothing
        if (chunkCount(file) > chunksWorthRewriting && store.compact(TARGET_FILL_RATE, SLICE_BYTES)) {
            // the rewritten pages are changes of the store's own, which only a commit writes (now, not with the
            // next request's commit); H2 counts the chunks they came from as dead once that commit is written
            commitChanges(store);
            rewritten = true;
        }
        // H2 drops the dead chunks past their retention time only when it writes a commit: dropped now, and the
        // layout without them written, so that the next open (even after kill -9) need not read them. The chunk of
        // this task's own last commit dies with the next, and is not worth another: an idle store stays unwritten.
        int chunks = chunkCount(file);
        store.executeFilestoreOperation(file::dropUnusedChunks);
        if (chunkCount(file) < chunks - 1) {
            commitChanges(store);
        }
        return rewritten;
    }

    private static void commitChanges(MVStore store) {
        if (store.hasUnsavedChanges()) {
            store.commit();
        }
    }

    /** The chunks in the store's layout: what its next open reads. */
    static int chunkCount(FileStore<?> file) {
        int[] count = new int[1];
        file.populateInfo((name, value) -> {
            if (name.equals("info.CHUNK_COUNT")) {
                count[0] = Integer.parseInt(value);
            }
        });
        return count[0];
    }

    private void runQuietly() {
        try {
            run(store, CHUNKS_WORTH_REWRITING);
        } catch (RuntimeException e) {
            // the next run tries again; a store that failed is closed, and the next run finds it so
            LOG.warn("H2 housekeeping failed: {}", SafeTrace.describe(e));
        }
    }

    /**
     * Stops the schedule and waits for a run in progress. Never interrupts it: an interrupt during H2's file I/O
     * closes the file's channel, and with it the database.
     */
    @Override
    public void close() throws InterruptedException {
        schedule.shutdown();
        schedule.awaitTermination(1, TimeUnit.MINUTES);
    }
}
