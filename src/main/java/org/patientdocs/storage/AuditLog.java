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

import org.patientdocs.error.SafeTrace;
import org.patientdocs.error.ServiceException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit trail in the database ({@code audit_event}), appended to and never changed.
 * <p>
 * Reads are written by group commit: a request queues its event and waits; one writer thread takes everything queued
 * and writes it in one transaction, and while that commits the next events queue for the following one. A request
 * waits for one commit, shared by all the requests that arrived meanwhile, instead of paying a commit of its own.
 * Changes write their events in their own transaction, just before it commits ({@link Transactions#beforeCommit}).
 * <p>
 * Each tenant's events form one chain ({@link AuditChain}) however many instances write to the database: an append
 * locks the tenant's {@code audit_chain} row ({@code SELECT … FOR UPDATE}), numbers its events after the position
 * that row holds, and moves the row to its last event, all in the transaction that inserts the events. Appends of one
 * tenant therefore follow one another, each seeing the last one's commit, and the primary key (tenant, position)
 * would refuse a second event at any position. Tenants are locked in one order, so appends cannot deadlock.
 * <p>
 * Writes use connections of their own ({@code dataSource}, apart from the requests' pool), so that requests holding
 * pooled connections in a transaction cannot keep the writer from the connection it needs to let them go on.
 */
public final class AuditLog implements AuditTrail, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AuditLog.class);
    /** The most events one commit writes; more wait for the next. */
    static final int MAX_BATCH = 512;
    /** How long a request waits for its event to be durable before it is refused. */
    private static final long WAIT_SECONDS = 30;
    private static final String UNAVAILABLE = "The audit trail cannot be written, so the request was not served;"
            + " try again shortly";

    private static final String CHAIN_EXISTS = "SELECT 1 FROM audit_chain WHERE tenant_id = ?";
    private static final String START_CHAIN = "INSERT INTO audit_chain (tenant_id, id, chain) VALUES (?, 0, ?)";
    private static final String LOCK_CHAIN = "SELECT id, chain FROM audit_chain WHERE tenant_id = ? FOR UPDATE";
    private static final String ADVANCE_CHAIN = "UPDATE audit_chain SET id = ?, chain = ? WHERE tenant_id = ?";
    static final String COLUMNS = "tenant_id, id, at, subject, api_key_id, action, resource, query, patient_ids,"
            + " document_ids, entity_count, status, request_id, client_address, chain";
    private static final String INSERT = "INSERT INTO audit_event (" + COLUMNS + ")"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

    private final DataSource dataSource;
    private final Transactions transactions;
    /** The tenants whose chain row is known to exist. */
    private final Set<String> chains = ConcurrentHashMap.newKeySet();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition queued = lock.newCondition();
    private final List<Pending> queue = new ArrayList<>();
    private boolean closed;
    private final Thread writer;

    /**
     * @param dataSource   connections for the writer, apart from the requests' pool
     * @param transactions the transactions changes record their events in
     */
    public AuditLog(DataSource dataSource, Transactions transactions) {
        this.dataSource = dataSource;
        this.transactions = transactions;
        this.writer = new Thread(this::run, "audit-writer");
        writer.setDaemon(true);
        writer.start();
    }

    @Override
    public void record(AuditEvent event) {
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
        pending.await();
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
                    return;
                }
                List<Pending> taken = queue.subList(0, Math.min(queue.size(), MAX_BATCH));
                batch = new ArrayList<>(taken);
                taken.clear();
            } finally {
                lock.unlock();
            }
            write(batch);
        }
    }

    private void write(List<Pending> batch) {
        try {
            List<AuditEvent> events = batch.stream().map(Pending::event).toList();
            events.stream().map(AuditEvent::tenant).distinct().forEach(this::startChain);
            try (Connection connection = dataSource.getConnection()) {
                connection.setAutoCommit(false);
                try {
                    append(connection, events);
                    connection.commit();
                } catch (SQLException | RuntimeException e) {
                    rollback(connection, e);
                    throw e;
                }
            }
            batch.forEach(Pending::written);
        } catch (SQLException | RuntimeException e) {
            LOG.error("{} audit events could not be written: {}", batch.size(), SafeTrace.describe(e));
            batch.forEach(pending -> pending.failed(e));
        }
    }

    /**
     * Appends the events to their tenants' chains on the connection, in its transaction: each tenant's chain row is
     * locked (tenants in name order), the events numbered after it and inserted, and the row moved to the last one.
     */
    static void append(Connection connection, List<AuditEvent> events) throws SQLException {
        Map<String, List<AuditEvent>> byTenant = new TreeMap<>();
        for (AuditEvent event : events) {
            byTenant.computeIfAbsent(event.tenant(), tenant -> new ArrayList<>()).add(event);
        }
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
                    bind(connection, insert, position, chain, event);
                    insert.addBatch();
                }
                advance.setLong(1, position);
                advance.setString(2, chain);
                advance.setString(3, tenant.getKey());
                advance.addBatch();
            }
            insert.executeBatch();
            advance.executeBatch();
        }
    }

    private static void bind(Connection connection, PreparedStatement insert, long position, String chain,
                             AuditEvent event) throws SQLException {
        insert.setString(1, event.tenant());
        insert.setLong(2, position);
        insert.setObject(3, OffsetDateTime.ofInstant(event.at(), ZoneOffset.UTC));
        insert.setString(4, event.subject());
        insert.setString(5, event.apiKeyId());
        insert.setString(6, event.action().text());
        insert.setString(7, event.resource());
        insert.setString(8, event.query());
        insert.setArray(9, array(connection, event.patientIds()));
        insert.setArray(10, array(connection, event.documentIds()));
        if (event.entityCount() == null) {
            insert.setNull(11, Types.BIGINT);
        } else {
            insert.setLong(11, event.entityCount());
        }
        insert.setInt(12, event.status());
        insert.setString(13, event.requestId());
        insert.setString(14, event.clientAddress());
        insert.setString(15, chain);
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
    private static final class Pending {
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

        void await() {
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
}
