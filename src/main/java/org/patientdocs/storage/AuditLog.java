package org.patientdocs.storage;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import javax.sql.DataSource;

import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;
import org.patientdocs.error.SafeTrace;
import org.patientdocs.error.ServiceException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit trail in the database ({@code audit_event}), appended to and never changed.
 * <p>
 * A read's event is appended to this instance's journal ({@link AuditJournal}) before its answer is sent: a write into
 * the operating system's file cache, as durable as a commit of H2's, without waiting for the database. One writer
 * thread moves what the journal holds into {@code audit_event}, many events in one transaction: when a batch's most
 * events or bytes are waiting, a while after the first of them arrived (as {@link Batching} says), or at once when
 * someone reads the trail ({@link #awaitWritten}). The same transaction records up to where the journal has been
 * moved (its {@code audit_journal} row), so that the events a killed process left in its journal are moved at the
 * next start, each once. While the database refuses the events (the writer tries again every {@value #RETRY_MILLIS}
 * ms, and at once for a request that arrives meanwhile), or when more than {@value #MAX_BACKLOG_BYTES} bytes of events
 * wait, requests are refused (503) rather than served with an audit trail that lags without bound; what the journal
 * holds stays there until it can be moved.
 * <p>
 * Changes write their events in their own transaction, just before it commits ({@link Transactions#beforeCommit}),
 * into {@code audit_pending}, after the reads journaled before them are moved, so that the trail keeps the order things
 * happened in; the writer gives them their places in the chain with its next batch, before the journal's events
 * ({@link AuditTable#move}), and looks for those other instances wrote every {@value #POLL_MILLIS} ms. While the
 * database refuses events, changes are refused too.
 */
public final class AuditLog implements AuditTrail, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AuditLog.class);
    /**
     * How the writer batches the journal's events.
     *
     * @param maxEvents  the most events one transaction moves; more wait for the next
     * @param maxBytes   the most bytes of journaled events one transaction moves (at least one event): a batch this
     *                   large is moved at once. Well under {@value #MAX_BACKLOG_BYTES}, the backlog beyond which reads
     *                   are refused: a read of a thousand documents is an event of some 30 KB, and with batches
     *                   bounded by count and time only, 2 connections reading a patient's 932 documents filled the
     *                   backlog within a second
     * @param moveMillis how long an event waits in the journal, at most, before the writer moves it (unless a batch
     *                   fills first)
     */
    public record Batching(int maxEvents, long maxBytes, long moveMillis) {

        /**
         * For a database other processes read too (PostgreSQL): another instance's reader of the trail cannot have
         * this one's writer move first, so it sees an event once the writer has moved it, within 50 ms.
         */
        public static final Batching SHARED = new Batching(1_000, 2L * 1024 * 1024, 50);

        /**
         * For an H2 database in this process, whose trail only this process reads: every reader of the trail, and a
         * backup, has the writer move everything first ({@link #awaitWritten}), so no one waits for a move. Each
         * move's commit leaves a chunk in H2's file that stays full (the trail's rows never change), so the
         * housekeeping does not merge it and every start reads it. Measured by hand, 60 s of audited reads at 2
         * connections: with {@link #SHARED}'s batches (6,044 reads a second) 850 chunks were left, about 14 a
         * second; with these, 72 and 119 in two runs (6,592 and 6,386 a second), most of them 1 to 16 MB.
         */
        public static final Batching IN_PROCESS = new Batching(10_000, 2L * 1024 * 1024, 1_000);
    }

    /** How often the writer looks for changes' events in the database when nothing else makes it. */
    static final long POLL_MILLIS = 1000;
    /** How long the writer waits after the database refused a batch before it tries again. */
    static final long RETRY_MILLIS = 1000;
    /**
     * The most bytes of journaled events not yet moved (they are held in memory too, at about twice their size);
     * beyond it reads are refused until the writer catches up.
     */
    static final long MAX_BACKLOG_BYTES = 16L * 1024 * 1024;
    /** How long a reader of the trail, or a stop, waits for the events before them to be moved. */
    private static final long WAIT_SECONDS = 30;
    static final String UNAVAILABLE = "The audit trail cannot be written, so the request was not served;"
            + " try again shortly";

    private final Batching batching;
    private final AuditTable table;
    private final Transactions transactions;
    private final AuditJournal journal;
    /** The key of this journal's row in {@code audit_journal}. */
    private final long journalId;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition queued = lock.newCondition();
    private final Condition moved = lock.newCondition();
    /** The events journaled and not yet moved, in the journal's order; guarded by {@code lock}, as all below. */
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    /** When the oldest event queued, or change committed, that is not moved yet arrived. */
    private long waitingSince;
    /** Whether a change committed since the writer last looked for changes' events waiting in the database. */
    private boolean changesWaiting;
    /** When the writer looks for changes' events again (another instance's, say) if nothing else makes it. */
    private long nextPoll;
    private long backlogBytes;
    /** The bytes of the events in {@code queue}: the journaled events no batch has taken yet. */
    private long queuedBytes;
    /** How many events have been journaled, and how many of them moved (always the first ones). */
    private long journaled;
    private long written;
    /** The writer moves at once until this many are written: someone reads the trail, or a change waits. */
    private long wanted;
    /** The passes over the changes' events readers of the trail asked for, and the last one done. */
    private long passesWanted;
    private long passesDone;
    /** How many batches the writer has tried to move. */
    private long attempts;
    /** While the database refuses the events: then reads are refused, and the writer tries again at the time set. */
    private boolean failing;
    private long retryAt;
    /** Up to where the journal has been moved. */
    private AuditJournal.Mark movedUpTo;
    private boolean closed;
    private final Thread writer;
    /** Each batch's write, in the global registry the service's metrics join (looked up once, not per batch). */
    private final Timer flushes = Metrics.timer("patientdocs.audit.flush");

    /**
     * Opens this instance's journal under {@code journalRoot} and moves into the database whatever it, and the
     * journals of instances that are not running, hold from before (a process that was killed); then starts the
     * writer.
     *
     * @param dataSource   connections for the writer, apart from the requests' pool
     * @param transactions the transactions changes record their events in
     * @param journalRoot  where the journals live ({@code <data.dir>/audit-journal})
     * @param batching     how many events the writer moves at once, and how soon
     * @throws IOException  when the journal cannot be opened or read
     * @throws SQLException when the events it holds cannot be moved: the service must not start without its trail
     */
    public AuditLog(DataSource dataSource, Transactions transactions, Path journalRoot, Batching batching)
            throws IOException, SQLException {
        this.batching = batching;
        this.table = new AuditTable(dataSource);
        this.transactions = transactions;
        this.journal = AuditJournal.open(journalRoot);
        try {
            this.journalId = journal.id();
            this.movedUpTo = moveLeftovers(journal, journalId);
            for (AuditJournal left : AuditJournal.unheld(journalRoot)) {
                try (left) {
                    moveLeftovers(left, left.id());
                }
            }
            while (table.move(List.of(), journalId, null, true)) {
                // the changes' events a stopped process left, a batch at a time
            }
            this.nextPoll = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(POLL_MILLIS);
        } catch (IOException | SQLException | RuntimeException e) {
            table.close();
            journal.close();
            throw e;
        }
        this.writer = new Thread(this::run, "audit-writer");
        writer.setDaemon(true);
        writer.start();
    }

    /** Moves what the journal holds after its row's mark, in batches; returns the mark after the last. */
    private AuditJournal.Mark moveLeftovers(AuditJournal left, long id) throws IOException, SQLException {
        AuditJournal.Mark from = table.mark(id);
        AuditJournal.Mark[] upTo = {from};
        int unreadable = left.replay(from, batching.maxEvents(), (events, mark) -> {
            table.move(events, id, mark, false);
            upTo[0] = mark;
        });
        if (unreadable > 0) {
            LOG.error("{}: {} line(s) could not be read as audit events (a write the machine did not finish, or"
                    + " damage); kept aside in *.journal.damaged", left, unreadable);
        }
        return upTo[0];
    }


    @Override
    public Receipt record(AuditEvent event) {
        byte[] line = AuditJournal.encode(event);
        lock.lock();
        try {
            if (closed || (failing && !takenAgain()) || backlogBytes + line.length > MAX_BACKLOG_BYTES) {
                return refused(null);
            }
            AuditJournal.Mark mark = journal.append(line);
            if (queue.isEmpty() && !changesWaiting) {
                waitingSince = System.nanoTime();
                queued.signal();
            }
            queue.add(new Pending(event, mark, line.length));
            backlogBytes += line.length;
            queuedBytes += line.length;
            journaled++;
            if (fullBatchQueued()) {
                queued.signal();
            }
            return Receipt.RECORDED;
        } catch (IOException e) {
            LOG.error("an audit event could not be written to the journal: {}", SafeTrace.describe(e));
            return refused(e);
        } finally {
            lock.unlock();
        }
    }

    private static Receipt refused(Exception cause) {
        return () -> {
            throw new ServiceException.ServiceUnavailable(UNAVAILABLE, cause);
        };
    }

    /**
     * Has the writer move everything journaled so far, and the changes' events waiting in the database, at once
     * (trying again at once when the database refused the last batch), and waits for it.
     */
    @Override
    public void awaitWritten() {
        await(true);
    }

    /**
     * Waits until the events journaled so far are moved, and with {@code changes} also those of changes committed so
     * far; when nothing is to be moved and the database takes events, returns at once.
     *
     * @throws ServiceException.ServiceUnavailable when the database refuses them (it is tried again at once first)
     */
    private void await(boolean changes) {
        lock.lock();
        try {
            long target = journaled;
            if (!changes && written == target && !failing) {
                return;
            }
            if (failing && !takenAgain()) {
                throw new ServiceException.ServiceUnavailable(UNAVAILABLE, null);
            }
            wanted = Math.max(wanted, target);
            long pass = changes ? ++passesWanted : passesDone;
            queued.signal();
            long left = TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
            while (written < target || passesDone < pass) {
                if (failing || closed || left <= 0) {
                    throw new ServiceException.ServiceUnavailable(UNAVAILABLE, null);
                }
                left = moved.awaitNanos(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ServiceException.ServiceUnavailable(UNAVAILABLE, e);
        } finally {
            lock.unlock();
        }
    }

    /**
     * While the database refuses events: has the writer try again now rather than at its next retry, and waits for
     * that attempt (shared by everyone waiting meanwhile); whether the database takes events again. With the lock held.
     */
    private boolean takenAgain() {
        retryAt = System.nanoTime();
        long attemptsBefore = attempts;
        queued.signal();
        long left = TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        try {
            while (attempts == attemptsBefore && !closed && left > 0) {
                left = moved.awaitNanos(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        return !failing;
    }

    /**
     * Writes the event in the change's transaction, without taking the tenant's chain row: the writer gives it its
     * place in the chain shortly after the commit ({@link AuditTable#move}). The reads journaled before are moved
     * first, so that the trail keeps the order things happened in; while the database refuses events, the change is
     * refused (503).
     */
    @Override
    public void recordWithChange(AuditEvent event) {
        await(false);
        transactions.beforeCommit(connection -> {
            try {
                AuditTable.recordChange(connection, event);
            } catch (SQLException e) {
                LOG.error("the audit event of a change could not be written: {}", SafeTrace.describe(e));
                throw new ServiceException.ServiceUnavailable(UNAVAILABLE, e);
            }
        });
        transactions.afterCommit(this::changeCommitted);
    }

    /** A change's event waits in the database: the writer moves it with the next batch, at the latest when due. */
    private void changeCommitted() {
        lock.lock();
        try {
            if (queue.isEmpty() && !changesWaiting) {
                waitingSince = System.nanoTime();
            }
            changesWaiting = true;
            queued.signal();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Moves what is journaled and the changes' events, batch after batch, until closed and drained, or closed while
     * the database refuses them (they then stay in the journal and in the database).
     */
    private void run() {
        while (true) {
            Batch batch = next();
            if (batch == null) {
                break;
            }
            List<Pending> events = batch.events();
            Boolean more = flushes.record(() -> write(batch));
            lock.lock();
            try {
                attempts++;
                if (more != null) {
                    written += events.size();
                    backlogBytes -= events.stream().mapToLong(Pending::bytes).sum();
                    failing = false;
                    if (!events.isEmpty()) {
                        movedUpTo = events.get(events.size() - 1).mark();
                    }
                    passesDone = Math.max(passesDone, batch.pass());
                    changesWaiting |= more;
                } else {
                    for (int i = events.size() - 1; i >= 0; i--) {
                        queue.addFirst(events.get(i));
                        queuedBytes += events.get(i).bytes();
                    }
                    changesWaiting |= batch.withChanges();
                    failing = true;
                    retryAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(RETRY_MILLIS);
                }
                moved.signalAll();
            } finally {
                lock.unlock();
            }
            if (more != null && !events.isEmpty()) {
                try {
                    journal.moved(events.get(events.size() - 1).mark());
                } catch (IOException e) {
                    LOG.warn("{}: a file whose events are all moved could not be deleted: {}", journal,
                            SafeTrace.describe(e));
                }
            }
        }
        table.close();
    }

    /** The next batch to move, once it is due; null when closed and nothing more can be moved. */
    private Batch next() {
        lock.lock();
        try {
            while (true) {
                boolean work = !queue.isEmpty() || changesWaiting;
                if (closed && (!work || failing)) {
                    return null;
                }
                long now = System.nanoTime();
                boolean asked = written < wanted || passesDone < passesWanted;
                boolean poll = now - nextPoll >= 0;
                long due = failing ? retryAt
                        : closed || asked || fullBatchQueued() || (!work && poll) ? now
                        : work ? waitingSince + TimeUnit.MILLISECONDS.toNanos(batching.moveMillis())
                        : nextPoll;
                if (due - now > 0) {
                    queued.awaitNanos(due - now);
                    continue;
                }
                List<Pending> events = new ArrayList<>(Math.min(queue.size(), batching.maxEvents()));
                long bytes = 0;
                while (!queue.isEmpty() && events.size() < batching.maxEvents()
                        && (events.isEmpty() || bytes + queue.peek().bytes() <= batching.maxBytes())) {
                    Pending event = queue.poll();
                    events.add(event);
                    bytes += event.bytes();
                }
                queuedBytes -= bytes;
                boolean withChanges = changesWaiting || asked || poll;
                changesWaiting = false;
                waitingSince = now;
                nextPoll = now + TimeUnit.MILLISECONDS.toNanos(POLL_MILLIS);
                return new Batch(events, withChanges, passesWanted);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } finally {
            lock.unlock();
        }
    }

    /** Whether a batch's most events or bytes wait in the queue: then the writer moves them at once. */
    private boolean fullBatchQueued() {
        return queue.size() >= batching.maxEvents() || queuedBytes >= batching.maxBytes();
    }

    /**
     * Moves the batch into the database: whether changes' events were left for another batch, or null when the
     * database refused it (logged), and the batch is to be tried again.
     */
    private Boolean write(Batch batch) {
        List<Pending> events = batch.events();
        try {
            return table.move(events.stream().map(Pending::event).toList(), journalId,
                    events.isEmpty() ? null : events.get(events.size() - 1).mark(), batch.withChanges());
        } catch (SQLException | RuntimeException e) {
            LOG.error("{} audit events could not be written: {}", events.size(), SafeTrace.describe(e));
            return null;
        }
    }

    /**
     * What the writer moves in one transaction: events of the journal, and with {@code withChanges} the changes'
     * events waiting in the database; {@code pass} is the last pass someone reading the trail asked for before it.
     */
    private record Batch(List<Pending> events, boolean withChanges, long pass) {
    }

    /**
     * Moves what is journaled, then stops; events recorded later are refused. What cannot be moved (the database
     * refuses it, or the writer does not finish in time) stays in the journal for the next start.
     */
    @Override
    public void close() throws InterruptedException, IOException {
        lock.lock();
        try {
            closed = true;
            queued.signal();
        } finally {
            lock.unlock();
        }
        writer.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
        lock.lock();
        try {
            journal.close(writer.isAlive() ? null : movedUpTo);
        } finally {
            lock.unlock();
        }
    }

    /** An event in the journal, waiting for the writer to move it: its mark is the journal's after it. */
    private record Pending(AuditEvent event, AuditJournal.Mark mark, long bytes) {
    }



}
