package org.patientdocs.storage;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.flywaydb.core.Flyway;
import org.patientdocs.config.ServiceConfig;

/** Opens the connection pool for the configured database and brings its schema up to date with Flyway. */
public final class DataSources {

    private DataSources() {
    }

    /** A pool over the configured database, migrated to the latest schema. The caller closes it. */
    public static HikariDataSource open(ServiceConfig.Database database) {
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
        // Fail fast instead of queueing a request for 30 s when the database is gone.
        hikari.setConnectionTimeout(5_000);
        hikari.setValidationTimeout(2_000);
        hikari.setAutoCommit(true);
        HikariDataSource pool = new HikariDataSource(hikari);
        try {
            migrate(pool);
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
        return pool;
    }

    static void migrate(DataSource dataSource) {
        Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/migration")
                .load()
                .migrate();
    }
}
