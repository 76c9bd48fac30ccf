package org.patientdocs.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.sql.SQLException;
import java.util.UUID;

import org.h2.tools.Server;

/** H2 databases for tests: in memory, or in memory behind an H2 TCP server that can be stopped and started. */
final class H2Databases {

    private H2Databases() {
    }

    static TestDatabase inMemory() {
        String url = "jdbc:h2:mem:it-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
        // An in-memory database lives as long as the test JVM; each is small.
        return new TestDatabase.At(url, "", "", () -> { });
    }

    static TestDatabase.RestartableDatabase overTcp() {
        return new TcpDatabase(freePort());
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An in-memory database served over TCP: stopping the server breaks every connection, the data stays. */
    private static final class TcpDatabase implements TestDatabase.RestartableDatabase {
        private final int port;
        private final String url;
        private Server server;

        TcpDatabase(int port) {
            this.port = port;
            this.url = "jdbc:h2:tcp://127.0.0.1:" + port + "/mem:outage-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
            start();
        }

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
        public synchronized void stop() {
            server.stop();
            server = null;
        }

        @Override
        public synchronized void start() {
            try {
                server = Server.createTcpServer("-tcpPort", Integer.toString(port), "-ifNotExists").start();
            } catch (SQLException e) {
                throw new IllegalStateException("cannot start the H2 TCP server", e);
            }
        }

        @Override
        public synchronized void close() {
            if (server != null) {
                stop();
            }
        }
    }
}
