package org.patientdocs.storage;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import org.patientdocs.error.ServiceException;
import org.patientdocs.query.ColumnMap;
import org.patientdocs.query.Row;
import org.patientdocs.query.RowLayout;
import org.patientdocs.query.SqlFragment;
import org.patientdocs.query.StatementRunner;

/**
 * Runs the statements of the query service: each call takes a pooled connection, runs one parameterised statement and
 * returns the connection before any byte goes to the client. Values come back as String, Long, Integer, Boolean,
 * BigDecimal, Double, LocalDate, Instant, a list of strings or bytes; failures as {@link StoreFailure#ofQuery} maps
 * them.
 */
public final class EntityStore implements StatementRunner {

    /** SQLSTATE of a statement the database cancelled, here for running past its timeout (H2 and PostgreSQL). */
    static final String QUERY_CANCELED = "57014";

    private final DataSource dataSource;
    /** Each statement's timeout in seconds (JDBC's unit); 0: none. */
    private final int timeoutSeconds;

    /** Runs statements without a timeout: for the benchmark's floor, which runs the service's SQL directly. */
    public EntityStore(DataSource dataSource) {
        this(dataSource, Duration.ZERO);
    }

    /** @param timeout how long one statement may run before the database cancels it and the request is refused */
    public EntityStore(DataSource dataSource, Duration timeout) {
        this.dataSource = dataSource;
        this.timeoutSeconds = Math.toIntExact(timeout.toSeconds());
    }

    @Override
    public List<Row> rows(SqlFragment sql, RowLayout layout) {
        List<ColumnMap.Kind> kinds = layout.kinds();
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = prepareTimed(connection, sql);
             ResultSet rs = statement.executeQuery()) {
            List<Row> rows = new ArrayList<>();
            while (rs.next()) {
                Object[] values = new Object[kinds.size()];
                for (int i = 0; i < values.length; i++) {
                    values[i] = read(rs, i + 1, kinds.get(i));
                }
                rows.add(new Row(layout, values));
            }
            return rows;
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    @Override
    public Map<Object, Long> counts(SqlFragment sql, ColumnMap.Kind group) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = prepareTimed(connection, sql);
             ResultSet rs = statement.executeQuery()) {
            Map<Object, Long> counts = new LinkedHashMap<>();
            while (rs.next()) {
                counts.put(read(rs, 1, group), rs.getLong(2));
            }
            return counts;
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    @Override
    public long count(SqlFragment sql) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = prepareTimed(connection, sql);
             ResultSet rs = statement.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    /** A statement cut off by its timeout is the limit's 503, naming it; anything else as for every query. */
    private RuntimeException failure(SQLException e) {
        if (timeoutSeconds > 0 && StoreFailure.isState(e, QUERY_CANCELED)) {
            return new ServiceException.ServiceUnavailable("The query ran longer than the service allows one query"
                    + " (query.timeout-ms, " + timeoutSeconds * 1000L + " ms) and was stopped; narrow it with $filter"
                    + " or $top, or try again when the service is less busy", e);
        }
        return StoreFailure.ofQuery(e);
    }

    /**
     * The statement with its parameters, bounded by {@code query.timeout-ms}. The timeout is set only when it differs
     * from the statement's: H2's is its session's, set by a {@code SET QUERY_TIMEOUT} that clears every session's cache
     * of parsed statements, so setting it at each statement made every request parse and plan its statements twice
     * (JFR of by-key reads: 12 % of the service's CPU). PostgreSQL's driver times each statement itself: a new one
     * always gets it.
     */
    private PreparedStatement prepareTimed(Connection connection, SqlFragment sql) throws SQLException {
        PreparedStatement statement = connection.prepareStatement(sql.sql());
        try {
            bind(statement, sql.params());
            if (statement.getQueryTimeout() != timeoutSeconds) {
                statement.setQueryTimeout(timeoutSeconds);
            }
        } catch (SQLException e) {
            statement.close();
            throw e;
        }
        return statement;
    }

    static void bind(PreparedStatement statement, List<Object> params) throws SQLException {
        for (int i = 0; i < params.size(); i++) {
            statement.setObject(i + 1, params.get(i));
        }
    }

    static Object read(ResultSet rs, int index, ColumnMap.Kind kind) throws SQLException {
        Object value = switch (kind) {
            case STRING -> rs.getString(index);
            case INT64 -> rs.getLong(index);
            case INT32 -> rs.getInt(index);
            case BOOLEAN -> rs.getBoolean(index);
            case DECIMAL -> rs.getBigDecimal(index);
            case DOUBLE -> rs.getDouble(index);
            case DATE -> rs.getObject(index, LocalDate.class);
            case DATE_TIME_OFFSET -> {
                OffsetDateTime time = rs.getObject(index, OffsetDateTime.class);
                yield time == null ? null : time.toInstant();
            }
            case STRING_LIST -> strings(rs.getArray(index));
            case BYTES -> rs.getBytes(index);
        };
        return rs.wasNull() ? null : value;
    }

    /** An SQL array of text as a list; H2 hands {@code Object[]}, PostgreSQL {@code String[]}. */
    static List<String> strings(Array array) throws SQLException {
        if (array == null) {
            return null;
        }
        try {
            Object[] values = (Object[]) array.getArray();
            List<String> strings = new ArrayList<>(values.length);
            for (Object value : values) {
                strings.add((String) value);
            }
            return Collections.unmodifiableList(strings);
        } finally {
            array.free();
        }
    }
}
