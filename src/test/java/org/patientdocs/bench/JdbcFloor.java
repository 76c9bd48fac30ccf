package org.patientdocs.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.patientdocs.query.SqlFragment;

/**
 * Runs a request's statements directly through JDBC in the benchmark's process, over a pool of its own to the
 * service's database: the cost of the SQL alone, with every row and column read, and nothing of HTTP, OData or
 * serialisation.
 */
final class JdbcFloor implements AutoCloseable {

    private final HikariDataSource pool;

    JdbcFloor(BenchDatabase database) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("bench-floor");
        config.setJdbcUrl(database.url());
        if (!database.user().isEmpty()) {
            config.setUsername(database.user());
            config.setPassword(database.password());
        }
        config.setMaximumPoolSize(2);
        pool = new HikariDataSource(config);
    }

    /**
     * Runs the statements in order, each on a pooled connection as the service does, and adds each one's
     * nanoseconds to its series in {@code perStatement} (one per statement); returns the total nanoseconds.
     */
    long run(List<SqlFragment> statements, List<Samples> perStatement) throws SQLException {
        long total = 0;
        for (int s = 0; s < statements.size(); s++) {
            long started = System.nanoTime();
            try (Connection connection = pool.getConnection();
                 PreparedStatement statement = prepare(connection, statements.get(s));
                 ResultSet rs = statement.executeQuery()) {
                int columns = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    for (int c = 1; c <= columns; c++) {
                        rs.getObject(c);
                    }
                }
            }
            long elapsed = System.nanoTime() - started;
            perStatement.get(s).add(elapsed);
            total += elapsed;
        }
        return total;
    }

    /** The distinct non-null values of one column (1-based) in the first {@code rows} rows the query returns. */
    List<Object> distinctValues(SqlFragment sql, int column, int rows) throws SQLException {
        Set<Object> values = new LinkedHashSet<>();
        try (Connection connection = pool.getConnection();
             PreparedStatement statement = prepare(connection, sql)) {
            try (ResultSet rs = statement.executeQuery()) {
                for (int read = 0; read < rows && rs.next(); read++) {
                    Object value = rs.getObject(column);
                    if (value != null) {
                        values.add(value);
                    }
                }
            }
        }
        return List.copyOf(values);
    }

    /** Prepares the statement and binds its values as the service does ({@code setObject} in order). */
    private static PreparedStatement prepare(Connection connection, SqlFragment sql) throws SQLException {
        PreparedStatement statement = connection.prepareStatement(sql.sql());
        try {
            for (int i = 0; i < sql.params().size(); i++) {
                statement.setObject(i + 1, sql.params().get(i));
            }
        } catch (SQLException e) {
            statement.close();
            throw e;
        }
        return statement;
    }

    @Override
    public void close() {
        pool.close();
    }
}
