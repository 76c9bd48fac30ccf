package org.patientdocs.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

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

    /** The database's plan of the statement, as run with its values (EXPLAIN ANALYZE): one line per row. */
    List<String> explain(SqlFragment sql) throws SQLException {
        boolean postgres = pool.getJdbcUrl().startsWith("jdbc:postgresql:");
        SqlFragment explain = new SqlFragment((postgres ? "EXPLAIN (ANALYZE, BUFFERS) " : "EXPLAIN ANALYZE ")
                + sql.sql(), sql.params(), false);
        List<String> lines = new ArrayList<>();
        try (Connection connection = pool.getConnection();
             PreparedStatement statement = prepare(connection, explain);
             ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
                lines.addAll(List.of(rs.getString(1).split("\n")));
            }
        }
        return lines;
    }

    /** The floor's own pool to the service's database. */
    DataSource dataSource() {
        return pool;
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
