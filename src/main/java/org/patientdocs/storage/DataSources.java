package org.patientdocs.storage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.SQLExceptionOverride;
import org.flywaydb.core.Flyway;
import org.patientdocs.config.ServiceConfig;
import org.patientdocs.query.Dialect;

/**
 * Opens the connection pool for the configured database, brings its schema up to date with Flyway and checks that it
 * compares text as the service needs ({@link Collation}). The migrations in {@code db/migration} run on H2 and
 * PostgreSQL alike; those in {@code db/postgresql} only on PostgreSQL (its column collations). Several instances may
 * start at once against one PostgreSQL, as Flyway serialises its migrations with a lock.
 */
public final class DataSources {

    private static final Object H2_MIGRATIONS = new Object();
    /** The version of the newest migration in db/migration ({@code DataSourcesTest} checks it): H2's newest. */
    static final String NEWEST_MIGRATION = "20";
    /** The version of the newest migration in db/migration and db/postgresql: PostgreSQL's newest. */
    static final String NEWEST_POSTGRESQL_MIGRATION = "20.1";
    /** Flyway's history of the migrations applied (its default name). */
    private static final String MIGRATIONS_TABLE = "flyway_schema_history";
    private static final String LAST_APPLIED = "SELECT \"version\", \"success\" FROM \"" + MIGRATIONS_TABLE + "\""
            + " ORDER BY \"installed_rank\" DESC LIMIT 1";

    private DataSources() {
    }

    /**
     * A pool over the configured database, migrated to the latest schema. The caller closes it.
     *
     * @param dialect the store the URL names, as the caller decided it once
     */
    public static HikariDataSource open(ServiceConfig.Database database, Dialect dialect) {
        HikariDataSource pool = new HikariDataSource(poolConfig(database));
        try {
            if (!current(pool, dialect)) {
                migrate(flyway(pool, dialect), dialect);
            }
            Collation.verify(pool, dialect, MIGRATIONS_TABLE);
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
        return pool;
    }

    /**
     * A small pool of its own over the configured database, which {@link #open} has migrated, for work that must not
     * wait for the requests' pool (the audit trail's writer) or that runs without the service (a command).
     *
     * @param name names the pool's threads and connections (PostgreSQL's {@code application_name} stays the service's)
     */
    public static HikariDataSource pool(ServiceConfig.Database database, String name, int size) {
        HikariConfig hikari = poolConfig(database);
        hikari.setPoolName(name);
        hikari.setMaximumPoolSize(size);
        return new HikariDataSource(hikari);
    }

    /**
     * Whether the schema is the newest already: the last migration applied is this build's newest, and it succeeded.
     * A start then leaves Flyway out, which would find, read and checksum every migration in the jar (a fifth of a
     * second of a start) to find nothing to do; anything else (no history yet, an older or a newer schema, a failed
     * migration) goes to Flyway, which migrates, or refuses as before. What is left out is Flyway's check that the
     * applied migrations are unchanged since they ran, which the next new migration's start makes again.
     */
    private static boolean current(DataSource dataSource, Dialect dialect) {
        String newest = dialect == Dialect.POSTGRESQL ? NEWEST_POSTGRESQL_MIGRATION : NEWEST_MIGRATION;
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(LAST_APPLIED);
             ResultSet rs = statement.executeQuery()) {
            return rs.next() && newest.equals(rs.getString(1)) && rs.getBoolean(2);
        } catch (SQLException noHistoryYet) {
            return false;
        }
    }

    /**
     * Migrates. PostgreSQL serialises concurrent migrations itself (Flyway holds an advisory lock); H2 has no lock that
     * outlives Flyway's DDL, which commits, so two instances migrating one H2 database at once could both apply a
     * version. Only instances in one process can share an H2 database (its file is locked by the process that opened
     * it), so a lock of the process serialises them.
     */
    private static void migrate(Flyway flyway, Dialect dialect) {
        if (dialect == Dialect.POSTGRESQL) {
            flyway.migrate();
            return;
        }
        synchronized (H2_MIGRATIONS) {
            flyway.migrate();
        }
    }

    static HikariConfig poolConfig(ServiceConfig.Database database) {
        HikariConfig hikari = new HikariConfig();
        hikari.setPoolName("documents");
        hikari.setJdbcUrl(database.url());
        if (!database.user().isEmpty()) {
            hikari.setUsername(database.user());
        }
        if (!database.password().isEmpty()) {
            hikari.setPassword(database.password());
        }
        hikari.setMaximumPoolSize(database.poolSize());
        // Fail fast instead of queueing a request for 30 s when the database is gone: the request is answered 503.
        long timeoutMillis = database.connectTimeout().toMillis();
        hikari.setConnectionTimeout(timeoutMillis);
        hikari.setValidationTimeout(Math.max(250, Math.min(2_000, timeoutMillis / 2)));
        hikari.setAutoCommit(true);
        hikari.setExceptionOverride(new DropUnreachable());
        if (closedByH2AtExit(database.url())) {
            // the service closes the database at its stop, after the requests in flight, the audit journal's move and
            // H2's housekeeping; H2's own shutdown hook would close it as the JVM begins to exit, under all of them
            hikari.addDataSourceProperty("DB_CLOSE_ON_EXIT", "FALSE");
        }
        if (database.isPostgres()) {
            // The driver's own TCP connect timeout (seconds), so that an unreachable host fails as fast as the pool.
            hikari.addDataSourceProperty("connectTimeout", Long.toString(Math.max(1, (timeoutMillis + 999) / 1000)));
            hikari.addDataSourceProperty("tcpKeepAlive", "true");
            hikari.addDataSourceProperty("ApplicationName", "patient-documents");
        }
        return hikari;
    }

    /**
     * Whether the URL opens an H2 database in this process (a file or memory, not a server's) that H2 would close
     * when the JVM exits: unless the URL says otherwise ({@code DB_CLOSE_ON_EXIT}, any value), it does. Not with
     * {@code AUTO_SERVER=TRUE}, which H2 refuses to open without its hook.
     */
    static boolean closedByH2AtExit(String url) {
        String lower = url.toLowerCase(Locale.ROOT);
        return onlyThisProcess(url) && !lower.contains(";db_close_on_exit=");
    }

    /**
     * Whether only this process can open the URL's database: an H2 database in this process (a file or memory),
     * without {@code AUTO_SERVER=TRUE}, which lets other processes connect to it.
     */
    public static boolean onlyThisProcess(String url) {
        String lower = url.toLowerCase(Locale.ROOT);
        return lower.startsWith("jdbc:h2:") && !lower.startsWith("jdbc:h2:tcp:") && !lower.startsWith("jdbc:h2:ssl:")
                && !lower.contains(";auto_server=true");
    }

    /**
     * Drops a connection from the pool whenever it fails the way an unreachable database does, so that the
     * connections broken by an outage are gone once the database is back. Hikari knows PostgreSQL's states by
     * itself, but would keep handing out an H2 connection closed by its server.
     */
    static final class DropUnreachable implements SQLExceptionOverride {
        @java.lang.Override // the interface's nested enum is called Override too
        public SQLExceptionOverride.Override adjudicate(SQLException e) {
            return StoreFailure.isUnavailable(e) ? SQLExceptionOverride.Override.MUST_EVICT
                    : SQLExceptionOverride.Override.CONTINUE_EVICT;
        }
    }

    static void migrate(DataSource dataSource, Dialect dialect) {
        migrate(flyway(dataSource, dialect), dialect);
    }

    private static Flyway flyway(DataSource dataSource, Dialect dialect) {
        List<String> locations = new ArrayList<>(List.of("classpath:db/migration"));
        if (dialect == Dialect.POSTGRESQL) {
            locations.add("classpath:db/postgresql");
        }
        return Flyway.configure()
                .dataSource(dataSource)
                .locations(locations.toArray(String[]::new))
                .load();
    }
}
