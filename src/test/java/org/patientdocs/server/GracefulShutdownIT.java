package org.patientdocs.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/**
 * Stopping the service as its shutdown hook does ({@link ServiceRuntime#close()}, which {@link Main}'s hook calls on
 * SIGTERM): not ready at once, still serving during {@code shutdown.delay-seconds}, then new requests refused with 503
 * while uploads and downloads in flight finish; whatever the grace cuts off fails for its client and stores nothing.
 * What was stored is read back by a second service on the same database and data directory.
 */
class GracefulShutdownIT {

    private static final String PATIENT = "drain-1";
    private static final int UPLOADS = 8;
    private static final int DOWNLOADS = 8;
    /** Larger than what the loopback's socket buffers hold, so that an unread download keeps the server writing. */
    private static final int DOWNLOAD_BYTES = 12_000_000;
    private static final int UPLOAD_BYTES = 2_000_000;
    private static final int HELD_BACK = 1_000_000;

    @Test
    void whileTheDelayRunsReadyIsFalseAndRequestsAreStillServed() throws Exception {
        try (TestService service = TestService.start(Map.of("shutdown.delay-seconds", "600"))) {
            Thread stopping = new Thread(() -> closeQuietly(service), "test-stop");
            stopping.start();
            HttpResponse<String> ready = awaitStatus(service, "health/ready", 503, false);
            assertEquals("draining", TestService.json(ready).get("checks").get("lifecycle").asText(), ready.body());
            assertEquals(200, service.get("/Patients").statusCode(), "still served while the load balancer learns");
            assertEquals(200, anonymous(service, "health/live").statusCode());
            // the delay is for the load balancer; the test has seen what it needs and ends it as a second signal would
            stopping.interrupt();
            stopping.join();
        }
    }

    @Test
    void uploadsAndDownloadsInFlightFinishWhileNewRequestsAreRefused() throws Exception {
        try (TestService service = TestService.start(Map.of("shutdown.grace-seconds", "600"))) {
            byte[] large = prepare(service);
            String largeId = upload(service, large);
            List<CompletableFuture<HttpResponse<InputStream>>> downloads = downloads(service, largeId);
            CountDownLatch release = new CountDownLatch(1);
            List<byte[]> sent = new ArrayList<>();
            List<CompletableFuture<HttpResponse<String>>> uploads = heldUploads(service, release, sent);

            CompletableFuture<Void> stopped = CompletableFuture.runAsync(() -> closeQuietly(service));
            awaitStatus(service, "health/ready", 503, false);
            ErrorAnswer.of(awaitStatus(service, "Patients", 503, true)).assertUnavailable();

            release.countDown();
            for (CompletableFuture<HttpResponse<InputStream>> download : downloads) {
                try (InputStream body = download.get(2, TimeUnit.MINUTES).body()) {
                    assertArrayEquals(large, body.readAllBytes(), "a download in flight is sent whole");
                }
            }
            List<String> ids = new ArrayList<>();
            for (CompletableFuture<HttpResponse<String>> upload : uploads) {
                HttpResponse<String> created = upload.get(2, TimeUnit.MINUTES);
                assertEquals(201, created.statusCode(), created.body());
                ids.add(TestService.json(created).get("id").asText());
            }
            stopped.get(2, TimeUnit.MINUTES);

            try (TestService after = restartedOnTheSameData(service)) {
                for (int i = 0; i < ids.size(); i++) {
                    assertArrayEquals(sent.get(i), after.getBytes("/Documents('" + ids.get(i) + "')/$value").body(),
                            "an upload answered 201 before the stop is kept whole");
                }
                assertEquals(1 + UPLOADS, documentCount(after));
                assertEquals(1 + UPLOADS, after.storedFiles(), "bytes of every document, and nothing else");
            }
        }
    }

    @Test
    void whatTheGraceCutsOffFailsForItsClientAndStoresNothing() throws Exception {
        try (TestService service = TestService.start(Map.of("shutdown.grace-seconds", "1"))) {
            byte[] large = prepare(service);
            String largeId = upload(service, large);
            List<CompletableFuture<HttpResponse<InputStream>>> downloads = downloads(service, largeId);
            CountDownLatch release = new CountDownLatch(1);
            List<CompletableFuture<HttpResponse<String>>> uploads = heldUploads(service, release, new ArrayList<>());

            service.runtime.close();

            release.countDown();
            for (CompletableFuture<HttpResponse<InputStream>> download : downloads) {
                assertWholeOrFailed(large, download.get(2, TimeUnit.MINUTES));
            }
            for (CompletableFuture<HttpResponse<String>> upload : uploads) {
                assertNotCreated(upload);
            }
            try (TestService after = restartedOnTheSameData(service)) {
                assertEquals(1, documentCount(after), "no row of a cut-off upload");
                assertEquals(1, after.storedFiles(), "no bytes of a cut-off upload");
                assertArrayEquals(large, after.getBytes("/Documents('" + largeId + "')/$value").body());
            }
        }
    }

    /** Creates the patient; returns the content of the document the downloads fetch. */
    private static byte[] prepare(TestService service) throws Exception {
        assertEquals(201, service.postJson("/Patients", "{\"id\":\"" + PATIENT + "\"}").statusCode());
        return Samples.pdf(DOWNLOAD_BYTES);
    }

    /** Downloads whose headers have arrived and whose bodies nobody reads yet. */
    private static List<CompletableFuture<HttpResponse<InputStream>>> downloads(TestService service, String id)
            throws Exception {
        List<CompletableFuture<HttpResponse<InputStream>>> downloads = new ArrayList<>();
        for (int i = 0; i < DOWNLOADS; i++) {
            downloads.add(service.http.sendAsync(service.request("/Documents('" + id + "')/$value").GET().build(),
                    HttpResponse.BodyHandlers.ofInputStream()));
        }
        for (CompletableFuture<HttpResponse<InputStream>> download : downloads) {
            assertEquals(200, download.get(2, TimeUnit.MINUTES).statusCode());
        }
        return downloads;
    }

    /**
     * Uploads the service has begun receiving into its spool, whose last megabyte waits for {@code release}; the
     * content of each is added to {@code sent}, in order.
     */
    private static List<CompletableFuture<HttpResponse<String>>> heldUploads(TestService service,
            CountDownLatch release, List<byte[]> sent) throws Exception {
        List<CompletableFuture<HttpResponse<String>>> uploads = new ArrayList<>();
        try (WatchService watch = FileSystems.getDefault().newWatchService()) {
            Path spool = service.config.storage().spoolDir();
            spool.register(watch, StandardWatchEventKinds.ENTRY_CREATE);
            for (int i = 0; i < UPLOADS; i++) {
                byte[] content = Samples.pdf(UPLOAD_BYTES + i);
                sent.add(content);
                Multipart form = new Multipart().file("file", "held-" + i + ".pdf", Samples.PDF, content);
                byte[] body = form.bytes();
                uploads.add(service.http.sendAsync(service.request("/Patients(" + PATIENT + ")/Documents")
                        .header("Content-Type", form.contentType())
                        .POST(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(
                                () -> HeldBody.of(body, HELD_BACK, release)), body.length))
                        .build(), HttpResponse.BodyHandlers.ofString()));
            }
            awaitSpoolFiles(watch, UPLOADS);
        }
        return uploads;
    }

    private static String upload(TestService service, byte[] pdf) throws Exception {
        Multipart form = new Multipart().file("file", "large.pdf", Samples.PDF, pdf);
        HttpResponse<String> created = service.send(service.request("/Patients(" + PATIENT + ")/Documents")
                .header("Content-Type", form.contentType()).POST(form.publisher()).build());
        assertEquals(201, created.statusCode(), created.body());
        return TestService.json(created).get("id").asText();
    }

    /** A download cut off must not look complete: its client reads every byte or gets an error. */
    private static void assertWholeOrFailed(byte[] expected, HttpResponse<InputStream> download) {
        try (InputStream body = download.body()) {
            assertArrayEquals(expected, body.readAllBytes(), "a download read to its end is whole");
        } catch (IOException e) {
            // the connection was closed before the last byte: the client knows the download failed
        }
    }

    private static void assertNotCreated(CompletableFuture<HttpResponse<String>> upload) throws Exception {
        try {
            HttpResponse<String> answer = upload.get(2, TimeUnit.MINUTES);
            assertNotEquals(201, answer.statusCode(), answer.body());
        } catch (ExecutionException e) {
            assertTrue(e.getCause() instanceof IOException, String.valueOf(e.getCause()));
        }
    }

    /**
     * Repeats a request until it is answered {@code status}: the service drains in another thread, which has not
     * necessarily begun yet. A bounded number of attempts tells that apart from a service that never gets there.
     */
    private static HttpResponse<String> awaitStatus(TestService service, String path, int status,
                                                    boolean withCredentials) throws Exception {
        HttpResponse<String> response = null;
        for (int attempt = 0; attempt < 1000; attempt++) {
            response = withCredentials ? service.get(path) : anonymous(service, path);
            if (response.statusCode() == status) {
                return response;
            }
        }
        throw new AssertionError("never answered " + status + ": " + response.statusCode() + " " + response.body());
    }

    private static HttpResponse<String> anonymous(TestService service, String path) throws Exception {
        return service.send(HttpRequest.newBuilder(service.uri(path)).GET().build());
    }

    /** A service on the stopped one's database and data directory, its orphan sweep at start-up spares nothing. */
    private static TestService restartedOnTheSameData(TestService stopped) throws Exception {
        var database = stopped.config.database();
        return TestService.start(new TestDatabase.At(database.url(), database.user(), database.password(), () -> { }),
                Map.of("data.dir", stopped.config.storage().dataDir().toString(),
                        "documents.orphan-min-age-seconds", "0"));
    }

    private static int documentCount(TestService service) throws Exception {
        HttpResponse<String> list = service.get("/Patients(" + PATIENT + ")/Documents?$count=true");
        assertEquals(200, list.statusCode(), list.body());
        JsonNode body = TestService.json(list);
        return body.get("@odata.count").asInt();
    }

    private static void closeQuietly(TestService service) {
        try {
            service.runtime.close();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Waits until the service has begun receiving {@code count} uploads into its spool. */
    private static void awaitSpoolFiles(WatchService watch, int count) throws InterruptedException {
        Set<Path> seen = new HashSet<>();
        for (WatchKey key = watch.poll(1, TimeUnit.MINUTES); key != null; key = watch.poll(1, TimeUnit.MINUTES)) {
            for (WatchEvent<?> event : key.pollEvents()) {
                if (event.context() instanceof Path created && created.toString().endsWith(".tmp")) {
                    seen.add(created);
                }
            }
            if (seen.size() >= count) {
                return;
            }
            key.reset();
        }
        throw new AssertionError("only " + seen.size() + " of " + count + " uploads reached the spool");
    }
}
