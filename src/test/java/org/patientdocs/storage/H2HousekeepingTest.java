package org.patientdocs.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import org.h2.jdbcx.JdbcDataSource;
import org.h2.mvstore.MVStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * H2's chunks as the service's commits leave them, with and without the housekeeping, on a real H2 file database.
 * {@code RETENTION_TIME=0} lets H2 free and rewrite a chunk at once instead of after 45 s, so that the test need not
 * wait; everything else is the service's default URL.
 */
class H2HousekeepingTest {

    private static final int COMMITS = 3_000;
    /** Rewriting's threshold here: the test's commits leave a few hundred chunks, not the thousands it is for. */
    private static final int FEW_CHUNKS = 50;

    @TempDir
    Path dir;

    private JdbcDataSource h2(String settings) {
        JdbcDataSource dataSource = new JdbcDataSource();
        dataSource.setURL("jdbc:h2:file:" + dir.resolve("documents") + ";DB_CLOSE_ON_EXIT=FALSE" + settings);
        return dataSource;
    }

    @Test
    void onlyAnH2DatabaseInThisProcessWithoutItsBackgroundWriterIsLookedAfter() throws Exception {
        try (Connection open = h2(";WRITE_DELAY=0").getConnection();
             H2Housekeeping housekeeping = H2Housekeeping.start(h2(";WRITE_DELAY=0"))) {
            assertNotNull(housekeeping);
        }
        // H2's default write delay: its own thread does the housekeeping
        try (Connection open = h2("").getConnection()) {
            assertNull(H2Housekeeping.start(h2("")));
        }
        JdbcDataSource memory = new JdbcDataSource();
        memory.setURL("jdbc:h2:mem:housekeeping;WRITE_DELAY=0");
        assertNull(H2Housekeeping.start(memory));
    }

    /**
     * One row per commit, as uploads and audit events come: each commit leaves a chunk that later commits mostly
     * replace. The housekeeping leaves a fraction of the chunks, written to the file without waiting for another
     * commit: after the process ends without closing the database (as {@code kill -9} would), the database opens
     * with the few chunks and every row.
     */
    @Test
    void sparseChunksAreRewrittenIntoFewAndNoRowIsLost() throws SQLException {
        JdbcDataSource dataSource = h2(";WRITE_DELAY=0;RETENTION_TIME=0");
        int before;
        try (Connection connection = dataSource.getConnection()) {
            insertOneByOne(connection);
            before = info(connection, "CHUNK_COUNT");
            assertTrue(info(connection, "CHUNKS_FILL_RATE") < H2Housekeeping.SPARSE_FILL_RATE,
                    "one chunk per commit, mostly dead pages");
            MVStore store = H2Housekeeping.localStoreWithoutWriter(dataSource);
            int runs = 0;
            while (H2Housekeeping.run(store, FEW_CHUNKS)) {
                runs++;
                assertTrue(runs < 1_000, "the housekeeping ends once the chunks are full enough");
            }
            assertTrue(runs > 0);
            endWithoutClosing(connection);
        }
        // H2 frees a chunk once none of its pages is live; a chunk with one page still live stays
        assertTrue(before > COMMITS / 20, "chunks with live pages left: " + before);
        int after = chunksWithEveryRow(dataSource);
        assertTrue(after * 10 < before, before + " chunks before, " + after + " after");
    }

    /**
     * At a clean stop the chunks still inside H2's retention time (45 s here, H2's default) are rewritten too, which
     * no run can do: after the process ends without closing the database, it opens with a fraction of the chunks,
     * every row, and the retention time as it was while it ran.
     */
    @Test
    void settlingRewritesYoungSparseChunksAndLosesNoRow() throws SQLException {
        JdbcDataSource dataSource = h2(";WRITE_DELAY=0");
        int before;
        int settled;
        try (Connection connection = dataSource.getConnection()) {
            insertOneByOne(connection);
            before = info(connection, "CHUNK_COUNT");
            MVStore store = H2Housekeeping.localStoreWithoutWriter(dataSource);
            int retention = store.getRetentionTime();
            assertFalse(H2Housekeeping.run(store, FEW_CHUNKS), "too young for the running housekeeping");
            assertTrue(H2Housekeeping.settle(store, H2Housekeeping.SETTLE_MILLIS, FEW_CHUNKS) > 0);
            assertEquals(retention, store.getRetentionTime());
            settled = info(connection, "CHUNK_COUNT");
            endWithoutClosing(connection);
        }
        assertTrue(settled * 10 < before, before + " chunks before, " + settled + " after");
        assertTrue(chunksWithEveryRow(dataSource) <= settled + 1, "the file as the stop left it");
    }

    /**
     * Fewer chunks than are worth rewriting are left as they are, however sparse: a rewrite's own commit leaves a
     * chunk the next commit makes sparse, so the housekeeping would otherwise write for ever on an idle database.
     */
    @Test
    void fewChunksAreLeftAlone() throws SQLException {
        JdbcDataSource dataSource = h2(";WRITE_DELAY=0;RETENTION_TIME=0");
        try (Connection connection = dataSource.getConnection()) {
            insertOneByOne(connection);
            assertTrue(info(connection, "CHUNK_COUNT") < H2Housekeeping.CHUNKS_WORTH_REWRITING);
            assertTrue(info(connection, "CHUNKS_FILL_RATE") < H2Housekeeping.SPARSE_FILL_RATE);
            MVStore store = H2Housekeeping.localStoreWithoutWriter(dataSource);
            // the first runs may drop (and commit dropping) chunks the last inserts left dead
            for (int run = 0; run < 2; run++) {
                assertFalse(H2Housekeeping.run(store, H2Housekeeping.CHUNKS_WORTH_REWRITING));
            }
            long version = store.getCurrentVersion();
            for (int run = 0; run < 10; run++) {
                assertFalse(H2Housekeeping.run(store, H2Housekeeping.CHUNKS_WORTH_REWRITING));
            }
            assertEquals(version, store.getCurrentVersion(), "nothing committed by the housekeeping");
            assertEquals(0, H2Housekeeping.settle(store, H2Housekeeping.SETTLE_MILLIS,
                    H2Housekeeping.CHUNKS_WORTH_REWRITING), "nor rewritten at a stop");
        }
    }

    /** Closes the database without writing anything more, as if the process had ended. */
    private static void endWithoutClosing(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("SHUTDOWN IMMEDIATELY");
        }
    }

    /** Opens the database again, asserts that every row {@link #insertOneByOne} wrote is there; its chunks. */
    private static int chunksWithEveryRow(JdbcDataSource dataSource) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT COUNT(*), SUM(id), COUNT(DISTINCT patient) FROM t")) {
            int chunks = info(connection, "CHUNK_COUNT");
            assertTrue(rs.next());
            assertEquals(COMMITS, rs.getInt(1));
            assertEquals((long) COMMITS * (COMMITS - 1) / 2, rs.getLong(2));
            assertEquals(100, rs.getInt(3));
            return chunks;
        }
    }

    private static void insertOneByOne(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE t (id BIGINT PRIMARY KEY, patient INT NOT NULL, name VARCHAR(100))");
            statement.execute("CREATE INDEX t_patient ON t (patient, id)");
        }
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO t (id, patient, name) VALUES (?, ?, ?)")) {
            for (int i = 0; i < COMMITS; i++) {
                insert.setLong(1, i);
                insert.setInt(2, i % 100);
                insert.setString(3, "referral-" + i + ".pdf");
                insert.executeUpdate();
            }
        }
    }

    private static int info(Connection connection, String name) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME = ?")) {
            statement.setString(1, "info." + name);
            try (ResultSet rs = statement.executeQuery()) {
                assertTrue(rs.next(), name);
                return Integer.parseInt(rs.getString(1));
            }
        }
    }
}
