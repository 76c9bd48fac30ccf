package org.patientdocs.storage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import org.patientdocs.query.Dialect;

/**
 * Checks at start-up, once the schema is migrated, what the query translation relies on: that text compares by code
 * point, as ordering and paging need ({@code $orderby}, next links), and that LOWER and UPPER change the ASCII letters
 * only ({@code tolower}, {@code toupper}, {@code $search}).
 * <p>
 * On PostgreSQL that is collation {@code "C"} on every text column of the service's tables, which the migrations set
 * whatever collation the database was created with; the translation gives literals the same collation
 * ({@link Dialect}). A column altered by hand, or added by a migration without it, would order and match text
 * differently from the other store, so the service refuses to start and names it. On H2, which has no column
 * collations, it is the database's own comparison, which {@code SET COLLATION} changes.
 */
final class Collation {

    private static final String CODE_POINT_ORDER = "SELECT CASE WHEN 'B' < 'a' AND 'Z' < '_' AND '_' < 'a'"
            + " AND 'z' < '\u00e9' THEN 1 ELSE 0 END";
    /** The text columns of the current schema's tables, other than the named one, not in collation "C". */
    private static final String COLUMNS_NOT_IN_C = "SELECT c.relname, a.attname FROM pg_attribute a"
            + " JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
            + " WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND c.relname <> ?"
            + " AND a.attnum > 0 AND NOT a.attisdropped AND a.attcollation <> 0"
            + " AND a.attcollation <> (SELECT oid FROM pg_collation"
            + " WHERE collname = 'C' AND collnamespace = 'pg_catalog'::regnamespace)"
            + " ORDER BY c.relname, a.attnum";

    private Collation() {
    }

    /**
     * @param migrationsTable Flyway's own table, whose text columns the service never queries
     * @throws WrongCollation when text would not compare by code point
     */
    static void verify(DataSource dataSource, Dialect dialect, String migrationsTable) {
        try (Connection connection = dataSource.getConnection()) {
            switch (dialect) {
                case H2 -> verifyH2(connection);
                case POSTGRESQL -> verifyPostgresql(connection, migrationsTable);
            }
        } catch (SQLException e) {
            throw StoreFailure.of(e);
        }
    }

    private static void verifyH2(Connection connection) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(CODE_POINT_ORDER);
             ResultSet rs = statement.executeQuery()) {
            rs.next();
            if (rs.getInt(1) != 1) {
                throw new WrongCollation("The H2 database does not order text by code point; it was given another"
                        + " COLLATION. Use a database with H2's default comparison.");
            }
        }
    }

    private static void verifyPostgresql(Connection connection, String migrationsTable) throws SQLException {
        List<String> columns = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(COLUMNS_NOT_IN_C)) {
            statement.setString(1, migrationsTable);
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    columns.add(rs.getString(1) + "." + rs.getString(2));
                }
            }
        }
        if (!columns.isEmpty()) {
            throw new WrongCollation("The text columns " + String.join(", ", columns) + " are not in collation \"C\","
                    + " which ordering, paging and text matching rely on. Give each the collation, e.g. ALTER TABLE"
                    + " document ALTER COLUMN file_name TYPE VARCHAR(255) COLLATE \"C\" (see the README).");
        }
    }

    /** Text would not compare by code point; the message names what is wrong and the remedy. */
    static final class WrongCollation extends IllegalStateException {
        WrongCollation(String message) {
            super(message);
        }
    }
}
