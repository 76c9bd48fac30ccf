package org.patientdocs.storage;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

import org.patientdocs.error.ServiceException;

/**
 * Turns a database failure into what the client should see: a busy or unreachable database is 503 (try again),
 * anything else an internal error. The SQL and its message travel only as the cause, for the log.
 */
public final class StoreFailure {

    /** SQLSTATE class 08: connection exceptions. */
    private static final String CONNECTION_CLASS = "08";
    static final String UNIQUE_VIOLATION = "23505";
    static final String FOREIGN_KEY_VIOLATION = "23503";

    private StoreFailure() {
    }

    public static RuntimeException of(SQLException e) {
        if (e instanceof SQLTransientConnectionException
                || e.getSQLState() != null && e.getSQLState().startsWith(CONNECTION_CLASS)) {
            return new ServiceException.ServiceUnavailable("The database is unavailable; try again shortly", e);
        }
        return new Unexpected(e);
    }

    static boolean isState(SQLException e, String state) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && state.equals(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    /** A database failure with no meaning for the client: reported as 500 with a request id. */
    public static final class Unexpected extends RuntimeException {
        Unexpected(SQLException cause) {
            super("database operation failed", cause);
        }
    }
}
