package org.patientdocs.server;

import java.util.Locale;

/**
 * A database for one test's services, of the kind the test run was started for: the system property
 * {@code test.database} is {@code h2} (an in-memory H2, the default) or {@code postgres} (a fresh database on the
 * embedded PostgreSQL server of this test JVM). Closing it drops it.
 */
interface TestDatabase extends AutoCloseable {

    String url();

    String user();

    String password();

    @Override
    void close();

    /** A new, empty database. */
    static TestDatabase fresh() {
        return isPostgres() ? EmbeddedPostgresServer.newSharedDatabase() : H2Databases.inMemory();
    }

    /** A new, empty database on a server of its own that the test may stop and start again. */
    static RestartableDatabase restartable() {
        return isPostgres() ? EmbeddedPostgresServer.restartable() : H2Databases.overTcp();
    }

    /** Whether this run's database is PostgreSQL. */
    static boolean isPostgres() {
        String kind = System.getProperty("test.database", "h2").toLowerCase(Locale.ROOT);
        return switch (kind) {
            case "h2" -> false;
            case "postgres" -> true;
            default -> throw new IllegalStateException("test.database must be h2 or postgres, was " + kind);
        };
    }

    /** This run's document store ({@code documents.store}), from the system property {@code test.documents.store}. */
    static String documentStore() {
        return System.getProperty("test.documents.store", "filesystem");
    }

    /** A database at a fixed address; closing it runs {@code drop}. */
    record At(String url, String user, String password, Runnable drop) implements TestDatabase {
        @Override
        public void close() {
            drop.run();
        }
    }

    /** A database whose server can go away and come back, as a production database might. */
    interface RestartableDatabase extends TestDatabase {

        /** Stops the server: open connections break, new ones are refused. */
        void stop();

        /** Starts the stopped server again, with the data it had. */
        void start();
    }
}
