package org.patientdocs.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.sql.Connection;
import java.time.Duration;

import com.zaxxer.hikari.HikariDataSource;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.junit.jupiter.api.Test;
import org.patientdocs.config.ServiceConfig;
import org.patientdocs.error.ServiceException;
import org.patientdocs.query.SqlFragment;
import org.patientdocs.storage.DataSources;
import org.patientdocs.storage.EntityStore;

/**
 * {@code query.timeout-ms}: a statement of a query that runs past it is cancelled by the database itself (H2 and
 * PostgreSQL, the run's), its connection goes back to the pool, and the request gets a 503 naming the limit.
 */
class QueryTimeoutIT {

    /** Ten billion pairs: minutes of work on either database, far past a one-second timeout. */
    private static final String SLOW_H2 = "SELECT COUNT(*) FROM SYSTEM_RANGE(1, 100000) a, SYSTEM_RANGE(1, 100000) b"
            + " WHERE a.X + b.X = 7";
    private static final String SLOW_POSTGRES = "SELECT COUNT(*) FROM generate_series(1, 100000) a(x),"
            + " generate_series(1, 100000) b(x) WHERE a.x + b.x = 7";

    @Test
    void aStatementPastTheTimeoutIsCancelledAndAnsweredWithTheLimitsName() throws Exception {
        try (TestDatabase database = TestDatabase.fresh();
             HikariDataSource pool = DataSources.pool(new ServiceConfig.Database(database.url(), database.user(),
                     database.password(), 1, Duration.ofSeconds(30)), "timeout-test", 1)) {
            EntityStore store = new EntityStore(pool, Duration.ofSeconds(1));
            SqlFragment slow = SqlFragment.of(TestDatabase.isPostgres() ? SLOW_POSTGRES : SLOW_H2);

            ServiceException.ServiceUnavailable refused = assertThrows(ServiceException.ServiceUnavailable.class,
                    () -> store.count(slow));
            assertTrue(refused.getMessage().contains("query.timeout-ms, 1000 ms"), refused.getMessage());

            // the pool's only connection is free again, and serves the next query at once
            assertEquals(3, store.count(SqlFragment.of(TestDatabase.isPostgres()
                    ? "SELECT COUNT(*) FROM generate_series(1, 3)" : "SELECT COUNT(*) FROM SYSTEM_RANGE(1, 3)")));
        }
    }

    /**
     * H2's timeout is its session's, and setting it ({@code SET QUERY_TIMEOUT}) counts as a change of the schema that
     * empties every session's cache of parsed statements. Set at every statement, it made every request parse and plan
     * its statements again; now it is set once per pooled connection.
     */
    @Test
    void timedStatementsLeaveH2sParsedStatementsCached() throws Exception {
        assumeFalse(TestDatabase.isPostgres(), "PostgreSQL's driver times each statement itself");
        try (TestDatabase database = TestDatabase.fresh();
             HikariDataSource pool = DataSources.pool(new ServiceConfig.Database(database.url(), database.user(),
                     database.password(), 1, Duration.ofSeconds(30)), "timeout-test", 1)) {
            EntityStore store = new EntityStore(pool, Duration.ofSeconds(1));
            SqlFragment small = SqlFragment.of("SELECT COUNT(*) FROM SYSTEM_RANGE(1, 3)");
            assertEquals(3, store.count(small));
            long schemaVersion = schemaVersion(pool);
            for (int i = 0; i < 3; i++) {
                assertEquals(3, store.count(small));
            }
            assertEquals(schemaVersion, schemaVersion(pool), "a timed statement cleared H2's statement caches");
        }
    }

    /** H2's count of schema changes, which empties every session's statement cache when it moves. */
    private static long schemaVersion(HikariDataSource pool) throws Exception {
        try (Connection connection = pool.getConnection()) {
            return ((SessionLocal) connection.unwrap(JdbcConnection.class).getSession()).getDatabase()
                    .getModificationMetaId();
        }
    }
}
