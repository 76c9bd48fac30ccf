package org.patientdocs.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
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
                Client client = new Client(started(killed), config);
                assertEquals(201, client.send(HttpRequest.newBuilder(client.uri("Patients"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"id\":\"killed\"}"))).statusCode());
                for (int i = 0; i < reads; i++) {
                    assertEquals(200, client.send(HttpRequest.newBuilder(client.uri("Patients('killed')")).GET())
                            .statusCode());
                }
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
