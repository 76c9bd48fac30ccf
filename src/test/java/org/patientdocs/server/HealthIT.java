package org.patientdocs.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/**
 * {@code /health/live} and {@code /health/ready}: answered without credentials, outside the rate limits and the
 * audit trail, naming each check; ready only while the database answers.
 */
class HealthIT {

    private static final Duration PROMPTLY = Duration.ofSeconds(15);

    @Test
    void liveAndReadyAnswerWithoutCredentialsNamingEachCheck() throws Exception {
        try (TestService service = TestService.start(Map.of())) {
            HttpResponse<String> live = health(service, service.base, "health/live");
            assertEquals(200, live.statusCode(), live.body());
            assertEquals("live", TestService.json(live).get("status").asText());

            HttpResponse<String> ready = health(service, service.base, "health/ready");
            assertEquals(200, ready.statusCode(), ready.body());
            JsonNode body = TestService.json(ready);
            assertEquals("ready", body.get("status").asText());
            for (String check : new String[] {"lifecycle", "database", "document_store", "migrations",
                    "signing_keys"}) {
                assertEquals("up", body.get("checks").get(check).asText(), ready.body());
            }
            assertEquals("no-store", ready.headers().firstValue("Cache-Control").orElse(""));
        }
    }

    @Test
    void healthChecksAreNeitherRateLimitedNorAudited() throws Exception {
        try (TestService service = TestService.start(Map.of("rate-limit.api-key.requests-per-minute", "1",
                "rate-limit.api-key.burst", "1", "rate-limit.subject.requests-per-minute", "1",
                "rate-limit.subject.burst", "1"))) {
            long events = auditEvents(service);
            for (int i = 0; i < 5; i++) {
                // with the credentials a load balancer would never send, to show they change nothing
                HttpResponse<String> ready = service.send(service.request("health/ready").GET().build());
                assertEquals(200, ready.statusCode(), ready.body());
            }
            assertEquals(events, auditEvents(service));
        }
    }

    @Test
    void readyIsFalseWhileTheDatabaseIsDownAndTrueOnceItIsBack() throws Exception {
        try (TestDatabase.RestartableDatabase database = TestDatabase.restartable();
             TestService service = TestService.start(database, Map.of("db.connect-timeout-ms", "1000"))) {
            assertEquals(200, health(service, service.base, "health/ready").statusCode());

            database.stop();
            HttpResponse<String> down = health(service, service.base, "health/ready");
            assertEquals(503, down.statusCode(), down.body());
            JsonNode body = TestService.json(down);
            assertEquals("not ready", body.get("status").asText());
            assertEquals("down", body.get("checks").get("database").asText(), down.body());
            assertEquals("up", body.get("checks").get("signing_keys").asText(), down.body());
            assertEquals(200, health(service, service.base, "health/live").statusCode(), "alive all the same");

            database.start();
            // the pool may first meet a connection the outage broke; a bounded number of attempts tells that apart
            // from a service that never recovers
            HttpResponse<String> back = null;
            for (int attempt = 0; attempt < 20; attempt++) {
                back = health(service, service.base, "health/ready");
                if (back.statusCode() == 200) {
                    break;
                }
            }
            assertEquals(200, back.statusCode(), back.body());
        }
    }

    @Test
    void aManagementPortAnswersTheHealthChecksAndNothingElse() throws Exception {
        try (TestService service = TestService.start(Map.of("management.port", "0"))) {
            URI management = service.runtime.managementUri();
            assertEquals(200, health(service, management, "health/ready").statusCode());
            assertEquals(200, health(service, management, "health/live").statusCode());
            assertEquals(404, ErrorAnswer.of(health(service, management, "Patients")).status());
            // on the service's port the path is no health check: it asks for credentials like any other
            assertEquals(401, health(service, service.base, "health/ready").statusCode());
        }
    }

    private static HttpResponse<String> health(TestService service, URI base, String path) throws Exception {
        return service.send(HttpRequest.newBuilder(base.resolve(path)).timeout(PROMPTLY).GET().build());
    }

    private static long auditEvents(TestService service) throws Exception {
        service.runtime.awaitAudit();
        try (Connection connection = service.connect();
             PreparedStatement statement = connection.prepareStatement("SELECT COUNT(*) FROM audit_event");
             ResultSet rs = statement.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
