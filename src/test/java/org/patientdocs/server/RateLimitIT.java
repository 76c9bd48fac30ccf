package org.patientdocs.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.patientdocs.auth.ApiKeys;

/**
 * Rate limits per subject and per API key: a caller over a limit is answered 429 with {@code Retry-After} and is
 * admitted again once that time has passed, which the tests bring about by turning the buckets' clock forward
 * rather than by waiting. On PostgreSQL two instances on one database share the limits.
 */
class RateLimitIT {

    private static final String OTHER_API_KEY = "other-api-key";
    /** Both API keys accepted. */
    private static final String API_KEYS = ApiKeys.sha256Hex(TestService.API_KEY) + ","
            + ApiKeys.sha256Hex(OTHER_API_KEY);

    @Test
    void aUserOverItsLimitIsToldWhenToComeBackAndIsAdmittedThen() throws Exception {
        TestClock clock = new TestClock();
        try (TestService service = TestService.start(Map.of("rate-limit.subject.requests-per-minute", "60",
                "rate-limit.subject.burst", "3"), clock)) {
            for (int i = 0; i < 3; i++) {
                assertEquals(200, get(service, "ada", TestService.API_KEY).statusCode());
            }
            HttpResponse<String> refused = get(service, "ada", TestService.API_KEY);
            String retryAfter = assertTooMany(refused);
            assertEquals("1", retryAfter, "one request a second refills one request in a second");
            assertEquals(200, get(service, "grace", TestService.API_KEY).statusCode(), "another user has her own");

            clock.advance(Duration.ofSeconds(Long.parseLong(retryAfter)));
            assertEquals(200, get(service, "ada", TestService.API_KEY).statusCode());
            assertTooMany(get(service, "ada", TestService.API_KEY));
        }
    }

    @Test
    void allUsersOfOneApiKeyShareItsLimit() throws Exception {
        TestClock clock = new TestClock();
        try (TestService service = TestService.start(Map.of("auth.api-key-sha256", API_KEYS,
                "rate-limit.api-key.requests-per-minute", "30", "rate-limit.api-key.burst", "4"), clock)) {
            for (int i = 0; i < 4; i++) {
                assertEquals(200, get(service, "user-" + i, TestService.API_KEY).statusCode());
            }
            String retryAfter = assertTooMany(get(service, "user-4", TestService.API_KEY));
            assertEquals("2", retryAfter, "thirty requests a minute refill one in two seconds");
            assertEquals(200, get(service, "user-4", OTHER_API_KEY).statusCode(), "another API key has its own");

            clock.advance(Duration.ofSeconds(2));
            assertEquals(200, get(service, "user-4", TestService.API_KEY).statusCode());
        }
    }

    @Test
    void aRequestRefusedForItsApiKeyCostsItsUserNothing() throws Exception {
        TestClock clock = new TestClock();
        // the user's own bucket refills one request a minute: only the one given back lets the user in twice below
        try (TestService service = TestService.start(Map.of("rate-limit.subject.requests-per-minute", "1",
                "rate-limit.subject.burst", "2", "rate-limit.api-key.requests-per-minute", "60",
                "rate-limit.api-key.burst", "2"), clock)) {
            assertEquals(200, get(service, "alan", TestService.API_KEY).statusCode());
            assertEquals(200, get(service, "alan", TestService.API_KEY).statusCode());
            assertTooMany(get(service, "barbara", TestService.API_KEY));

            clock.advance(Duration.ofSeconds(2));
            assertEquals(200, get(service, "barbara", TestService.API_KEY).statusCode());
            assertEquals(200, get(service, "barbara", TestService.API_KEY).statusCode());
        }
    }

    @Test
    void twoInstancesOnOnePostgresqlShareTheLimits() throws Exception {
        assumeTrue(TestDatabase.isPostgres(), "on H2 each instance keeps its own buckets");
        TestClock clock = new TestClock();
        Map<String, String> limits = Map.of("rate-limit.subject.requests-per-minute", "60",
                "rate-limit.subject.burst", "4");
        try (TestDatabase database = TestDatabase.fresh();
             TestService one = TestService.start(database, limits, clock);
             TestService two = TestService.start(database, limits, clock)) {
            assertEquals(200, get(one, "ada", TestService.API_KEY).statusCode());
            assertEquals(200, get(two, "ada", TestService.API_KEY).statusCode());
            assertEquals(200, get(one, "ada", TestService.API_KEY).statusCode());
            assertEquals(200, get(two, "ada", TestService.API_KEY).statusCode());
            assertTooMany(get(one, "ada", TestService.API_KEY));
            assertTooMany(get(two, "ada", TestService.API_KEY));

            clock.advance(Duration.ofSeconds(1));
            assertEquals(200, get(two, "ada", TestService.API_KEY).statusCode());
            assertTooMany(get(one, "ada", TestService.API_KEY));
        }
    }

    @Test
    void oneInstanceThatTakesFromItsCopyOfTheBucketKeepsTheLimitExactly() throws Exception {
        assumeTrue(TestDatabase.isPostgres(), "on H2 the buckets are in the process anyway");
        TestClock clock = new TestClock();
        try (TestDatabase database = TestDatabase.fresh();
             TestService service = TestService.start(database, Map.of("rate-limit.subject.requests-per-minute", "60",
                     "rate-limit.subject.burst", "5", "rate-limit.unsynchronized-requests", "3"), clock)) {
            for (int i = 0; i < 5; i++) {
                assertEquals(200, get(service, "ada", TestService.API_KEY).statusCode());
            }
            assertEquals("1", assertTooMany(get(service, "ada", TestService.API_KEY)));
            clock.advance(Duration.ofSeconds(1));
            assertEquals(200, get(service, "ada", TestService.API_KEY).statusCode());
            assertTooMany(get(service, "ada", TestService.API_KEY));
        }
    }

    @Test
    void instancesThatTakeFromTheirCopiesOverrunByThatManyAtMostAndPayItBack() throws Exception {
        assumeTrue(TestDatabase.isPostgres(), "on H2 each instance keeps its own buckets");
        TestClock clock = new TestClock();
        int burst = 6;
        int unsynchronized = 2;
        Map<String, String> limits = Map.of("rate-limit.subject.requests-per-minute", "60",
                "rate-limit.subject.burst", Integer.toString(burst),
                "rate-limit.unsynchronized-requests", Integer.toString(unsynchronized));
        try (TestDatabase database = TestDatabase.fresh();
             TestService one = TestService.start(database, limits, clock);
             TestService two = TestService.start(database, limits, clock)) {
            int admitted = 0;
            for (int i = 0; i < 20; i++) {
                int status = get(i % 2 == 0 ? one : two, "ada", TestService.API_KEY).statusCode();
                assertTrue(status == 200 || status == 429, "status " + status);
                admitted += status == 200 ? 1 : 0;
            }
            assertTrue(admitted > burst, "each instance admitted from its copy, unaware of the other: " + admitted);
            assertTrue(admitted <= burst + 2 * unsynchronized, "at most that many more per instance: " + admitted);

            // as many seconds as requests too many: an exact limit would admit that many again, these owe them
            clock.advance(Duration.ofSeconds(admitted - burst));
            assertTooMany(get(one, "ada", TestService.API_KEY));
            assertTooMany(get(two, "ada", TestService.API_KEY));
        }
    }

    @Test
    void aChangedLimitAppliesAtTheNextStartOnTheSameDatabase() throws Exception {
        TestClock clock = new TestClock();
        try (TestDatabase database = TestDatabase.fresh()) {
            try (TestService before = TestService.start(database, Map.of("rate-limit.subject.requests-per-minute",
                    "1", "rate-limit.subject.burst", "5"), clock)) {
                assertEquals(200, get(before, "ada", TestService.API_KEY).statusCode());
            }
            // tightened: on PostgreSQL the bucket the old limit left with 4 requests would have admitted 4
            try (TestService after = TestService.start(database, Map.of("rate-limit.subject.requests-per-minute",
                    "1", "rate-limit.subject.burst", "2"), clock)) {
                assertEquals(200, get(after, "ada", TestService.API_KEY).statusCode());
                assertEquals(200, get(after, "ada", TestService.API_KEY).statusCode());
                HttpResponse<String> refused = get(after, "ada", TestService.API_KEY);
                assertTooMany(refused);
                assertTrue(TestService.json(refused).get("error").get("message").asText()
                        .contains("the limit is 1 a minute, 2 at once"), refused.body());
            }
        }
    }

    private static HttpResponse<String> get(TestService service, String subject, String apiKey) throws Exception {
        return service.send(HttpRequest.newBuilder(service.uri("/Patients?$top=1")).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + service.token(subject)).header("x-api-key", apiKey).build());
    }

    /** @return the Retry-After of the 429 */
    private static String assertTooMany(HttpResponse<String> response) {
        assertEquals(429, response.statusCode(), response.body());
        JsonNode error = TestService.json(response).get("error");
        assertEquals("TOO_MANY_REQUESTS", error.get("code").asText());
        assertTrue(error.get("message").asText().startsWith("Too many requests"), error.toString());
        assertEquals("4.0", response.headers().firstValue("OData-Version").orElse(""));
        String retryAfter = response.headers().firstValue("Retry-After").orElse("");
        assertTrue(retryAfter.matches("[1-9][0-9]*"), "Retry-After: " + retryAfter);
        return retryAfter;
    }

    /** A clock that stands still until the test turns it forward; both instances of a test may share one. */
    private static final class TestClock extends Clock {
        private final AtomicReference<Instant> now = new AtomicReference<>(Instant.now());

        void advance(Duration duration) {
            now.updateAndGet(instant -> instant.plus(duration));
        }

        @Override
        public Instant instant() {
            return now.get();
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException("the rate limits read instants only");
        }
    }
}
