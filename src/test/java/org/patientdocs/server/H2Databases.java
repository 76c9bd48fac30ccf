package org.patientdocs.server;

import java.util.UUID;

/** H2 databases for tests. */
final class H2Databases {

    private H2Databases() {
    }

    static TestDatabase inMemory() {
        String url = "jdbc:h2:mem:it-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
        return new TestDatabase() {
            @Override
            public String url() {
                return url;
            }

            @Override
            public String user() {
                return "";
            }

            @Override
            public String password() {
                return "";
            }

            @Override
            public void close() {
                // An in-memory database lives as long as the test JVM; each is small.
            }
        };
    }
}
