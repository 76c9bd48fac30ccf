package org.patientdocs.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import javax.sql.DataSource;

import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.patientdocs.error.ServiceException;

/**
 * The journal: reads' events are journaled at once and moved into the table in batches, a journal left by a process
 * that stopped is moved at the next start, each event once, and nothing is served while the table refuses events.
 */
class AuditLogTest {

    @TempDir
    Path journals;

    /** Connections whose commits are counted, the first of them held until {@code release} opens. */
    private static final class Commits {
        final AtomicInteger count = new AtomicInteger();
        final CountDownLatch firstEntered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        DataSource over(DataSource dataSource) {
            return (DataSource) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {DataSource.class},
                    (proxy, method, args) -> {
                        Object result = invoke(method, dataSource, args);
                        return result instanceof Connection connection ? counting(connection) : result;
                    });
        }

        private Connection counting(Connection connection) {
            return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class},
                    (proxy, method, args) -> {
                        if (method.getName().equals("commit") && count.incrementAndGet() == 1) {
                            firstEntered.countDown();
                            release.await();
                        }
                        return invoke(method, connection, args);
                    });
        }

        private static Object invoke(java.lang.reflect.Method method, Object target, Object[] args)
                throws Throwable {
            try {
                return method.invoke(target, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }
    }

    private static JdbcDataSource database() throws SQLException {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:audit-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        try (Connection connection = h2.getConnection(); Statement sql = connection.createStatement()) {
            sql.execute("RUNSCRIPT FROM 'classpath:db/migration/V13__audit_events.sql'");
            sql.execute("RUNSCRIPT FROM 'classpath:db/migration/V20__audit_journal.sql'");
        }
        return h2;
    }

    /** The table refuses events (as a database that is down would) until it is given back. */
    private static void takeTable(DataSource database, boolean away) throws SQLException {
        try (Connection connection = database.getConnection(); Statement sql = connection.createStatement()) {
            sql.execute(away ? "ALTER TABLE audit_event RENAME TO audit_event_away"
                    : "ALTER TABLE audit_event_away RENAME TO audit_event");
        }
    }

    private static AuditVerifier.Chain chain(DataSource database) throws SQLException {
        List<AuditVerifier.Chain> chains = AuditVerifier.verify(database);
        assertEquals(1, chains.size());
        assertTrue(chains.get(0).intact(), chains.get(0).broken());
        return chains.get(0);
    }

    private List<Path> files(String suffix) throws IOException {
        try (Stream<Path> all = Files.walk(journals)) {
            return all.filter(path -> path.getFileName().toString().endsWith(suffix)).toList();
        }
    }

    private AuditLog log(DataSource database) throws Exception {
        return new AuditLog(database, new Transactions(database), journals, AuditLog.Batching.SHARED);
    }

    /**
     * Connections that break as a restart of the database breaks them: those handed out before {@link #restart}, and
     * the next {@code alsoBroken} (stale ones a pool still holds), fail when used.
     */
    private static final class Restart {
        final AtomicInteger handedOut = new AtomicInteger();
        volatile int brokenUpTo;

        DataSource over(DataSource dataSource) {
            return (DataSource) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {DataSource.class},
                    (proxy, method, args) -> {
                        Object result = Commits.invoke(method, dataSource, args);
                        return result instanceof Connection connection ? breaking(connection) : result;
                    });
        }

        private Connection breaking(Connection connection) {
            int serial = handedOut.incrementAndGet();
            return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class},
                    (proxy, method, args) -> {
                        if (serial <= brokenUpTo && !method.getName().equals("close")) {
                            throw new SQLException("An I/O error occurred while sending to the backend.", "08006");
                        }
                        return Commits.invoke(method, connection, args);
                    });
        }

        void restart(int alsoBroken) {
            brokenUpTo = handedOut.get() + alsoBroken;
        }
    }

    @Test
    void aBatchGoesPastConnectionsThatBrokeWhileTheDatabaseWasAway() throws Exception {
        JdbcDataSource h2 = database();
        Restart restart = new Restart();
        try (AuditLog log = new AuditLog(restart.over(h2), new Transactions(h2), journals, AuditLog.Batching.SHARED)) {
            restart.restart(1);
            log.record(AuditChainTest.EVENT).await();
            log.awaitWritten();
            log.record(AuditChainTest.EVENT).await();
        }
        assertEquals(2, chain(h2).events());
    }

    /**
     * PostgreSQL's driver throws an {@code AssertionError} when its connection breaks in the middle of a batch (seen
     * in a restart of the database): the batch fails as any other, and the writer moves it once asked again.
     */
    @Test
    void theWriterOutlivesAnAssertionErrorOfTheDriver() throws Exception {
        JdbcDataSource h2 = database();
        AtomicInteger commits = new AtomicInteger();
        DataSource failingOnce = (DataSource) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
                    Object result = Commits.invoke(method, h2, args);
                    if (!(result instanceof Connection connection)) {
                        return result;
                    }
                    return Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class},
                            (p, m, a) -> {
                                if (m.getName().equals("commit") && commits.incrementAndGet() == 1) {
                                    throw new AssertionError("pgStatement.getConnection().getAutoCommit() should"
                                            + " not throw");
                                }
                                return Commits.invoke(m, connection, a);
                            });
                });
        AuditLog.Batching whenAsked = new AuditLog.Batching(1_000, Long.MAX_VALUE, TimeUnit.HOURS.toMillis(1));
        try (AuditLog log = new AuditLog(failingOnce, new Transactions(h2), journals, whenAsked)) {
            log.record(AuditChainTest.EVENT).await();
            assertThrows(ServiceException.ServiceUnavailable.class, log::awaitWritten, "the batch that failed");
            log.awaitWritten();
        }
        assertEquals(1, chain(h2).events());
    }

    @Test
    void eventsJournaledWhileTheWriterCommitsAreMovedTogetherInTheNext() throws Exception {
        JdbcDataSource h2 = database();
        Commits commits = new Commits();
        int waiting = 200;
        try (AuditLog log = new AuditLog(commits.over(h2), new Transactions(h2), journals, AuditLog.Batching.SHARED)) {
            log.record(AuditChainTest.EVENT).await();
            Thread reader = new Thread(log::awaitWritten);
            reader.start();
            commits.firstEntered.await();
            for (int i = 0; i < waiting; i++) {
                // a read's event is in the journal when record returns: its answer does not wait for the database
                log.record(AuditChainTest.EVENT).await();
            }
            commits.release.countDown();
            reader.join();
            log.awaitWritten();
        }
        assertEquals(2, commits.count.get(), "one commit for the first event, one for the " + waiting + " after it");
        assertEquals(waiting + 1, chain(h2).events());
        assertEquals(List.of(), files(".journal"), "a journal whose events are all moved is deleted at the stop");
    }

    /** A batch that fills is moved at once, however long its events could wait. */
    @Test
    void aBatchOfTheMostEventsIsMovedAtOnceAndTheRestWhenTheTrailIsRead() throws Exception {
        sevenEventsInBatchesOfThree(new AuditLog.Batching(3, Long.MAX_VALUE, TimeUnit.HOURS.toMillis(1)));
    }

    /**
     * As by count, by size: a read of a thousand documents is an event of some 30 KB, and batches bounded by count
     * and time only let such reads fill the backlog, beyond which reads are refused, within a second.
     */
    @Test
    void aBatchOfTheMostBytesIsMovedAtOnceAndTheRestWhenTheTrailIsRead() throws Exception {
        long threeEvents = 3L * AuditJournal.encode(AuditChainTest.EVENT).length;
        sevenEventsInBatchesOfThree(new AuditLog.Batching(1_000, threeEvents, TimeUnit.HOURS.toMillis(1)));
    }

    /** Seven events make two commits without anyone asking, and the seventh waits until someone reads the trail. */
    private void sevenEventsInBatchesOfThree(AuditLog.Batching batching) throws Exception {
        JdbcDataSource h2 = database();
        Commits commits = new Commits();
        commits.release.countDown();
        try (AuditLog log = new AuditLog(commits.over(h2), new Transactions(h2), journals, batching)) {
            for (int i = 0; i < 7; i++) {
                log.record(AuditChainTest.EVENT).await();
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (movedEvents(h2) < 6 && System.nanoTime() - deadline < 0) {
                Thread.onSpinWait();
            }
            assertEquals(6, movedEvents(h2), "the two full batches, moved unasked");
            assertEquals(2, commits.count.get());
            log.awaitWritten();
            assertEquals(3, commits.count.get(), "the seventh, once asked for");
        }
        assertEquals(7, chain(h2).events());
    }

    private static long movedEvents(DataSource database) throws SQLException {
        return count(database, "SELECT COUNT(*) FROM audit_event");
    }

    private static AuditEvent event(AuditEvent.Action action) {
        AuditEvent e = AuditChainTest.EVENT;
        return new AuditEvent(e.tenant(), e.at(), e.subject(), e.apiKeyId(), action, e.resource(), e.query(),
                e.patientIds(), e.documentIds(), e.entityCount(), e.status(), e.requestId(), e.clientAddress());
    }

    private static List<String> actions(DataSource database) throws SQLException {
        List<String> actions = new ArrayList<>();
        try (Connection connection = database.getConnection(); Statement sql = connection.createStatement();
             ResultSet rs = sql.executeQuery("SELECT action FROM audit_event ORDER BY id")) {
            while (rs.next()) {
                actions.add(rs.getString(1));
            }
        }
        return actions;
    }

    private static long waitingChanges(DataSource database) throws SQLException {
        return count(database, "SELECT COUNT(*) FROM audit_pending");
    }

    private static long count(DataSource database, String countQuery) throws SQLException {
        try (Connection connection = database.getConnection(); Statement sql = connection.createStatement();
             ResultSet rs = sql.executeQuery(countQuery)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void aChangesEventCommitsWithItAndTakesItsPlaceInTheChainAfterTheReadsBeforeIt() throws Exception {
        JdbcDataSource h2 = database();
        Transactions transactions = new Transactions(h2);
        try (AuditLog log = new AuditLog(h2, transactions, journals, AuditLog.Batching.SHARED)) {
            log.record(event(AuditEvent.Action.READ)).await();
            log.record(event(AuditEvent.Action.LIST)).await();
            transactions.atomically(() -> {
                log.recordWithChange(event(AuditEvent.Action.UPDATE));
                return null;
            });
            assertThrows(IllegalStateException.class, () -> transactions.atomically(() -> {
                log.recordWithChange(event(AuditEvent.Action.DELETE));
                throw new IllegalStateException("the change fails: its event goes with it");
            }));
            log.record(event(AuditEvent.Action.DOWNLOAD)).await();
            log.awaitWritten();
            assertEquals(List.of("read", "list", "update", "download"), actions(h2));
            assertEquals(0, waitingChanges(h2), "moved, and deleted where it waited, in one transaction");
        }
        assertEquals(4, chain(h2).events());
    }

    @Test
    void aChangesEventLeftWaitingByAStoppedProcessIsMovedAtTheNextStart() throws Exception {
        JdbcDataSource h2 = database();
        Transactions transactions = new Transactions(h2);
        try (AuditLog log = new AuditLog(h2, transactions, journals, AuditLog.Batching.SHARED)) {
            takeTable(h2, true);
            transactions.atomically(() -> {
                log.recordWithChange(event(AuditEvent.Action.UPDATE));
                return null;
            });
            assertThrows(ServiceException.ServiceUnavailable.class, log::awaitWritten);
            assertThrows(ServiceException.ServiceUnavailable.class, () -> transactions.atomically(() -> {
                log.recordWithChange(event(AuditEvent.Action.DELETE));
                return null;
            }), "while the trail cannot be written, changes are refused too");
        }
        assertEquals(1, waitingChanges(h2));
        takeTable(h2, false);
        try (AuditLog next = log(h2)) {
            assertEquals(List.of("update"), actions(h2));
            assertEquals(0, waitingChanges(h2));
        }
        assertEquals(1, chain(h2).events());
    }

    @Test
    void whileTheTableRefusesEventsReadsAreRefusedAndTheJournalKeepsThemForTheNextStartEachMovedOnce()
            throws Exception {
        JdbcDataSource h2 = database();
        try (AuditLog log = log(h2)) {
            for (int i = 0; i < 3; i++) {
                log.record(AuditChainTest.EVENT).await();
            }
            log.awaitWritten();
            takeTable(h2, true);
            log.record(AuditChainTest.EVENT).await();
            log.record(AuditChainTest.EVENT).await();
            assertThrows(ServiceException.ServiceUnavailable.class, log::awaitWritten,
                    "the trail cannot be read while its events cannot be moved");
            assertThrows(ServiceException.ServiceUnavailable.class, () -> log.record(AuditChainTest.EVENT).await(),
                    "nor is a read served");
        }
        assertEquals(1, files(".journal").size(), "the two events not moved stay in the journal");
        takeTable(h2, false);
        assertEquals(3, chain(h2).events());

        try (AuditLog next = log(h2)) {
            assertEquals(5, chain(h2).events(), "moved at the start, before anything is served; the first three once");
            next.record(AuditChainTest.EVENT).await();
        }
        assertEquals(6, chain(h2).events());
        assertEquals(List.of(), files(".journal"));
    }

    @Test
    void aLastLineTheMachineDidNotFinishIsKeptAsideAndTheWholeEventsBeforeItMoved() throws Exception {
        JdbcDataSource h2 = database();
        try (AuditLog log = log(h2)) {
            takeTable(h2, true);
            log.record(AuditChainTest.EVENT).await();
            log.record(AuditChainTest.EVENT).await();
            assertThrows(ServiceException.ServiceUnavailable.class, log::awaitWritten);
        }
        Path journal = files(".journal").get(0);
        String whole = Files.readString(journal);
        Files.writeString(journal, whole.substring(0, whole.length() / 3), StandardCharsets.UTF_8,
                StandardOpenOption.APPEND);
        takeTable(h2, false);

        try (AuditLog next = log(h2)) {
            assertEquals(2, chain(h2).events());
        }
        assertEquals(List.of(), files(".journal"));
        List<Path> damaged = files(".journal.damaged");
        assertEquals(1, damaged.size());
        assertEquals(whole + whole.substring(0, whole.length() / 3), Files.readString(damaged.get(0)),
                "kept as it was, for someone to look at");
    }

    @Test
    void eachRunningLogHasASlotOfItsOwnAndOneStartingMovesWhatStoppedOnesLeft() throws Exception {
        JdbcDataSource h2 = database();
        try (AuditLog first = log(h2)) {
            AuditLog second = log(h2);
            AuditLog third = log(h2);
            first.record(AuditChainTest.EVENT).await();
            second.record(AuditChainTest.EVENT).await();
            third.record(AuditChainTest.EVENT).await();
            first.awaitWritten();
            second.awaitWritten();
            third.awaitWritten();
            assertEquals(3, chain(h2).events());

            takeTable(h2, true);
            second.record(AuditChainTest.EVENT).await();
            third.record(AuditChainTest.EVENT).await();
            third.record(AuditChainTest.EVENT).await();
            assertThrows(ServiceException.ServiceUnavailable.class, second::awaitWritten);
            assertThrows(ServiceException.ServiceUnavailable.class, third::awaitWritten);
            second.close();
            third.close();
            takeTable(h2, false);
            assertEquals(3, files(".journal").size(),
                    "slots 1 and 2 keep what their logs could not move; slot 0's log runs on with its file");

            // takes slot 1 (the first free) and moves what it holds, then slot 2's, which no running log holds
            try (AuditLog fourth = log(h2)) {
                assertEquals(6, chain(h2).events());
                assertEquals(1, files(".journal").size(), "slot 1's and slot 2's are moved and deleted");
                fourth.record(AuditChainTest.EVENT).await();
                first.record(AuditChainTest.EVENT).await();
            }
        }
        assertEquals(8, chain(h2).events());
        assertEquals(List.of(), files(".journal"));
    }
}
