package org.patientdocs.storage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

import javax.sql.DataSource;

/**
 * The keyed writes and existence checks of the stores: one statement on a connection of its own (or the change
 * set's, see {@link Transactions}), its values bound in order. Failures stay {@link SQLException}s, which each store
 * maps to what they mean for its rows.
 */
final class Statements {

    private Statements() {
    }

    /** Runs an INSERT, UPDATE or DELETE; the number of rows it changed. */
    static int update(DataSource dataSource, String sql, Object... values) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            return update(connection, sql, values);
        }
    }

    /** Runs an INSERT, UPDATE or DELETE on the connection, in its transaction; the number of rows it changed. */
    static int update(Connection connection, String sql, Object... values) throws SQLException {
        try (PreparedStatement statement = prepared(connection, sql, values)) {
            return statement.executeUpdate();
        }
    }

    /** Whether the query finds a row. */
    static boolean exists(DataSource dataSource, String sql, Object... values) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            return exists(connection, sql, values);
        }
    }

    /** Whether the query finds a row, on the connection. */
    static boolean exists(Connection connection, String sql, Object... values) throws SQLException {
        try (PreparedStatement statement = prepared(connection, sql, values);
             ResultSet rs = statement.executeQuery()) {
            return rs.next();
        }
    }

    private static PreparedStatement prepared(Connection connection, String sql, Object... values)
            throws SQLException {
        PreparedStatement statement = connection.prepareStatement(sql);
        try {
            for (int i = 0; i < values.length; i++) {
                statement.setObject(i + 1, values[i]);
            }
            return statement;
        } catch (SQLException | RuntimeException e) {
            statement.close();
            throw e;
        }
    }
}
