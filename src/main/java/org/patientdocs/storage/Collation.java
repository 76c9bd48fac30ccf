package org.patientdocs.storage;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import javax.sql.DataSource;

import org.patientdocs.query.Dialect;

/**
 * Checks at start-up that the database compares text by code point, as H2 does and as ordering and paging rely on
 * ({@code $orderby}, next links), and on PostgreSQL that LOWER and UPPER change ASCII letters only, as the query
 * translation relies on ({@code tolower}, {@code toupper}, {@code $search}). A PostgreSQL database needs
 * {@code CREATE DATABASE … TEMPLATE template0 LC_COLLATE 'C' LC_CTYPE 'C'}; any other would order pages or match
 * text differently from one store to the next, so the service refuses to start on it. The checks compare strings
 * whose order and case differ between code points and the usual language settings, so they hold whatever the
 * collation provider.
 */
final class Collation {

    private static final String CODE_POINT_ORDER = "SELECT CASE WHEN 'B' < 'a' AND 'Z' < '_' AND '_' < 'a'"
            + " AND 'z' < '\u00e9' THEN 1 ELSE 0 END";
    private static final String ASCII_CASE_MAPPING = "SELECT CASE WHEN LOWER('A\u00c9') = 'a\u00c9'"
            + " AND UPPER('a\u00e9') = 'A\u00e9' THEN 1 ELSE 0 END";

    private Collation() {
    }

    /**
     * @throws WrongCollation when the database orders text by something other than code points, or is PostgreSQL and
     *                        changes the case of more than the ASCII letters
     */
    static void verify(DataSource dataSource, Dialect dialect) {
        if (!holds(dataSource, CODE_POINT_ORDER)
                || dialect == Dialect.POSTGRESQL && !holds(dataSource, ASCII_CASE_MAPPING)) {
            throw new WrongCollation();
        }
    }

    private static boolean holds(DataSource dataSource, String check) {
        try (Connection connection = dataSource.getConnection();
             Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery(check)) {
            rs.next();
            return rs.getInt(1) == 1;
        } catch (SQLException e) {
            throw StoreFailure.of(e);
        }
    }

    /** The database's text order is not code-point order; the message says how to create a suitable database. */
    static final class WrongCollation extends IllegalStateException {
        WrongCollation() {
            super("The database does not order text by code point or maps the case of more than ASCII letters."
                    + " Create the PostgreSQL database with TEMPLATE template0 LC_COLLATE 'C' LC_CTYPE 'C'"
                    + " (see the README).");
        }
    }
}
