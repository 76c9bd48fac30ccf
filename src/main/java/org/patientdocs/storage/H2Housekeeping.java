package org.patientdocs.storage;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.Callable;
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
 * Every {@value #INTERVAL_MILLIS} ms, while the store has more than {@value #CHUNKS_WORTH_REWRITING} chunks, it
 * rewrites the live pages of sparse chunks (at most {@value #SPARSE_FILL_RATE} % of their bytes live, older than H2's
 * {@code RETENTION_TIME}; the sparsest and oldest first), at most {@value #SLICE_BYTES} bytes of them, into one new
 * chunk and commits it; and it drops the dead chunks past their retention time (H2 does so only when it writes a
 * commit), committing the layout without them. The file's free space is reused; a clean close (H2's
 * {@code MAX_COMPACT_TIME}) shrinks it.
 * <p>
 * It holds H2's store lock while it rewrites, as H2's own thread does: a commit meanwhile waits for one slice. It
 * reaches the store through H2's engine classes ({@code JdbcConnection} → {@code SessionLocal} → {@code MVStore}),
 * public but not H2's documented API, and rewrites through two methods of H2's that are not public at all
 * ({@code REWRITE_CHUNKS}): {@code H2HousekeepingTest} pins what it relies on, and fails on an H2 without them.
 * <p>
 * The chunks of the last {@code RETENTION_TIME} cannot be rewritten while the service runs, and a stop right after a
 * burst of uploads leaves thousands of them, most with a page or two still live: H2's own compaction at its close
 * ranks old, full chunks first and leaves them. So {@link #close} ends with a pass of its own ({@link #settle}).
 */
public final class H2Housekeeping implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(H2Housekeeping.class);

    /** The chunks rewritten are at most this full (in percent of their bytes): rewriting frees at least half. */
    static final int SPARSE_FILL_RATE = 50;
    /**
     * The live bytes one run rewrites at most. H2's own thread rewrites up to a quarter of its auto-commit buffer
     * (some MiB) several times a second; a MiB held the store lock 12-74 ms a run on the benchmark's million documents.
     */
    static final int SLICE_BYTES = 1024 * 1024;
    static final long INTERVAL_MILLIS = 1_000;
    /** Chunks an open reads in some tens of milliseconds: fewer are left as they are. */
    static final int CHUNKS_WORTH_REWRITING = 500;
    /** The live bytes one step of {@link #settle} rewrites at most: H2's own compaction at its close writes as much. */
    static final int SETTLE_SLICE_BYTES = 16 * 1024 * 1024;
    /** The longest a clean stop spends on {@link #settle}. */
    static final long SETTLE_MILLIS = 5_000;

    /**
     * H2's own way to rewrite the chunks at most so full, sparsest and oldest first: what its background writer does
     * ({@code FileStore.rewriteChunks(writeLimit, targetFillRate)}, protected), under the store's lock as there
     * ({@code MVStore.tryExecuteUnderStoreLock}, package-private). The public {@code MVStore.compact} passes 100 % as
     * the bound, which ranks the old, full chunks of a large table before the sparse ones a burst left.
     */
    private static final Method REWRITE_CHUNKS = h2Method(FileStore.class, "rewriteChunks", int.class, int.class);
    private static final Method UNDER_STORE_LOCK = h2Method(MVStore.class, "tryExecuteUnderStoreLock",
            Callable.class);

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
        if (chunkCount(file) > chunksWorthRewriting && rewriteSparse(store, file, SLICE_BYTES)) {
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

    /** The chunks in the store's layout: what its next open reads (the benchmark prints it too). */
    public static int chunkCount(FileStore<?> file) {
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
     * Stops the schedule and waits for a run in progress, then {@linkplain #settle settles} the store for at most
     * {@value #SETTLE_MILLIS} ms. Never interrupts a run: an interrupt during H2's file I/O closes the file's channel,
     * and with it the database. Call it once nothing else writes to the database: a clean stop, before the last
     * connection closes.
     */
    @Override
    public void close() throws InterruptedException {
        schedule.shutdown();
        schedule.awaitTermination(1, TimeUnit.MINUTES);
        try {
            settle(store, SETTLE_MILLIS, CHUNKS_WORTH_REWRITING);
        } catch (RuntimeException e) {
            // the next start reads more chunks, and the housekeeping rewrites them then
            LOG.warn("H2 housekeeping at the stop failed: {}", SafeTrace.describe(e));
        }
    }

    /**
     * Rewrites the sparse chunks (at most {@value #SPARSE_FILL_RATE} % live) however young, while the store has more
     * than {@code chunksWorthRewriting} chunks and some are sparse, for at most {@code budgetMillis}; then drops the
     * dead chunks. Returns how many steps rewrote something. Measured by hand on the benchmark's million documents
     * after 30 s of uploads at 2 connections (12,442 chunks when the stop began): 5 steps in 3.1 s (the first, 1.2 s,
     * mostly the disk taking what the uploads left in the file cache), 435 chunks left, as many as after the load.
     * <p>
     * H2 keeps a chunk {@code RETENTION_TIME} after it is written because it does not force its file to the disk at a
     * commit: a chunk whose space is reused before the disk has the commits that replaced it could be what a power cut
     * leaves. Here the file is forced to the disk first, and again before each commit that may reuse space, so no
     * chunk needs its retention time, and it is set to 0 meanwhile: what H2's own compaction at its close does.
     * Nothing else may write meanwhile.
     */
    static int settle(MVStore store, long budgetMillis, int chunksWorthRewriting) {
        if (store.isClosed()) {
            return 0;
        }
        long deadline = System.nanoTime() + budgetMillis * 1_000_000;
        FileStore<?> file = store.getFileStore();
        int retention = store.getRetentionTime();
        // every chunk written so far is on the disk: none of them needs its retention time any more
        store.sync();
        store.setRetentionTime(0);
        int steps = 0;
        try {
            // as while running: below a few hundred chunks, a rewrite's own chunk is the next one's sparse chunk
            while (chunkCount(file) > chunksWorthRewriting && System.nanoTime() - deadline < 0
                    && rewriteSparse(store, file, SETTLE_SLICE_BYTES)) {
                steps++;
                // the commits before are on the disk before this one frees their chunks and may reuse the space
                store.sync();
                commitChanges(store);
            }
            // the chunks the last rewrite emptied (or that died since the last commit), dropped and the layout
            // without them written
            store.sync();
            store.executeFilestoreOperation(file::dropUnusedChunks);
            commitChanges(store);
        } finally {
            store.setRetentionTime(retention);
        }
        return steps;
    }

    /**
     * Rewrites the live pages of the sparse chunks H2 ranks first, at most {@code bytes} of them, into the store's next
     * commit; false when none is sparse enough (or rewritable yet), or the store's lock was not free within 10 ms.
     */
    private static boolean rewriteSparse(MVStore store, FileStore<?> file, int bytes) {
        if (REWRITE_CHUNKS == null || UNDER_STORE_LOCK == null) {
            return false;
        }
        Callable<Boolean> rewrite = () -> (Boolean) REWRITE_CHUNKS.invoke(file, bytes, SPARSE_FILL_RATE);
        try {
            return Boolean.TRUE.equals(UNDER_STORE_LOCK.invoke(store, rewrite));
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("H2's chunk rewriting cannot be called", e);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            throw new IllegalStateException("H2's chunk rewriting failed", e.getCause());
        }
    }

    /** A method of H2's that is not public, made callable; null (and logged) when this H2 has no such method. */
    private static Method h2Method(Class<?> owner, String name, Class<?>... parameters) {
        try {
            Method method = owner.getDeclaredMethod(name, parameters);
            method.setAccessible(true);
            return method;
        } catch (NoSuchMethodException | RuntimeException e) {
            LOG.warn("this H2 has no {}.{}: a stop leaves its sparse chunks to the next start's housekeeping",
                    owner.getSimpleName(), name);
            return null;
        }
    }
}
