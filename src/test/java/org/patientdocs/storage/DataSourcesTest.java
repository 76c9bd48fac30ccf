package org.patientdocs.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.SQLExceptionOverride;
import org.junit.jupiter.api.Test;
import org.patientdocs.config.ServiceConfig;
import org.patientdocs.query.Dialect;

class DataSourcesTest {

    private static HikariConfig pool(String url, long timeoutMillis) {
        return DataSources.poolConfig(new ServiceConfig.Database(url, "", "", 7, Duration.ofMillis(timeoutMillis)));
    }

    /** The service closes an H2 database in its process itself, at its stop; H2 closing it at exit would come first. */
    @Test
    void h2InThisProcessIsLeftOpenAtExitUnlessTheUrlSaysOtherwise() {
        assertTrue(DataSources.closedByH2AtExit("jdbc:h2:file:/data/db/documents;WRITE_DELAY=0"));
        assertTrue(DataSources.closedByH2AtExit("jdbc:h2:/data/db/documents"));
        assertTrue(DataSources.closedByH2AtExit("jdbc:h2:mem:documents"));
        assertEquals("FALSE", pool("jdbc:h2:file:/data/db/documents", 1000).getDataSourceProperties()
                .getProperty("DB_CLOSE_ON_EXIT"));
        for (String url : List.of("jdbc:h2:file:/data/db/documents;WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE",
                "jdbc:h2:file:/data/db/documents;db_close_on_exit=TRUE", "jdbc:h2:tcp://db:9092/documents",
                "jdbc:h2:ssl://db:9092/documents", "jdbc:h2:file:/data/db/documents;AUTO_SERVER=TRUE",
                "jdbc:postgresql://db:5432/documents")) {
            assertFalse(DataSources.closedByH2AtExit(url), url);
            assertNull(pool(url, 1000).getDataSourceProperties().getProperty("DB_CLOSE_ON_EXIT"), url);
        }
    }

    /**
     * The audit trail's writer batches for a database only this process opens ({@link AuditLog.Batching#IN_PROCESS}):
     * an H2 file or memory database, unless another process may connect to it.
     */
    @Test
    void onlyAnH2DatabaseInThisProcessWithoutAnAutoServerIsThisProcesssAlone() {
        for (String url : List.of("jdbc:h2:file:/data/db/documents;WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE",
                "jdbc:h2:/data/db/documents", "jdbc:h2:mem:documents", "JDBC:H2:FILE:/data/db/documents")) {
            assertTrue(DataSources.onlyThisProcess(url), url);
        }
        for (String url : List.of("jdbc:h2:tcp://db:9092/documents", "jdbc:h2:ssl://db:9092/documents",
                "jdbc:h2:file:/data/db/documents;AUTO_SERVER=TRUE", "jdbc:h2:file:/data/db/documents;auto_server=true",
                "jdbc:postgresql://db:5432/documents")) {
            assertFalse(DataSources.onlyThisProcess(url), url);
        }
    }

    /** Adding a migration without naming it newest would leave it unapplied on every database that was current. */
    @Test
    void theNewestMigrationsAreTheNewestFilesOfEachStore() throws IOException {
        assertEquals(DataSources.NEWEST_MIGRATION, newest(List.of("db/migration")));
        assertEquals(DataSources.NEWEST_POSTGRESQL_MIGRATION, newest(List.of("db/migration", "db/postgresql")));
    }

    private static String newest(List<String> locations) throws IOException {
        List<Integer> newest = null;
        for (String location : locations) {
            try (Stream<Path> files = Files.list(Path.of("src/main/resources", location))) {
                for (Path file : files.toList()) {
                    String name = file.getFileName().toString();
                    List<Integer> version = Arrays.stream(name.substring(1, name.indexOf("__")).split("_"))
                            .map(Integer::valueOf).toList();
                    newest = newest == null || VERSIONS.compare(version, newest) > 0 ? version : newest;
                }
            }
        }
        return String.join(".", newest.stream().map(String::valueOf).toList());
    }

    private static final Comparator<List<Integer>> VERSIONS = (a, b) -> {
        for (int i = 0; i < Math.max(a.size(), b.size()); i++) {
            int difference = Integer.compare(i < a.size() ? a.get(i) : 0, i < b.size() ? b.get(i) : 0);
            if (difference != 0) {
                return difference;
            }
        }
        return 0;
    };

    private static ServiceConfig.Database inMemory() {
        return new ServiceConfig.Database("jdbc:h2:mem:migrations-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "",
                "", 2, Duration.ofSeconds(5));
    }

    /** On the newest schema a start leaves Flyway out, which would refuse a history whose checksum was changed. */
    @Test
    void aStartOnTheNewestSchemaDoesNotMigrate() throws SQLException {
        ServiceConfig.Database database = inMemory();
        try (HikariDataSource first = DataSources.open(database, Dialect.H2);
             Connection connection = first.getConnection();
             Statement statement = connection.createStatement()) {
            statement.executeUpdate("UPDATE \"flyway_schema_history\" SET \"checksum\" = 1 WHERE \"version\" = '1'");
            DataSources.open(database, Dialect.H2).close();
        }
    }

    /** On an older schema a start migrates it to the newest. */
    @Test
    void aStartOnAnOlderSchemaMigratesIt() throws SQLException {
        ServiceConfig.Database database = inMemory();
        try (HikariDataSource first = DataSources.open(database, Dialect.H2);
             Connection connection = first.getConnection();
             Statement statement = connection.createStatement()) {
            statement.executeUpdate("DELETE FROM \"flyway_schema_history\" WHERE \"version\" = '"
                    + DataSources.NEWEST_MIGRATION + "'");
            statement.executeUpdate("DROP TABLE audit_journal");
            statement.executeUpdate("DROP TABLE audit_pending");
            DataSources.open(database, Dialect.H2).close();
            try (ResultSet rs = statement.executeQuery("SELECT COUNT(*) FROM INFORMATION_SCHEMA.TABLES"
                    + " WHERE TABLE_NAME = 'AUDIT_JOURNAL'")) {
                rs.next();
                assertEquals(1, rs.getInt(1), "the newest migration ran again");
            }
        }
    }

    @Test
    void requestsWaitNoLongerThanTheConnectTimeout() {
        HikariConfig config = pool("jdbc:h2:mem:x", 1500);
        assertEquals(1500, config.getConnectionTimeout());
        assertTrue(config.getValidationTimeout() < config.getConnectionTimeout());
        assertEquals(7, config.getMaximumPoolSize());
    }

    @Test
    void thePostgresDriverFailsAsFastAsThePool() {
        HikariConfig config = pool("jdbc:postgresql://db/documents", 1500);
        assertEquals("2", config.getDataSourceProperties().getProperty("connectTimeout"));
        assertEquals("true", config.getDataSourceProperties().getProperty("tcpKeepAlive"));
    }

    @Test
    void h2GetsNoPostgresProperties() throws SQLException {
        HikariConfig config = pool("jdbc:h2:mem:" + UUID.randomUUID(), 1500);
        assertEquals(Set.of("DB_CLOSE_ON_EXIT"), config.getDataSourceProperties().stringPropertyNames(),
                "H2 refuses unknown settings");
        try (HikariDataSource dataSource = new HikariDataSource(config);
             Connection connection = dataSource.getConnection()) {
            assertTrue(connection.isValid(1), "and takes this one");
        }
    }

    @Test
    void connectionsBrokenByAnOutageLeaveThePool() {
        SQLExceptionOverride override = pool("jdbc:h2:mem:x", 1000).getExceptionOverride();
        assertEquals(SQLExceptionOverride.Override.MUST_EVICT, override.adjudicate(new SQLException("x", "90121")));
        assertEquals(SQLExceptionOverride.Override.MUST_EVICT, override.adjudicate(new SQLException("x", "57P01")));
        assertEquals(SQLExceptionOverride.Override.CONTINUE_EVICT,
                override.adjudicate(new SQLException("x", "23505")));
    }
}
