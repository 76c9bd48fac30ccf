package org.patientdocs.storage;

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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

/**
 * The audit trail's tables: {@code audit_event}, appended to and never changed, each tenant's chain head in
 * {@code audit_chain}, and each journal's mark in {@code audit_journal}.
 * <p>
 * Each tenant's events form one chain ({@link AuditChain}) however many instances write to the database: an append
 * locks the tenant's {@code audit_chain} row ({@code SELECT … FOR UPDATE}), numbers its events after the position
 * that row holds, and moves the row to its last event, all in the transaction that inserts the events. Appends of one
 * tenant therefore follow one another, each seeing the last one's commit, and the primary key (tenant, position)
 * would refuse a second event at any position. Tenants are locked in one order, so appends cannot deadlock.
 * <p>
 * The journal's writer ({@link AuditLog}) moves its batches with {@link #move}, on a connection it keeps from one batch
 * to the next ({@link Session}), from a pool apart from the requests' so that requests holding pooled connections in
 * a transaction cannot keep it from the connection it needs. Changes write their events into {@code audit_pending} in
 * their own transaction ({@link #recordChange}), without taking a chain row; the writer's next batch gives them their
 * places, before the journal's events it moves.
 */
final class AuditTable implements AutoCloseable {

    /** How long the writer keeps one connection before it hands it back, for the pool to retire when it is old. */
    private static final long SESSION_NANOS = TimeUnit.MINUTES.toNanos(5);
    private static final String CHAIN_EXISTS = "SELECT 1 FROM audit_chain WHERE tenant_id = ?";
    private static final String START_CHAIN = "INSERT INTO audit_chain (tenant_id, id, chain) VALUES (?, 0, ?)";
    private static final String LOCK_CHAIN = "SELECT id, chain FROM audit_chain WHERE tenant_id = ? FOR UPDATE";
    private static final String ADVANCE_CHAIN = "UPDATE audit_chain SET id = ?, chain = ? WHERE tenant_id = ?";
    /** The chain row moved from the head this writer knows, which locks it until the events are inserted. */
    private static final String ADVANCE_FROM_HEAD = ADVANCE_CHAIN + " AND id = ?";
    static final String COLUMNS = "tenant_id, id, at, subject, api_key_id, action, resource, query, patient_ids,"
            + " document_ids, entity_count, status, request_id, client_address, chain";
    private static final String INSERT = "INSERT INTO audit_event (" + COLUMNS + ")"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String MARK = "SELECT file, position FROM audit_journal WHERE journal_id = ?";
    private static final String START_MARK = "INSERT INTO audit_journal (journal_id, file, position) VALUES (?, 0, 0)";
    private static final String ADVANCE_MARK = "UPDATE audit_journal SET file = ?, position = ? WHERE journal_id = ?";
    /** How many broken pooled connections a batch goes past before its failure counts (the writer's pool holds 2). */
    private static final int BROKEN_CONNECTIONS_TRIED = 3;
    /** The most changes' events one transaction moves. */
    static final int MAX_CHANGES = 1000;
    private static final String RECORD_CHANGE = "INSERT INTO audit_pending (event) VALUES (?)";
    private static final String CHANGES = "SELECT seq, event FROM audit_pending ORDER BY seq FETCH FIRST "
            + MAX_CHANGES + " ROWS ONLY FOR UPDATE";
    private static final String ANY_CHANGE = "SELECT 1 FROM audit_pending FETCH FIRST 1 ROWS ONLY";
    private static final String FORGET_CHANGE = "DELETE FROM audit_pending WHERE seq = ?";

    private final DataSource dataSource;
    /** Each tenant's chain head as this writer last left it; read and written by the writer thread only. */
    private final Map<String, Head> heads = new HashMap<>();
    /** The writer's connection and statements; writer thread only, null until the first batch and after a failure. */
    private Session session;
    /** The tenants whose chain row is known to exist. */
    private final Set<String> chains = ConcurrentHashMap.newKeySet();

    /** @param dataSource connections for the writer, apart from the requests' pool */
    AuditTable(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** The journal's mark, its row made at the start of the journal when it has none. */
    AuditJournal.Mark mark(long id) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            for (int attempt = 0; attempt < 2; attempt++) {
                try (PreparedStatement read = connection.prepareStatement(MARK)) {
                    read.setLong(1, id);
                    try (ResultSet rs = read.executeQuery()) {
                        if (rs.next()) {
                            return new AuditJournal.Mark(rs.getLong(1), rs.getLong(2));
                        }
                    }
                }
                Statements.update(connection, START_MARK, id);
            }
        }
        throw new SQLException("the audit journal's row could not be made");
    }

    /**
     * Appends events to their tenants' chains in one transaction: first the changes' events waiting in
     * {@code audit_pending} (when {@code withChanges}; at most {@value #MAX_CHANGES}, oldest first, deleted there),
     * then the journal's {@code events}, moving the journal's mark to {@code upTo}. The chains are continued where this
     * writer last left them when it knows that, else under the chain rows' locks.
     *
     * @return whether changes' events were left waiting for another transaction
     */
    boolean move(List<AuditEvent> events, long id, AuditJournal.Mark upTo, boolean withChanges)
            throws SQLException {
        for (int attempt = 1; ; attempt++) {
            // failing to get a connection (the database cannot be reached) is thrown as it is
            Session current = session();
            try {
                return moveOnce(current, events, id, upTo, withChanges);
            } catch (SQLException e) {
                // a pooled connection that broke while the database was away (restarted, say) is found out only
                // when used: the batch goes again on another
                if (!StoreFailure.isUnavailable(e) || attempt > BROKEN_CONNECTIONS_TRIED) {
                    throw e;
                }
            }
        }
    }

    private boolean moveOnce(Session current, List<AuditEvent> events, long id, AuditJournal.Mark upTo,
                             boolean withChanges) throws SQLException {
        try {
            startChains(events);
            Connection connection = current.connection;
            if (events.isEmpty() && (!withChanges || !changesWaiting(current))) {
                return false;
            }
            Moved moved = inTransaction(connection, () -> {
                List<AuditEvent> all = events;
                boolean more = false;
                if (withChanges) {
                    List<Long> seqs = new ArrayList<>();
                    all = new ArrayList<>(changes(current, seqs));
                    more = seqs.size() == MAX_CHANGES;
                    all.addAll(events);
                    for (long seq : seqs) {
                        current.forget.setLong(1, seq);
                        current.forget.addBatch();
                    }
                    current.forget.executeBatch();
                }
                if (all.isEmpty()) {
                    return new Moved(Map.of(), more);
                }
                Map<String, List<AuditEvent>> byTenant = byTenant(all);
                Map<String, Head> atKnownHeads = heads.keySet().containsAll(byTenant.keySet())
                        ? appendAtKnownHeads(current, byTenant) : null;
                Map<String, Head> appended = atKnownHeads != null ? atKnownHeads : append(connection, all);
                if (!events.isEmpty()) {
                    current.mark.setLong(1, upTo.file());
                    current.mark.setLong(2, upTo.position());
                    current.mark.setLong(3, id);
                    if (current.mark.executeUpdate() != 1) {
                        throw new SQLException("the audit journal's row is missing");
                    }
                }
                return new Moved(appended, more);
            });
            heads.putAll(moved.heads());
            return moved.more();
        } catch (SQLException | RuntimeException e) {
            heads.clear();
            closeSession(e);
            throw e;
        }
    }

    /** Whether any change's event waits, looked at without a transaction or a lock: the writer's idle look. */
    private static boolean changesWaiting(Session current) throws SQLException {
        current.connection.setAutoCommit(true);
        try (ResultSet rs = current.anyChange.executeQuery()) {
            return rs.next();
        }
    }

    /** The changes' events waiting, oldest first, locked for this transaction; their keys added to {@code seqs}. */
    private List<AuditEvent> changes(Session current, List<Long> seqs) throws SQLException {
        List<AuditEvent> changes = new ArrayList<>();
        try (ResultSet rs = current.changes.executeQuery()) {
            while (rs.next()) {
                AuditEvent event = AuditJournal.decode(rs.getBytes(2));
                if (event == null) {
                    throw new SQLException("a change's audit event waiting in audit_pending cannot be read");
                }
                seqs.add(rs.getLong(1));
                changes.add(event);
            }
        }
        startChains(changes);
        return changes;
    }

    /**
     * Records a change's event on the change's connection, in its transaction, to be given its place in the chain by
     * the writer's next {@link #move}.
     */
    static void recordChange(Connection connection, AuditEvent event) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(RECORD_CHANGE)) {
            insert.setBytes(1, AuditJournal.encode(event));
            insert.executeUpdate();
        }
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
                bind(current.insert, 1, position, chain, event);
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

    private static <T> T inTransaction(Connection connection, SqlWork<T> work) throws SQLException {
        connection.setAutoCommit(false);
        try {
            T result = work.run();
            connection.commit();
            return result;
        } catch (SQLException | RuntimeException e) {
            rollback(connection, e);
            throw e;
        } catch (AssertionError e) {
            // PostgreSQL's driver throws an AssertionError when the connection breaks in the middle of a batch
            // (BatchResultHandler: "getAutoCommit() should not throw"). It is the failed statement it stands for, so
            // every caller handles it as one: the transaction is rolled back (left open, it could still commit and
            // the batch, tried again, be written twice), the session ends, and the writer tries the batch again
            SQLException failed = new SQLException("the database connection failed in the middle of a batch", e);
            rollback(connection, failed);
            throw failed;
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
    private static Map<String, Head> append(Connection connection, List<AuditEvent> events) throws SQLException {
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
                    bind(insert, 1, position, chain, event);
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
    private static int bind(PreparedStatement insert, int first, long position, String chain, AuditEvent event)
            throws SQLException {
        int i = first;
        insert.setString(i++, event.tenant());
        insert.setLong(i++, position);
        insert.setObject(i++, OffsetDateTime.ofInstant(event.at(), ZoneOffset.UTC));
        insert.setString(i++, event.subject());
        insert.setString(i++, event.apiKeyId());
        insert.setString(i++, event.action().text());
        insert.setString(i++, event.resource());
        insert.setString(i++, event.query());
        insert.setObject(i++, array(event.patientIds()), Types.ARRAY);
        insert.setObject(i++, array(event.documentIds()), Types.ARRAY);
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

    /**
     * A list of ids as a Java array, which PostgreSQL's driver sends in binary (a {@code createArrayOf} array goes as
     * a text literal the driver escapes element by element and the server parses again: for an event of a
     * 1,000-document page, a fifth of the audited request's cost on PostgreSQL, measured by the audit benchmark).
     */
    private static String[] array(List<String> ids) {
        return ids == null ? null : ids.toArray(String[]::new);
    }

    /**
     * Makes sure each tenant's chain row exists, in a transaction of its own: inserted by whichever instance comes
     * first, so that appends only ever lock it. Another instance inserting it at the same moment is as good.
     */
    private void startChains(List<AuditEvent> events) throws SQLException {
        for (String tenant : events.stream().map(AuditEvent::tenant).distinct().toList()) {
            if (chains.contains(tenant)) {
                continue;
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
            }
            chains.add(tenant);
        }
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

    /** The writer's session, opened when there is none or the one there is has been kept long enough. */
    private Session session() throws SQLException {
        if (session != null && System.nanoTime() - session.opened > SESSION_NANOS) {
            closeSession(null);
        }
        if (session == null) {
            session = new Session(dataSource.getConnection());
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

    /** The writer's connection, with the statements of a batch prepared on it. */
    private static final class Session implements AutoCloseable {
        final Connection connection;
        final PreparedStatement advance;
        final PreparedStatement insert;
        final PreparedStatement mark;
        final PreparedStatement changes;
        final PreparedStatement forget;
        final PreparedStatement anyChange;
        final long opened = System.nanoTime();

        Session(Connection connection) throws SQLException {
            this.connection = connection;
            try {
                this.advance = connection.prepareStatement(ADVANCE_FROM_HEAD);
                this.insert = connection.prepareStatement(INSERT);
                this.mark = connection.prepareStatement(ADVANCE_MARK);
                this.changes = connection.prepareStatement(CHANGES);
                this.forget = connection.prepareStatement(FORGET_CHANGE);
                this.anyChange = connection.prepareStatement(ANY_CHANGE);
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

    /** What one move did: each tenant's new chain head, and whether changes' events were left for the next. */
    private record Moved(Map<String, Head> heads, boolean more) {
    }

    /** Where a tenant's chain ends: the position of its last event and that event's chain value. */
    record Head(long position, String chain) {
    }

    @FunctionalInterface
    private interface SqlWork<T> {
        T run() throws SQLException;
    }

    /** Closes the writer's connection. */
    @Override
    public void close() {
        closeSession(null);
    }
}
