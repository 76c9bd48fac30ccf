package org.patientdocs.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.patientdocs.query.Dialect;

/**
 * Group commit: the events of requests that arrive while the writer commits wait for one shared commit, not one each.
 */
class AuditLogTest {

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
        }
        return h2;
    }

    @Test
    void eventsQueuedDuringACommitShareTheNextOne() throws Exception {
        JdbcDataSource h2 = database();
        Commits commits = new Commits();
        int waiting = 20;
        try (AuditLog log = new AuditLog(commits.over(h2), new Transactions(h2), Dialect.H2)) {
            Thread first = new Thread(() -> log.record(AuditChainTest.EVENT).await());
            first.start();
            commits.firstEntered.await();
            List<Thread> others = new ArrayList<>();
            for (int i = 0; i < waiting; i++) {
                Thread other = new Thread(() -> log.record(AuditChainTest.EVENT).await());
                others.add(other);
                other.start();
            }
            // each request waits (with a deadline) only once its event is queued
            while (!others.stream().allMatch(t -> t.getState() == Thread.State.TIMED_WAITING)) {
                Thread.onSpinWait();
            }
            commits.release.countDown();
            first.join();
            for (Thread other : others) {
                other.join();
            }
        }
        assertEquals(2, commits.count.get(), "one commit for the first event, one for the " + waiting + " after it");
        List<AuditVerifier.Chain> chains = AuditVerifier.verify(h2);
        assertEquals(1, chains.size());
        assertTrue(chains.get(0).intact(), chains.get(0).broken());
        assertEquals(waiting + 1, chains.get(0).events());
    }

    @Test
    void readsAfterAChangeFollowItsEventsInOneChain() throws Exception {
        JdbcDataSource h2 = database();
        Commits commits = new Commits();
        commits.release.countDown();
        Transactions transactions = new Transactions(h2);
        try (AuditLog log = new AuditLog(commits.over(h2), transactions, Dialect.H2)) {
            log.record(AuditChainTest.EVENT).await();
            log.record(AuditChainTest.EVENT).await();
            // a change appends in its own transaction, moving the chain's head away from where the writer left it
            transactions.atomically(() -> {
                log.recordWithChange(AuditChainTest.EVENT);
                return null;
            });
            log.record(AuditChainTest.EVENT).await();
            log.record(AuditChainTest.EVENT).await();
        }
        assertEquals(4, commits.count.get(), "the writer's reads commit once each; the change commits on its own");
        List<AuditVerifier.Chain> chains = AuditVerifier.verify(h2);
        assertEquals(1, chains.size());
        assertTrue(chains.get(0).intact(), chains.get(0).broken());
        assertEquals(5, chains.get(0).events());
    }
}
