package org.patientdocs.storage;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.function.Supplier;

import javax.sql.DataSource;

/**
 * Lets several store calls share one database transaction: inside {@link #inTransaction}, every connection taken
 * from {@link #dataSource()} on that thread is the transaction's own (its {@code close}, {@code commit} and
 * {@code setAutoCommit} do nothing), so the stores need not know whether they run alone or as part of an OData
 * change set. Outside a transaction it hands out ordinary pooled connections.
 */
public final class Transactions {

    /** The outcome of transactional work: its result, and whether to commit it. */
    public record Outcome<T>(T value, boolean commit) {
    }

    private final DataSource pool;
    private final ThreadLocal<Connection> current = new ThreadLocal<>();
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
     * throws.
     */
    public <T> T inTransaction(Supplier<Outcome<T>> work) {
        if (current.get() != null) {
            throw new IllegalStateException("transactions do not nest");
        }
        try (Connection connection = pool.getConnection()) {
            connection.setAutoCommit(false);
            current.set(connection);
            try {
                Outcome<T> outcome = work.get();
                if (outcome.commit()) {
                    connection.commit();
                } else {
                    connection.rollback();
                }
                return outcome.value();
            } catch (RuntimeException | Error e) {
                connection.rollback();
                throw e;
            } finally {
                current.remove();
                connection.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw StoreFailure.of(e);
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
