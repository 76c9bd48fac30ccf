package org.patientdocs.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two instances of the service on one database, as behind a load balancer: each has its own data directory, so
 * everything they share goes through the database ({@code documents.store=database} on both stores of the run).
 */
class MultiInstanceIT {

    private static final Map<String, String> SHARED = Map.of("documents.store", "database");
    private static TestDatabase database;
    private static TestService one;
    private static TestService two;

    @BeforeAll
    static void startBothAtOnce() throws Exception {
        database = TestDatabase.fresh();
        // Started together, as a deployment starts its instances: both migrate the same empty database.
        CompletableFuture<TestService> first = CompletableFuture.supplyAsync(() -> start());
        CompletableFuture<TestService> second = CompletableFuture.supplyAsync(() -> start());
        one = first.get(2, TimeUnit.MINUTES);
        two = second.get(2, TimeUnit.MINUTES);
    }

    private static TestService start() {
        try {
            return TestService.start(database, SHARED);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        try (TestDatabase closing = database) {
            if (one != null) {
                one.close();
            }
            if (two != null) {
                two.close();
            }
        }
    }

    @Test
    void uploadedThroughOneIsListedReadAndDeletedThroughTheOther() throws Exception {
        assertEquals(201, one.postJson("/Patients", "{\"id\":\"shared-1\"}").statusCode());
        long storedBefore = one.storedFiles();
        byte[] pdf = Samples.pdf(2_500_000);
        String id = upload(one, "shared-1", "across.pdf", pdf);

        JsonNode list = TestService.json(two.get("/Patients(shared-1)/Documents"));
        assertEquals(1, list.get("@odata.count").asInt());
        assertEquals(id, list.get("value").get(0).get("id").asText());
        HttpResponse<byte[]> download = two.getBytes("/Patients(shared-1)/Documents(" + id + ")/$value");
        assertEquals(200, download.statusCode());
        assertArrayEquals(pdf, download.body());

        assertEquals(204, two.delete("/Patients(shared-1)/Documents(" + id + ")").statusCode());
        assertEquals(404, one.get("/Documents(" + id + ")").statusCode());
        assertEquals(404, one.getBytes("/Documents(" + id + ")/$value").statusCode());
        assertEquals(storedBefore, one.storedFiles(), "the bytes went with the row, and no instance kept a copy");
        assertEquals(storedBefore, two.storedFiles());
    }

    @Test
    void concurrentUploadsAndDeletesThroughBothLoseNoAcknowledgedDocument() throws Exception {
        assertEquals(201, two.postJson("/Patients", "{\"id\":\"shared-2\"}").statusCode());
        Map<String, byte[]> kept = new ConcurrentHashMap<>();
        Set<String> deleted = ConcurrentHashMap.newKeySet();
        ExecutorService clients = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> work = new ArrayList<>();
            for (int i = 0; i < 48; i++) {
                int n = i;
                work.add(clients.submit(() -> {
                    TestService uploader = n % 2 == 0 ? one : two;
                    TestService other = n % 2 == 0 ? two : one;
                    byte[] content = Samples.pdf(10_000 + n * 53_000 + n % 7);
                    String id = upload(uploader, "shared-2", "doc-" + n + ".pdf", content);
                    if (n % 3 == 0) {
                        assertEquals(204, other.delete("/Documents(" + id + ")").statusCode());
                        deleted.add(id);
                    } else {
                        kept.put(id, content);
                    }
                    return null;
                }));
            }
            for (Future<?> done : work) {
                done.get(5, TimeUnit.MINUTES);
            }
        } finally {
            clients.shutdownNow();
        }

        assertEquals(32, kept.size());
        assertEquals(16, deleted.size());
        for (TestService reader : List.of(one, two)) {
            JsonNode list = TestService.json(reader.get("/Patients(shared-2)/Documents?$select=id"));
            Set<String> listed = new HashSet<>();
            list.get("value").forEach(d -> listed.add(d.get("id").asText()));
            assertEquals(kept.keySet(), listed);
            for (Map.Entry<String, byte[]> document : kept.entrySet()) {
                HttpResponse<byte[]> download = reader.getBytes("/Documents(" + document.getKey() + ")/$value");
                assertEquals(200, download.statusCode());
                assertArrayEquals(document.getValue(), download.body(), "byte for byte");
            }
            for (String id : deleted) {
                assertEquals(404, reader.getBytes("/Documents(" + id + ")/$value").statusCode());
            }
        }
    }

    private static String upload(TestService service, String patient, String fileName, byte[] content)
            throws Exception {
        Multipart form = new Multipart().file("file", fileName, Samples.PDF, content);
        HttpResponse<String> response = service.send(service.request("/Patients(" + patient + ")/Documents")
                .header("Content-Type", form.contentType()).POST(form.publisher()).build());
        assertEquals(201, response.statusCode(), response.body());
        String id = TestService.json(response).get("id").asText();
        assertTrue(id.startsWith("doc-"), id);
        return id;
    }
}
