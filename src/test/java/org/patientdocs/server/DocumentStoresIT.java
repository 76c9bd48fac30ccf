package org.patientdocs.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Both document stores on this run's database, so that each store meets each database: the rest of the suite uses
 * one store per database (file system on H2, database on PostgreSQL).
 */
class DocumentStoresIT {

    @ParameterizedTest
    @ValueSource(strings = {"filesystem", "database"})
    void documentsRoundTripAndLeaveNothingBehind(String store) throws Exception {
        // No minimum age: the sweep at the end would find any leftover at all.
        try (TestService service = TestService.start(Map.of("documents.store", store,
                "documents.orphan-min-age-seconds", "0"))) {
            assertEquals(201, service.postJson("/Patients", "{\"id\":\"stores-1\"}").statusCode());
            long empty = service.storedFiles();

            byte[] multiChunk = Samples.pdf(3 * 1024 * 1024 + 517);
            String formId = created(upload(service, "stores-1", multiChunk));
            HttpResponse<byte[]> download = service.getBytes("/Documents('" + formId + "')/$value");
            assertEquals(200, download.statusCode());
            assertEquals(String.valueOf(multiChunk.length),
                    download.headers().firstValue("Content-Length").orElseThrow());
            assertArrayEquals(multiChunk, download.body());

            byte[] png = Samples.png(1024 * 1024);
            HttpResponse<String> raw = service.send(service.request("/Patients(stores-1)/Documents")
                    .header("Content-Type", Samples.PNG).header("Slug", "exactly-one-chunk.png")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(png)).build());
            String rawId = created(raw);
            assertArrayEquals(png, service.getBytes("/Documents('" + rawId + "')/$value").body());
            assertEquals(empty + 2, service.storedFiles());

            Multipart mismatch = new Multipart().file("file", "fake.pdf", Samples.PDF, Samples.png(2 * 1024 * 1024));
            assertEquals(400, service.send(service.request("/Patients(stores-1)/Documents")
                    .header("Content-Type", mismatch.contentType()).POST(mismatch.publisher()).build()).statusCode());
            assertEquals(404, upload(service, "no-such-patient", Samples.pdf(1000)).statusCode());
            assertEquals(empty + 2, service.storedFiles(), "refused uploads leave nothing");

            assertEquals(204, service.delete("/Documents('" + formId + "')").statusCode());
            assertEquals(204, service.delete("/Documents('" + rawId + "')").statusCode());
            assertEquals(404, service.getBytes("/Documents('" + formId + "')/$value").statusCode());
            assertEquals(empty, service.storedFiles(), "deleted documents leave nothing");
            assertEquals(0, service.runtime.sweepOrphans(), "and nothing for the sweep either");
        }
    }

    private static HttpResponse<String> upload(TestService service, String patient, byte[] pdf) throws Exception {
        Multipart form = new Multipart().file("file", "scan.pdf", Samples.PDF, pdf);
        return service.send(service.request("/Patients(" + patient + ")/Documents")
                .header("Content-Type", form.contentType()).POST(form.publisher()).build());
    }

    private static String created(HttpResponse<String> response) {
        assertEquals(201, response.statusCode(), response.body());
        return TestService.json(response).get("id").asText();
    }
}
