package org.patientdocs.storage;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import javax.sql.DataSource;

import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;
import org.patientdocs.error.SafeTrace;
import org.patientdocs.error.ServiceException;
import org.patientdocs.query.Dialect;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit trail in the database ({@code audit_event}), appended to and never changed.
 * <p>
 * Reads are written by group commit: a request queues its event, and waits for it before its answer leaves; one writer
 * thread takes everything queued and writes it in one transaction, and while that commits the next events queue for
 * the following one. A request waits for one commit, shared by all the requests that arrived meanwhile, instead of
 * paying a commit of its own.
 * Changes write their events in their own transaction, just before it commits ({@link Transactions#beforeCommit}).
 * <p>
 * Each tenant's events form one chain ({@link AuditChain}) however many instances write to the database: an append
 * locks the tenant's {@code audit_chain} row ({@code SELECT … FOR UPDATE}), numbers its events after the position
 * that row holds, and moves the row to its last event, all in the transaction that inserts the events. Appends of one
 * tenant therefore follow one another, each seeing the last one's commit, and the primary key (tenant, position)
 * would refuse a second event at any position. Tenants are locked in one order, so appends cannot deadlock.
 * <p>
 * Writes use connections of their own ({@code dataSource}, apart from the requests' pool), so that requests holding
 * pooled connections in a transaction cannot keep the writer from the connection it needs to let them go on. The
 * writer keeps its connection and statements from one batch to the next ({@link Session}): a batch is then the
 * statements' executions and one commit, not also a pool checkout and a parse of each statement.
 */
public final class AuditLog implements AuditTrail, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AuditLog.class);
    /** The most events one commit writes; more wait for the next. */
    static final int MAX_BATCH = 512;
    /** How long a request waits for its event to be durable before it is refused. */
    private static final long WAIT_SECONDS = 30;
    /** How long the writer keeps one connection before it hands it back, for the pool to retire when it is old. */
    private static final long SESSION_NANOS = TimeUnit.MINUTES.toNanos(5);
    private static final String UNAVAILABLE = "The audit trail cannot be written, so the request was not served;"
            + " try again shortly";

    private static final String CHAIN_EXISTS = "SELECT 1 FROM audit_chain WHERE tenant_id = ?";
    private static final String START_CHAIN = "INSERT INTO audit_chain (tenant_id, id, chain) VALUES (?, 0, ?)";
    private static final String LOCK_CHAIN = "SELECT id, chain FROM audit_chain WHERE tenant_id = ? FOR UPDATE";
    private static final String ADVANCE_CHAIN = "UPDATE audit_chain SET id = ?, chain = ? WHERE tenant_id = ?";
    /** H2: the chain row moved from the head this writer knows, which locks it until the events are inserted. */
    private static final String ADVANCE_FROM_HEAD = ADVANCE_CHAIN + " AND id = ?";
    static final String COLUMNS = "tenant_id, id, at, subject, api_key_id, action, resource, query, patient_ids,"
            + " document_ids, entity_count, status, request_id, client_address, chain";
    private static final String INSERT = "INSERT INTO audit_event (" + COLUMNS + ")"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    /** PostgreSQL: the chain row moved from the head this writer knows, and the events inserted only if it was. */
    private static final String APPEND_AT_HEAD = "WITH moved AS (UPDATE audit_chain SET id = ?, chain = ?"
            + " WHERE tenant_id = ? AND id = ? RETURNING 1) INSERT INTO audit_event (" + COLUMNS + ") SELECT * FROM"
            + " (VALUES ";
    /** One event's values, typed: a VALUES list does not take its types from the table it is inserted into. */
    private static final String EVENT_VALUES = "(CAST(? AS VARCHAR), CAST(? AS BIGINT), CAST(? AS TIMESTAMPTZ),"
            + " CAST(? AS VARCHAR), CAST(? AS VARCHAR), CAST(? AS VARCHAR), CAST(? AS VARCHAR), CAST(? AS VARCHAR),"
            + " CAST(? AS VARCHAR[]), CAST(? AS VARCHAR[]), CAST(? AS BIGINT), CAST(? AS INTEGER), CAST(? AS VARCHAR),"
            + " CAST(? AS VARCHAR), CAST(? AS VARCHAR))";

    private final DataSource dataSource;
    private final Transactions transactions;
    /** Whether an append can be one statement (PostgreSQL's data-modifying WITH), see {@link #appendAtHead}. */
    private final boolean oneStatementAppends;
    /** Each tenant's chain head as this writer last left it; read and written by the writer thread only. */
    private final Map<String, Head> heads = new HashMap<>();
    /** The writer's connection and statements; writer thread only, null until the first batch and after a failure. */
    private Session session;
    /** The tenants whose chain row is known to exist. */
    private final Set<String> chains = ConcurrentHashMap.newKeySet();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition queued = lock.newCondition();
    private final List<Pending> queue = new ArrayList<>();
    private boolean closed;
    private final Thread writer;
    /** Each batch's write, in the global registry the service's metrics join (looked up once, not per batch). */
    private final Timer flushes = Metrics.timer("patientdocs.audit.flush");

    /**
     * @param dataSource   connections for the writer, apart from the requests' pool
     * @param transactions the transactions changes record their events in
     * @param dialect      the database's, which decides how reads' events are appended
     */
    public AuditLog(DataSource dataSource, Transactions transactions, Dialect dialect) {
        this.dataSource = dataSource;
        this.transactions = transactions;
        this.oneStatementAppends = dialect == Dialect.POSTGRESQL;
        this.writer = new Thread(this::run, "audit-writer");
        writer.setDaemon(true);
        writer.start();
    }

    @Override
    public Receipt record(AuditEvent event) {
        Pending pending = new Pending(event);
        lock.lock();
        try {
            if (closed) {
                throw new ServiceException.ServiceUnavailable(UNAVAILABLE, null);
            }
            queue.add(pending);
            queued.signal();
        } finally {
            lock.unlock();
        }
        return pending;
    }

    @Override
    public void recordWithChange(AuditEvent event) {
        startChain(event.tenant());
        transactions.beforeCommit(connection -> {
            try {
                append(connection, List.of(event));
            } catch (SQLException e) {
                LOG.error("the audit event of a change could not be written: {}", SafeTrace.describe(e));
                throw new ServiceException.ServiceUnavailable(UNAVAILABLE, e);
            }
        });
    }

    /** Writes what is queued, batch after batch, until closed and drained. */
    private void run() {
        while (true) {
            List<Pending> batch;
            lock.lock();
            try {
                while (queue.isEmpty() && !closed) {
                    queued.awaitUninterruptibly();
                }
                if (queue.isEmpty()) {
                    closeSession(null);
                    return;
                }
                List<Pending> taken = queue.subList(0, Math.min(queue.size(), MAX_BATCH));
                batch = new ArrayList<>(taken);
                taken.clear();
            } finally {
                lock.unlock();
            }
            flushes.record(() -> write(batch));
        }
    }

    private void write(List<Pending> batch) {
        try {
            List<AuditEvent> events = batch.stream().map(Pending::event).toList();
            events.stream().map(AuditEvent::tenant).distinct().forEach(this::startChain);
            Session current = session();
            if (oneStatementAppends) {
                for (Map.Entry<String, List<AuditEvent>> tenant : byTenant(events).entrySet()) {
                    appendAtHead(current.connection, tenant.getKey(), tenant.getValue());
                }
            } else {
                appendAtHeads(current, events);
            }
            batch.forEach(Pending::written);
        } catch (SQLException | RuntimeException e) {
            heads.clear();
            closeSession(e);
            LOG.error("{} audit events could not be written: {}", batch.size(), SafeTrace.describe(e));
            batch.forEach(pending -> pending.failed(e));
        }
    }

    /** The writer's session, opened when there is none or the one there is has been kept long enough. */
    private Session session() throws SQLException {
        if (session != null && System.nanoTime() - session.opened > SESSION_NANOS) {
            closeSession(null);
        }
        if (session == null) {
            session = new Session(dataSource.getConnection(), oneStatementAppends);
        }
        return session;
    }

    /** Closes the writer's session, after a failure too: the next batch starts on a connection that works. */
    private void closeSession(Exception failure) {
        if (session == null) {
            return;
        }
        try {
            session.close();
        } catch (SQLException e) {
            if (failure != null) {
                failure.addSuppressed(e);
            }
        }
        session = null;
    }

    /**
     * Appends the events where this writer last left each tenant's chain, all in one transaction, so one commit: the
     * chain rows move only from the heads this writer knows, which locks them until the events are inserted. When one
     * has moved since (a change appends in its own transaction) or its head is not known yet, nothing of this is
     * kept, and the events are appended under the rows' locks instead, in the same transaction, learning the heads.
     */
    private void appendAtHeads(Session current, List<AuditEvent> events) throws SQLException {
        Connection connection = current.connection;
        Map<String, List<AuditEvent>> byTenant = byTenant(events);
        Map<String, Head> moved = inTransaction(connection, () -> {
            Map<String, Head> atKnownHeads = heads.keySet().containsAll(byTenant.keySet())
                    ? appendAtKnownHeads(current, byTenant) : null;
            return atKnownHeads != null ? atKnownHeads : append(connection, events);
        });
        heads.putAll(moved);
    }

    /**
     * The new heads, or null when a chain row has moved from its known head: then nothing of this is kept (rolled
     * back), and the transaction goes on from scratch.
     */
    private Map<String, Head> appendAtKnownHeads(Session current, Map<String, List<AuditEvent>> byTenant)
            throws SQLException {
        Map<String, Head> advanced = new HashMap<>();
        for (Map.Entry<String, List<AuditEvent>> tenant : byTenant.entrySet()) {
            Head head = heads.get(tenant.getKey());
            long position = head.position();
            String chain = head.chain();
            for (AuditEvent event : tenant.getValue()) {
                position++;
                chain = AuditChain.next(chain, position, event);
                bind(current.connection, current.insert, 1, position, chain, event);
                current.insert.addBatch();
            }
            current.advance.setLong(1, position);
            current.advance.setString(2, chain);
            current.advance.setString(3, tenant.getKey());
            current.advance.setLong(4, head.position());
            if (current.advance.executeUpdate() != 1) {
                current.insert.clearBatch();
                current.connection.rollback();
                return null;
            }
            advanced.put(tenant.getKey(), new Head(position, chain));
        }
        current.insert.executeBatch();
        return advanced;
    }

    /**
     * Appends one tenant's events where this writer last left its chain, in one statement that is its own
     * transaction: one round trip and one commit, where the locked append takes four round trips. The statement moves
     * the tenant's {@code audit_chain} row only if it still holds that head, and inserts the events only if it did.
     * When another writer appended since (another instance, or a change, which appends in its own transaction), or the
     * head is not known yet, the events are appended under the row lock instead, and the head learnt from that.
     */
    private void appendAtHead(Connection connection, String tenant, List<AuditEvent> events) throws SQLException {
        connection.setAutoCommit(true);
        Head head = heads.get(tenant);
        if (head != null) {
            StringBuilder sql = new StringBuilder(APPEND_AT_HEAD);
            for (int i = 0; i < events.size(); i++) {
                sql.append(i == 0 ? "" : ", ").append(EVENT_VALUES);
            }
            sql.append(") AS e (").append(COLUMNS).append(") WHERE EXISTS (SELECT 1 FROM moved)");
            try (PreparedStatement append = connection.prepareStatement(sql.toString())) {
                long position = head.position();
                String chain = head.chain();
                int parameter = 5;
                for (AuditEvent event : events) {
                    position++;
                    chain = AuditChain.next(chain, position, event);
                    parameter = bind(connection, append, parameter, position, chain, event);
                }
                append.setLong(1, position);
                append.setString(2, chain);
                append.setString(3, tenant);
                append.setLong(4, head.position());
                if (append.executeUpdate() == events.size()) {
                    heads.put(tenant, new Head(position, chain));
                    return;
                }
            }
        }
        heads.remove(tenant);
        Map<String, Head> moved = inTransaction(connection, () -> append(connection, events));
        heads.putAll(moved);
    }

    private static <T> T inTransaction(Connection connection, SqlWork<T> work) throws SQLException {
        connection.setAutoCommit(false);
        try {
            T result = work.run();
            connection.commit();
            return result;
        } catch (SQLException | RuntimeException e) {
            rollback(connection, e);
            throw e;
        }
    }

    private static Map<String, List<AuditEvent>> byTenant(List<AuditEvent> events) {
        Map<String, List<AuditEvent>> byTenant = new TreeMap<>();
        for (AuditEvent event : events) {
            byTenant.computeIfAbsent(event.tenant(), tenant -> new ArrayList<>()).add(event);
        }
        return byTenant;
    }

    /**
     * Appends the events to their tenants' chains on the connection, in its transaction: each tenant's chain row is
     * locked (tenants in name order), the events numbered after it and inserted, and the row moved to the last one.
     *
     * @return each tenant's new chain head
     */
    static Map<String, Head> append(Connection connection, List<AuditEvent> events) throws SQLException {
        Map<String, List<AuditEvent>> byTenant = byTenant(events);
        Map<String, Head> heads = new HashMap<>();
        try (PreparedStatement lockChain = connection.prepareStatement(LOCK_CHAIN);
             PreparedStatement insert = connection.prepareStatement(INSERT);
             PreparedStatement advance = connection.prepareStatement(ADVANCE_CHAIN)) {
            for (Map.Entry<String, List<AuditEvent>> tenant : byTenant.entrySet()) {
                long position;
                String chain;
                lockChain.setString(1, tenant.getKey());
                try (ResultSet rs = lockChain.executeQuery()) {
                    if (!rs.next()) {
                        throw new SQLException("the audit chain of a tenant has no row");
                    }
                    position = rs.getLong(1);
                    chain = rs.getString(2);
                }
                for (AuditEvent event : tenant.getValue()) {
                    position++;
                    chain = AuditChain.next(chain, position, event);
                    bind(connection, insert, 1, position, chain, event);
                    insert.addBatch();
                }
                heads.put(tenant.getKey(), new Head(position, chain));
                advance.setLong(1, position);
                advance.setString(2, chain);
                advance.setString(3, tenant.getKey());
                advance.addBatch();
            }
            insert.executeBatch();
            advance.executeBatch();
        }
        return heads;
    }

    /** Binds the event's values from parameter {@code first} on; returns the parameter after them. */
    private static int bind(Connection connection, PreparedStatement insert, int first, long position, String chain,
                            AuditEvent event) throws SQLException {
        int i = first;
        insert.setString(i++, event.tenant());
        insert.setLong(i++, position);
        insert.setObject(i++, OffsetDateTime.ofInstant(event.at(), ZoneOffset.UTC));
        insert.setString(i++, event.subject());
        insert.setString(i++, event.apiKeyId());
        insert.setString(i++, event.action().text());
        insert.setString(i++, event.resource());
        insert.setString(i++, event.query());
        insert.setArray(i++, array(connection, event.patientIds()));
        insert.setArray(i++, array(connection, event.documentIds()));
        if (event.entityCount() == null) {
            insert.setNull(i++, Types.BIGINT);
        } else {
            insert.setLong(i++, event.entityCount());
        }
        insert.setInt(i++, event.status());
        insert.setString(i++, event.requestId());
        insert.setString(i++, event.clientAddress());
        insert.setString(i++, chain);
        return i;
    }

    private static Array array(Connection connection, List<String> ids) throws SQLException {
        return ids == null ? null : connection.createArrayOf("varchar", ids.toArray());
    }

    /**
     * Makes sure the tenant's chain row exists, in a transaction of its own: inserted by whichever instance comes
     * first, so that appends only ever lock it. Another instance inserting it at the same moment is as good.
     */
    private void startChain(String tenant) {
        if (chains.contains(tenant)) {
            return;
        }
        try (Connection connection = dataSource.getConnection()) {
            if (!Statements.exists(connection, CHAIN_EXISTS, tenant)) {
                try {
                    Statements.update(connection, START_CHAIN, tenant, AuditChain.START);
                } catch (SQLException e) {
                    if (!StoreFailure.isState(e, StoreFailure.UNIQUE_VIOLATION)) {
                        throw e;
                    }
                }
            }
        } catch (SQLException e) {
            LOG.error("the audit chain of a tenant could not be started: {}", SafeTrace.describe(e));
            throw new ServiceException.ServiceUnavailable(UNAVAILABLE, e);
        }
        chains.add(tenant);
    }

    private static void rollback(Connection connection, Exception failure) {
        try {
            if (!connection.isClosed()) {
                connection.rollback();
            }
        } catch (SQLException e) {
            failure.addSuppressed(e);
        }
    }

    /** Writes what is queued, then stops; events recorded later are refused. */
    @Override
    public void close() throws InterruptedException {
        lock.lock();
        try {
            closed = true;
            queued.signal();
        } finally {
            lock.unlock();
        }
        writer.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
    }

    /** An event waiting for the writer, and its request waiting for it to be durable. */
    private static final class Pending implements Receipt {
        private final AuditEvent event;
        private final CompletableFuture<Void> done = new CompletableFuture<>();

        Pending(AuditEvent event) {
            this.event = event;
        }

        AuditEvent event() {
            return event;
        }

        void written() {
            done.complete(null);
        }

        void failed(Exception failure) {
            done.completeExceptionally(failure);
        }

        @Override
        public void await() {
            try {
                done.get(WAIT_SECONDS, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                throw new ServiceException.ServiceUnavailable(UNAVAILABLE, e.getCause() == null ? e : e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ServiceException.ServiceUnavailable(UNAVAILABLE, e);
            }
        }
    }

    /**
     * The writer's connection, with the statements of an append at known heads prepared on it (H2's; PostgreSQL's
     * one-statement append is prepared per batch size, and its driver keeps the parsed statements per connection).
     */
    private static final class Session implements AutoCloseable {
        final Connection connection;
        final PreparedStatement advance;
        final PreparedStatement insert;
        final long opened = System.nanoTime();

        Session(Connection connection, boolean oneStatementAppends) throws SQLException {
            this.connection = connection;
            try {
                this.advance = oneStatementAppends ? null : connection.prepareStatement(ADVANCE_FROM_HEAD);
                this.insert = oneStatementAppends ? null : connection.prepareStatement(INSERT);
            } catch (SQLException | RuntimeException e) {
                connection.close();
                throw e;
            }
        }

        @Override
        public void close() throws SQLException {
            // closing the connection closes its statements
            connection.close();
        }
    }

    /** Where a tenant's chain ends: the position of its last event and that event's chain value. */
    record Head(long position, String chain) {
    }

    @FunctionalInterface
    private interface SqlWork<T> {
        T run() throws SQLException;
    }
}
