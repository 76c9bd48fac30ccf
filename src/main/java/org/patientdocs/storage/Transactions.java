package org.patientdocs.storage;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import javax.sql.DataSource;

import org.patientdocs.error.SafeTrace;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets several store calls share one database transaction: inside {@link #inTransaction}, every connection taken
 * from {@link #dataSource()} on that thread is the transaction's own (its {@code close}, {@code commit} and
 * {@code setAutoCommit} do nothing), so the stores need not know whether they run alone or as part of an OData
 * change set. Outside a transaction it hands out ordinary pooled connections.
 * <p>
 * What must commit with the work, however it went, is written last, just before the commit: {@link #beforeCommit}
 * (the audit events of its changes, whose chain lock is then held only for the commit). What a rollback cannot undo
 * (deleting a document's file) waits for the commit: {@link #afterCommit}.
 */
public final class Transactions {

    private static final Logger LOG = LoggerFactory.getLogger(Transactions.class);

    /** The outcome of transactional work: its result, and whether to commit it. */
    public record Outcome<T>(T value, boolean commit) {
    }

    /** A last write of a transaction, on its connection ({@link #beforeCommit}). */
    @FunctionalInterface
    public interface BeforeCommit {
        void write(Connection connection) throws SQLException;
    }

    private final DataSource pool;
    private final ThreadLocal<Connection> current = new ThreadLocal<>();
    private final ThreadLocal<List<BeforeCommit>> beforeCommit = new ThreadLocal<>();
    private final ThreadLocal<List<Runnable>> afterCommit = new ThreadLocal<>();
    private final DataSource dataSource;

    public Transactions(DataSource pool) {
        this.pool = pool;
        this.dataSource = (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(),
                new Class<?>[] {DataSource.class}, (proxy, method, args) ->
                        method.getName().equals("getConnection") && current.get() != null
                                ? shared(current.get()) : invoke(pool, method, args));
    }

    /** The data source the stores use. */
    public DataSource dataSource() {
        return dataSource;
    }

    /**
     * Runs the work in one transaction, committed when the outcome says so and rolled back otherwise or when the work
     * throws. The steps the work registered with {@link #afterCommit} run once the commit succeeded, and only then.
     */
    public <T> T inTransaction(Supplier<Outcome<T>> work) {
        if (current.get() != null) {
            throw new IllegalStateException("transactions do not nest");
        }
        List<Runnable> committed = List.of();
        T value;
        try (Connection connection = pool.getConnection()) {
            connection.setAutoCommit(false);
            current.set(connection);
            beforeCommit.set(new ArrayList<>());
            afterCommit.set(new ArrayList<>());
            try {
                Outcome<T> outcome = work.get();
                if (outcome.commit()) {
                    writeLast(connection);
                    connection.commit();
                    committed = afterCommit.get();
                } else {
                    rollback(connection);
                }
                value = outcome.value();
            } catch (RuntimeException | Error e) {
                rollback(connection);
                throw e;
            } finally {
                current.remove();
                beforeCommit.remove();
                afterCommit.remove();
                if (!connection.isClosed()) {
                    connection.setAutoCommit(true);
                }
            }
        } catch (SQLException e) {
            throw StoreFailure.of(e);
        }
        committed.forEach(Transactions::runCommitted);
        return value;
    }

    /**
     * Runs the work in the transaction already open on this thread (a {@code $batch} change set's), or else in one of
     * its own, committed when the work returns and rolled back when it throws: for a change whose last writes
     * ({@link #beforeCommit}) must commit with it, alone or in a change set.
     */
    public <T, E extends Exception> T atomically(Work<T, E> work) throws E {
        if (current.get() != null) {
            return work.run();
        }
        try {
            return inTransaction(() -> {
                try {
                    return new Outcome<>(work.run(), true);
                } catch (RuntimeException e) {
                    throw e;
                } catch (Exception e) {
                    throw new Checked(e);
                }
            });
        } catch (Checked e) {
            @SuppressWarnings("unchecked") // the work throws only E and unchecked exceptions
            E failure = (E) e.getCause();
            throw failure;
        }
    }

    /** Work that may fail with a checked exception of its own, which {@link #atomically} passes on. */
    @FunctionalInterface
    public interface Work<T, E extends Exception> {
        T run() throws E;
    }

    /** Carries the work's checked exception through {@link #inTransaction}, which rolls back on it. */
    private static final class Checked extends RuntimeException {
        Checked(Exception cause) {
            super(cause);
        }
    }

    /**
     * Writes {@code step} on the current transaction's connection once its work is done and it is about to commit;
     * if the step fails, the whole transaction rolls back. Steps run in the order they were given.
     *
     * @throws IllegalStateException when no transaction is open on this thread
     */
    public void beforeCommit(BeforeCommit step) {
        List<BeforeCommit> steps = beforeCommit.get();
        if (steps == null) {
            throw new IllegalStateException("no transaction is open to write before its commit");
        }
        steps.add(step);
    }

    /** The steps before the commit; a failure among them is the work's failure, which rolls back. */
    private void writeLast(Connection connection) {
        try {
            for (BeforeCommit step : beforeCommit.get()) {
                step.write(connection);
            }
        } catch (SQLException e) {
            throw StoreFailure.of(e);
        }
    }

    /**
     * Rolls back, unless the pool has closed the connection as broken (a statement of the work met a database that
     * went away): nothing is left to roll back then, since the database ends a transaction whose connection is gone,
     * and the work's own failure says what happened. Touching the closed connection would fail with a message that
     * says nothing of the database (and so read as an unexpected failure, not an outage).
     */
    private static void rollback(Connection connection) throws SQLException {
        if (!connection.isClosed()) {
            connection.rollback();
        }
    }

    /**
     * Runs {@code step} once the current transaction has committed, or at once when none is open; a rollback drops it.
     * For effects a rollback could not undo, such as deleting a document's bytes: they happen only after the change
     * that makes them right is durable. A crash in between leaves what the step would have removed, never less.
     */
    public void afterCommit(Runnable step) {
        List<Runnable> steps = afterCommit.get();
        if (steps == null) {
            runCommitted(step);
        } else {
            steps.add(step);
        }
    }

    /** The work is committed by now: a step that fails cannot undo it, and must not turn it into an error. */
    private static void runCommitted(Runnable step) {
        try {
            step.run();
        } catch (RuntimeException e) {
            LOG.warn("a step after a commit failed: {}", SafeTrace.describe(e));
        }
    }

    private static Connection shared(Connection connection) {
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
                new Class<?>[] {Connection.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "close", "commit", "rollback", "setAutoCommit" -> null;
                    case "isClosed" -> false;
                    default -> invoke(connection, method, args);
                });
    }

    private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
