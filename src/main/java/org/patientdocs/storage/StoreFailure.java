package org.patientdocs.storage;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.util.Set;

import org.patientdocs.error.ErrorCode;
import org.patientdocs.error.ServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.exception.SdkServiceException;

/**
 * Turns a failure of the stores into what the client should see: a busy or unreachable database or S3 service is 503
 * (try again), a value the client's query cannot compute over the data is 400, anything else an internal error. The
 * SQL, the object key and their messages travel only as the cause, for the log ({@code SafeTrace} drops messages).
 */
public final class StoreFailure {

    /** SQLSTATE class 08: connection exceptions. */
    private static final String CONNECTION_CLASS = "08";
    /** SQLSTATE class 22: data exceptions, e.g. an overflow in arithmetic, a value a cast cannot hold. */
    private static final String DATA_EXCEPTION_CLASS = "22";
    /**
     * Other states of a database that is going away or not back yet: PostgreSQL's admin_shutdown (57P01),
     * crash_shutdown (57P02) and cannot_connect_now (57P03, still starting), and H2's "connection is broken" (90067),
     * "database is closed" (90098) and "closed at shutdown" (90121).
     */
    private static final Set<String> UNAVAILABLE_STATES = Set.of("57P01", "57P02", "57P03", "90067", "90098",
            "90121");
    static final String UNIQUE_VIOLATION = "23505";
    /** A foreign key violated, on PostgreSQL either way; on H2 by deleting a row others refer to. */
    static final String FOREIGN_KEY_VIOLATION = "23503";
    /** H2's state for inserting a row that refers to a missing one (PostgreSQL says 23503). */
    static final String FOREIGN_KEY_PARENT_MISSING = "23506";

    private StoreFailure() {
    }

    public static RuntimeException of(SQLException e) {
        if (isUnavailable(e)) {
            return new ServiceException.ServiceUnavailable("The database is unavailable; try again shortly", e);
        }
        return new Unexpected(e);
    }

    /**
     * A failed call to S3: no answer in time, no connection (refused, or none free in the pool within the timeout), a
     * connection broken midway, or S3 saying it is busy or failing (5xx) is 503; anything else (access denied, a
     * missing bucket: the configuration's fault) an internal error.
     */
    static RuntimeException of(SdkException e) {
        if (e instanceof SdkClientException || e instanceof SdkServiceException service && (service.statusCode() >= 500
                || service.isThrottlingException())) {
            return new ServiceException.ServiceUnavailable("The document storage is unavailable; try again shortly",
                    e);
        }
        return new Unexpected("document storage operation failed", e);
    }

    /**
     * The failure of a statement translated from the client's query options: as {@link #of}, except that a data
     * exception comes from the values the client asked to compute (an overflow, an impossible cast), so it is a 400
     * rather than a failure of the service.
     */
    static RuntimeException ofQuery(SQLException e) {
        RuntimeException failure = of(e);
        if (failure instanceof Unexpected && e.getSQLState() != null
                && e.getSQLState().startsWith(DATA_EXCEPTION_CLASS)) {
            return new ServiceException.BadRequest(ErrorCode.QUERY_NOT_EVALUABLE, null,
                    "The query cannot be evaluated over the data: a computed value is out of range or invalid", e);
        }
        return failure;
    }

    /** Whether the failure, or a cause of it, says the database cannot be reached right now. */
    static boolean isUnavailable(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLTransientConnectionException || t instanceof SQLNonTransientConnectionException) {
                return true;
            }
            String state = t instanceof SQLException sql ? sql.getSQLState() : null;
            if (state != null && (state.startsWith(CONNECTION_CLASS) || UNAVAILABLE_STATES.contains(state))) {
                return true;
            }
        }
        return false;
    }

    static boolean isState(SQLException e, String state) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && state.equals(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    /** A database or S3 failure with no meaning for the client: reported as 500 with a request id. */
    public static final class Unexpected extends RuntimeException {
        Unexpected(SQLException cause) {
            this("database operation failed", cause);
        }

        Unexpected(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
