package org.patientdocs.storage;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import javax.sql.DataSource;

/**
 * Checks at start-up that the database compares text by code point, as H2 does and as ordering and paging rely on
 * ({@code $orderby}, next links). A PostgreSQL database needs the collation "C"
 * ({@code CREATE DATABASE … TEMPLATE template0 LC_COLLATE 'C' LC_CTYPE 'C'}); any other would order pages
 * differently from one store to the next, so the service refuses to start on it. The check compares strings whose
 * order differs between code points and the usual language collations, so it holds whatever the collation provider.
 */
final class Collation {

    private static final String CODE_POINT_ORDER = "SELECT CASE WHEN 'B' < 'a' AND 'Z' < '_' AND '_' < 'a'"
            + " AND 'z' < '\u00e9' THEN 1 ELSE 0 END";

    private Collation() {
    }

    /** @throws WrongCollation when the database orders text by something other than code points */
    static void verify(DataSource dataSource) {
        try (Connection connection = dataSource.getConnection();
             Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery(CODE_POINT_ORDER)) {
            rs.next();
            if (rs.getInt(1) != 1) {
                throw new WrongCollation();
            }
        } catch (SQLException e) {
            throw StoreFailure.of(e);
        }
    }

    /** The database's text order is not code-point order; the message says how to create a suitable database. */
    static final class WrongCollation extends IllegalStateException {
        WrongCollation() {
            super("The database does not order text by code point. Create the PostgreSQL database with"
                    + " TEMPLATE template0 LC_COLLATE 'C' LC_CTYPE 'C' (see the README).");
        }
    }
}
