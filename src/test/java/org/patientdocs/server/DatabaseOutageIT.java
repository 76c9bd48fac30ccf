package org.patientdocs.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/**
 * The database server stops in the middle of a run and starts again: meanwhile requests are answered 503 with
 * Retry-After and an OData error, promptly, alone and inside batches of either format; an upload in flight fails and
 * leaves nothing; afterwards the same service answers again, without a restart.
 */
class DatabaseOutageIT {

    private static final String PATIENT = "outage-1";
    /** Bounds every request: a service that waited for a 30-second pool timeout would fail the test. */
    private static final Duration PROMPTLY = Duration.ofSeconds(15);

    @Test
    void whileTheDatabaseIsDownRequestsAreTurnedAwayAndOnceItIsBackTheyAreServed() throws Exception {
        try (TestDatabase.RestartableDatabase database = TestDatabase.restartable();
             TestService service = TestService.start(database, Map.of("db.connect-timeout-ms", "1000",
                     "documents.orphan-min-age-seconds", "0"))) {
            assertEquals(201, service.postJson("/Patients", "{\"id\":\"" + PATIENT + "\"}").statusCode());
            byte[] before = Samples.pdf(1_500_000);
            String beforeId = upload(service, before);
            long storedBefore = service.storedFiles();
            CountDownLatch release = new CountDownLatch(1);
            CompletableFuture<HttpResponse<String>> inFlight = anUploadHeldBeforeItsLastMegabyte(service, release);

            database.stop();

            everyRequestIsTurnedAwayPromptly(service, beforeId);
            release.countDown();
            assertUnavailable(inFlight.get(2, TimeUnit.MINUTES));

            database.start();

            theServiceAnswersAgainAndTheInterruptedUploadLeftNothing(service, before, beforeId, storedBefore);
        }
    }

    /** An upload the service has begun receiving into its spool, whose last megabyte waits for {@code release}. */
    private static CompletableFuture<HttpResponse<String>> anUploadHeldBeforeItsLastMegabyte(TestService service,
            CountDownLatch release) throws Exception {
        byte[] interrupted = Samples.pdf(2_000_000);
        Multipart form = new Multipart().file("file", "interrupted.pdf", Samples.PDF, interrupted);
        byte[] body = form.bytes();
        int held = 1_000_000;
        try (WatchService watch = FileSystems.getDefault().newWatchService()) {
            Path spool = service.config.storage().spoolDir();
            spool.register(watch, StandardWatchEventKinds.ENTRY_CREATE);
            CompletableFuture<HttpResponse<String>> inFlight = service.http.sendAsync(
                    service.request("/Patients(" + PATIENT + ")/Documents")
                    .header("Content-Type", form.contentType())
                    .POST(HttpRequest.BodyPublishers.ofInputStream(() -> HeldBody.of(body, held, release)))
                    .build(), HttpResponse.BodyHandlers.ofString());
            awaitSpoolFile(watch);
            return inFlight;
        }
    }

    private static void everyRequestIsTurnedAwayPromptly(TestService service, String documentId) throws Exception {
        for (String path : List.of("/Patients(" + PATIENT + ")/Documents", "/Documents('" + documentId + "')",
                "/Documents('" + documentId + "')/$value", "/Patients?$count=true")) {
            assertUnavailable(service.send(service.request(path).timeout(PROMPTLY).GET().build()));
        }
        Multipart another = new Multipart().file("file", "later.pdf", Samples.PDF, Samples.pdf(1000));
        assertUnavailable(service.send(service.request("/Patients(" + PATIENT + ")/Documents").timeout(PROMPTLY)
                .header("Content-Type", another.contentType()).POST(another.publisher()).build()));
        assertBatchAnswersUnavailable(service);
    }

    private static void theServiceAnswersAgainAndTheInterruptedUploadLeftNothing(TestService service, byte[] before,
            String beforeId, long storedBefore) throws Exception {
        HttpResponse<String> list = awaitAnswer(service, "/Patients(" + PATIENT + ")/Documents");
        assertEquals(200, list.statusCode(), list.body());
        assertEquals(storedBefore, service.storedFiles(), "the interrupted upload left no bytes");
        JsonNode documents = TestService.json(list);
        assertEquals(1, documents.get("@odata.count").asInt(), "the interrupted upload left no row");
        assertEquals(beforeId, documents.get("value").get(0).get("id").asText());
        assertArrayEquals(before, service.getBytes("/Documents('" + beforeId + "')/$value").body());
        byte[] after = Samples.pdf(1_200_000);
        assertArrayEquals(after, service.getBytes("/Documents('" + upload(service, after) + "')/$value").body());

        service.runtime.sweepOrphans();
        assertEquals(storedBefore + 1, service.storedFiles(), "the two documents, and nothing else");
    }

    private static String upload(TestService service, byte[] pdf) throws Exception {
        Multipart form = new Multipart().file("file", "doc.pdf", Samples.PDF, pdf);
        HttpResponse<String> created = service.send(service.request("/Patients(" + PATIENT + ")/Documents")
                .header("Content-Type", form.contentType()).POST(form.publisher()).build());
        assertEquals(201, created.statusCode(), created.body());
        return TestService.json(created).get("id").asText();
    }

    /** Waits until the service has begun receiving the upload into its spool. */
    private static void awaitSpoolFile(WatchService watch) throws InterruptedException {
        for (WatchKey key = watch.poll(1, TimeUnit.MINUTES); key != null; key = watch.poll(1, TimeUnit.MINUTES)) {
            for (WatchEvent<?> event : key.pollEvents()) {
                if (event.context() instanceof Path created && created.toString().endsWith(".tmp")) {
                    return;
                }
            }
            key.reset();
        }
        throw new AssertionError("the upload never reached the spool");
    }

    private static void assertUnavailable(HttpResponse<String> response) {
        ErrorAnswer.of(response).assertUnavailable();
        for (String leak : List.of("Exception", "SQL", "jdbc", "\tat ", "postgres")) {
            assertFalse(response.body().contains(leak), response.body());
        }
    }

    /**
     * Inside a batch of either format, a request alone (answered by Olingo's handler) and a request of an atomicity
     * group (whose transaction cannot begin) are answered as a request of their own is: 503 with Retry-After.
     */
    private static void assertBatchAnswersUnavailable(TestService service) throws Exception {
        String patient = "Patients('" + PATIENT + "')";
        BatchCalls batch = new BatchCalls(service);
        HttpResponse<String> json = batch.json("{\"requests\":["
                + "{\"id\":\"alone\",\"method\":\"get\",\"url\":\"" + patient + "\"},"
                + "{\"id\":\"grouped\",\"atomicityGroup\":\"g\",\"method\":\"patch\",\"url\":\"" + patient
                + "\",\"body\":{\"last_name\":\"Later\"}}]}");
        assertEquals(200, json.statusCode(), json.body());
        assertEquals(2, BatchCalls.responses(json).size(), json.body());
        for (JsonNode answer : BatchCalls.responses(json)) {
            ErrorAnswer.ofJsonBatch(answer).assertUnavailable();
        }
        HttpResponse<String> multipart = batch.multipart(List.of("Prefer", "continue-on-error"),
                BatchCalls.request("alone", "GET", patient, null),
                BatchCalls.changeSet(BatchCalls.request("grouped", "PATCH", patient, "{\"last_name\":\"Later\"}")));
        assertEquals(200, multipart.statusCode(), multipart.body());
        List<BatchCalls.Part> parts = BatchCalls.parts(multipart);
        assertEquals(2, parts.size(), multipart.body());
        for (BatchCalls.Part part : parts) {
            ErrorAnswer.ofMultipart(part).assertUnavailable();
        }
    }

    /**
     * The first request after the restart may meet a connection broken by the outage, which the pool then drops;
     * a bounded number of attempts, each bounded by the connect timeout, separates that from a service that never
     * recovers.
     */
    private static HttpResponse<String> awaitAnswer(TestService service, String path) throws Exception {
        HttpResponse<String> response = null;
        for (int attempt = 0; attempt < 20; attempt++) {
            response = service.send(service.request(path).timeout(PROMPTLY).GET().build());
            if (response.statusCode() != 503) {
                return response;
            }
        }
        return response;
    }
}
