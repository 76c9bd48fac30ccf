package org.patientdocs.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.patientdocs.auth.DevCommands;
import org.patientdocs.config.ConfigLoader;
import org.patientdocs.config.ServiceConfig;

/**
 * A read's audit event is in the journal before its answer leaves: the service killed (SIGKILL) right after its last
 * answer has every one of them in its trail after the next start, and none twice.
 */
class AuditJournalIT {

    private static final String ANNOUNCED = "Patient documents OData service at ";

    @TempDir
    Path dataDir;

    @Test
    void readsAnsweredJustBeforeAKillAreInTheTrailAfterTheNextStartEachOnce() throws Exception {
        Map<String, String> settings = new HashMap<>(Map.of("data.dir", dataDir.toString(), "http.port", "0"));
        Map<String, String> environment = new HashMap<>();
        TestDatabase database = JarProcess.database(settings, environment);
        try (AutoCloseable dropped = database) {
            Map<String, String> all = new HashMap<>(settings);
            if (database != null) {
                all.put("db.password", database.password());
            }
            ServiceConfig config = ConfigLoader.fromOverrides(all);
            int reads = 40;
            try (JarProcess killed = JarProcess.start(dataDir, settings, environment)) {
                createAndRead(new Client(started(killed), config), "killed", reads);
            }
            try (JarProcess next = JarProcess.start(dataDir, settings, environment)) {
                Client client = new Client(started(next), config);
                String readsOfThePatient = "AuditEvents/$count?$filter=action%20eq%20'read'"
                        + "%20and%20resource%20eq%20'Patients(''killed'')'";
                assertEquals(Integer.toString(reads), client.send(HttpRequest.newBuilder(client.uri(readsOfThePatient))
                        .GET()).body());
                assertEquals("1", client.send(HttpRequest.newBuilder(client.uri(
                        "AuditEvents/$count?$filter=action%20eq%20'create'")).GET()).body());
                next.terminate();
                assertEquals(List.of(), next.remainingLines().stream().filter(line -> line.contains("ERROR"))
                        .toList());
            }
        }
    }

    /**
     * An H2 URL of one's own without {@code DB_CLOSE_ON_EXIT=FALSE}, with which H2 closes the database as soon as the
     * JVM begins to exit: the service's stop still finds it open, moves the journal's reads into the table itself,
     * and says nothing is wrong.
     */
    @Test
    void aStopMovesTheJournalEvenWhereTheH2UrlLetsH2CloseAtExit() throws Exception {
        assumeFalse(TestDatabase.isPostgres(), "the URL is H2's own; the run's store does not matter");
        String url = "jdbc:h2:file:" + dataDir.resolve("own").resolve("documents") + ";WRITE_DELAY=0";
        Map<String, String> settings = Map.of("data.dir", dataDir.toString(), "http.port", "0", "db.url", url,
                "shutdown.delay-seconds", "0");
        int reads = 20;
        try (JarProcess service = JarProcess.start(dataDir, settings, Map.of())) {
            createAndRead(new Client(started(service), ConfigLoader.fromOverrides(settings)), "stopped", reads);
            service.terminate();
            List<String> stop = service.remainingLines();
            assertEquals(List.of(), stop.stream().filter(line -> line.contains(" WARN ") || line.contains(" ERROR "))
                    .toList(), "all output of the stop: " + stop);
        }
        // before any other start: what the stop moved, and nothing else
        try (Connection connection = DriverManager.getConnection(url, "", "");
             Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT COUNT(*) FROM audit_event WHERE action = 'read'"
                     + " AND resource = 'Patients(''stopped'')'")) {
            rs.next();
            assertEquals(reads, rs.getInt(1));
        }
    }

    /** Creates the patient, then reads it {@code reads} times: each read an event in the journal. */
    private static void createAndRead(Client client, String patient, int reads) throws Exception {
        assertEquals(201, client.send(HttpRequest.newBuilder(client.uri("Patients"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"id\":\"" + patient + "\"}"))).statusCode());
        for (int i = 0; i < reads; i++) {
            assertEquals(200, client.send(HttpRequest.newBuilder(client.uri("Patients('" + patient + "')")).GET())
                    .statusCode());
        }
    }

    private static URI started(JarProcess service) throws InterruptedException {
        List<String> start = service.linesUntil(ANNOUNCED);
        return URI.create(start.get(start.size() - 1).substring(ANNOUNCED.length()));
    }

    /** Requests with the development mode's credentials, which the commands print. */
    private static final class Client {
        private final HttpClient http = HttpClient.newHttpClient();
        private final URI base;
        private final String token;
        private final String apiKey;

        Client(URI base, ServiceConfig config) {
            this.base = base;
            this.token = run(config, "token", "--subject", "user-456");
            this.apiKey = run(config, "api-key");
        }

        URI uri(String path) {
            return base.resolve(path);
        }

        HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
            return http.send(request.header("Authorization", "Bearer " + token).header("x-api-key", apiKey).build(),
                    HttpResponse.BodyHandlers.ofString());
        }

        private static String run(ServiceConfig config, String... args) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int status = DevCommands.run(args, config, new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
            assertEquals(0, status);
            return out.toString(StandardCharsets.UTF_8).trim();
        }
    }
}
