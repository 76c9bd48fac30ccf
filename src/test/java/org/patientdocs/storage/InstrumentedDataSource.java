package org.patientdocs.storage;

import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

import javax.sql.DataSource;

import org.h2.jdbcx.JdbcDataSource;
import org.patientdocs.query.Dialect;

/**
 * A fresh, migrated in-memory H2 database behind a data source that counts the connections open at any moment and
 * can make a chosen statement fail as if the database went away.
 */
final class InstrumentedDataSource implements DataSource {

    private final JdbcDataSource h2 = new JdbcDataSource();
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicInteger opened = new AtomicInteger();
    private volatile String failingSqlPrefix;
    private volatile int executionsBeforeFailure;

    InstrumentedDataSource() {
        h2.setURL("jdbc:h2:mem:store-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        DataSources.migrate(h2, Dialect.H2);
    }

    /** Connections taken and not yet closed. */
    int openConnections() {
        return open.get();
    }

    /** Connections taken so far. */
    int connectionsTaken() {
        return opened.get();
    }

    /** The statement starting with {@code sqlPrefix} fails (SQLSTATE 08006) after running {@code successes} times. */
    void failAfter(String sqlPrefix, int successes) {
        executionsBeforeFailure = successes;
        failingSqlPrefix = sqlPrefix;
    }

    @Override
    public Connection getConnection() throws SQLException {
        Connection real = h2.getConnection();
        open.incrementAndGet();
        opened.incrementAndGet();
        boolean[] closed = {false};
        return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("close") && !closed[0]) {
                        closed[0] = true;
                        open.decrementAndGet();
                    }
                    Object result = invoke(real, method, args);
                    if (method.getName().equals("prepareStatement") && failingSqlPrefix != null
                            && ((String) args[0]).startsWith(failingSqlPrefix)) {
                        return failing((PreparedStatement) result);
                    }
                    return result;
                });
    }

    private PreparedStatement failing(PreparedStatement real) {
        return (PreparedStatement) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {PreparedStatement.class}, (proxy, method, args) -> {
                    if (method.getName().startsWith("execute") && executionsBeforeFailure-- <= 0) {
                        throw new SQLException("injected: the connection went away", "08006");
                    }
                    return invoke(real, method, args);
                });
    }

    private static Object invoke(Object target, java.lang.reflect.Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    @Override
    public Connection getConnection(String username, String password) {
        throw new UnsupportedOperationException();
    }

    @Override
    public PrintWriter getLogWriter() {
        return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        // not used
    }

    @Override
    public void setLoginTimeout(int seconds) {
        // not used
    }

    @Override
    public int getLoginTimeout() {
        return 0;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException();
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        throw new SQLException("not a wrapper");
    }

    @Override
    public boolean isWrapperFor(Class<?> type) {
        return false;
    }
}
