package org.patientdocs.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.patientdocs.storage.Keyring;
import org.patientdocs.storage.S3ProxyServer;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The S3 service of {@code documents.store=s3} fails under a running service: it stops in the middle of an upload,
 * in the middle of a download, and stops answering. Uploads are answered 503 with Retry-After and leave nothing
 * visible; a download is aborted, never ended short as if complete; a silent S3 is a 503 within {@code s3.timeout-ms}
 * and holds no database connection meanwhile; afterwards the same service serves again by itself. Only meaningful on
 * the s3 run of the suite.
 */
class S3OutageIT {

    private static final String PATIENT = "s3-outage-1";
    /** Bounds every request: a service that waited for S3 beyond its timeout would fail the test. */
    private static final Duration PROMPTLY = Duration.ofSeconds(15);
    private static final int PART = 5 * 1024 * 1024;

    /** A document id, and so an object key, in any form. */
    private static final Pattern DOCUMENT_ID = Pattern.compile("doc-[A-Za-z0-9_-]{16,}");

    private S3ProxyServer s3;
    private TestService service;
    private CapturedLogs logs;

    @BeforeEach
    void startService() throws Exception {
        assumeTrue(TestDatabase.documentStore().equals("s3"), "S3 outages concern the s3 store only");
        s3 = S3ProxyServer.startOwn();
        start(Map.of());
    }

    /** The service on this test's S3Proxy, with the settings added; a patient to upload to. */
    private void start(Map<String, String> added) throws Exception {
        // a pool of two connections, which two uploads could take; S3's timeout well above the pool's wait
        Map<String, String> settings = new HashMap<>(Map.of("db.pool-size", "2", "db.connect-timeout-ms", "1000",
                "s3.endpoint", s3.endpoint().toString(), "s3.timeout-ms", "5000",
                "s3.part-size-bytes", Integer.toString(PART), "upload.max-bytes", Integer.toString(80 << 20),
                "documents.orphan-min-age-seconds", "0"));
        settings.putAll(added);
        service = TestService.start(settings);
        logs = new CapturedLogs();
        assertEquals(201, service.postJson("/Patients", "{\"id\":\"" + PATIENT + "\"}").statusCode());
    }

    @AfterEach
    void stopService() throws Exception {
        try {
            closeService();
        } finally {
            if (s3 != null) {
                s3.close();
            }
        }
    }

    /** Stops the service; what it logged named no document and no object. */
    private void closeService() throws Exception {
        if (logs != null) {
            logs.close();
            String prefix = service.config.documents().s3().prefix();
            for (String line : logs.lines()) {
                assertFalse(DOCUMENT_ID.matcher(line).find() || line.contains(prefix), "logged an id or key: " + line);
            }
            logs = null;
        }
        if (service != null) {
            service.close();
            service = null;
        }
    }

    @Test
    void s3StoppedMidUploadIsUnavailableAndLeavesNothingOnceItIsBack() throws Exception {
        byte[] before = Samples.pdf(1_500_000);
        String beforeId = upload(before);
        CountDownLatch secondPartArrived = s3.holdPart(2);
        CompletableFuture<HttpResponse<String>> inFlight = uploadAsync(Samples.pdf(3 * PART - 1000));
        assertTrue(secondPartArrived.await(1, TimeUnit.MINUTES), "the upload reached S3's second part");

        s3.stop();
        s3.release();

        ErrorAnswer.of(inFlight.get(1, TimeUnit.MINUTES)).assertUnavailable();
        ErrorAnswer.of(service.send(service.request("/Documents('" + beforeId + "')/$value").timeout(PROMPTLY)
                .GET().build())).assertUnavailable();
        ErrorAnswer.of(upload(Samples.pdf(1000), PROMPTLY)).assertUnavailable();

        s3.start();

        assertArrayEquals(before, service.getBytes("/Documents('" + beforeId + "')/$value").body());
        JsonNode documents = TestService.json(service.get("/Patients(" + PATIENT + ")/Documents"));
        assertEquals(1, documents.get("@odata.count").asInt(), "the interrupted uploads left no row");
        byte[] after = Samples.pdf(2 * PART);
        assertArrayEquals(after, service.getBytes("/Documents('" + upload(after) + "')/$value").body());
        service.runtime.sweepOrphans();
        try (S3Client client = s3.client()) {
            assertEquals(List.of(), client.listMultipartUploads(b -> b.bucket(S3ProxyServer.BUCKET)).uploads(),
                    "the interrupted multipart upload was aborted");
        }
        assertEquals(2, s3.keys("").size(), "the two documents, and nothing else");
    }

    @Test
    void readyIsFalseWhileS3IsDownAndTrueOnceItIsBack() throws Exception {
        assertEquals(200, ready().statusCode());
        s3.stop();
        HttpResponse<String> down = ready();
        assertEquals(503, down.statusCode(), down.body());
        assertTrue(down.body().contains("\"document_store\":\"down\""), down.body());
        assertTrue(down.body().contains("\"database\":\"up\""), down.body());
        s3.start();
        HttpResponse<String> up = ready();
        assertEquals(200, up.statusCode(), up.body());
    }

    private HttpResponse<String> ready() throws Exception {
        return service.send(HttpRequest.newBuilder(service.base.resolve("health/ready")).timeout(PROMPTLY).GET()
                .build());
    }

    @Test
    void s3StoppedMidDownloadAbortsTheDownloadInsteadOfEndingItShort() throws Exception {
        // larger than every buffer between S3 and the client, so that most of it is still in S3 when S3 stops
        byte[] large = Samples.pdf(64 << 20);
        String id = upload(large);
        HttpResponse<InputStream> download = service.http.send(service.request("/Documents('" + id + "')/$value")
                .GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, download.statusCode());
        assertEquals(Long.toString(large.length), download.headers().firstValue("Content-Length").orElseThrow());
        try (InputStream body = download.body()) {
            byte[] first = body.readNBytes(1 << 20);
            assertArrayEquals(Arrays.copyOf(large, first.length), first);

            s3.stop();

            assertThrows(IOException.class, body::readAllBytes, "the connection is aborted, not ended as complete");
        }
        s3.start();
        assertArrayEquals(large, service.getBytes("/Documents('" + id + "')/$value").body());
    }

    @Test
    void s3NotAnsweringIsUnavailableWithinItsTimeout() throws Exception {
        byte[] before = Samples.pdf(10_000);
        String id = upload(before);
        s3.holdEverything(1);
        try {
            ErrorAnswer.of(service.send(service.request("/Documents('" + id + "')/$value").timeout(PROMPTLY)
                    .GET().build())).assertUnavailable();
            ErrorAnswer.of(upload(Samples.pdf(1000), PROMPTLY)).assertUnavailable();
        } finally {
            s3.release();
        }
        assertArrayEquals(before, service.getBytes("/Documents('" + id + "')/$value").body());
        assertEquals(1, TestService.json(service.get("/Patients(" + PATIENT + ")/Documents"))
                .get("@odata.count").asInt(), "the refused upload left no row");
    }

    @Test
    void uploadsWaitingForASilentS3HoldNoDatabaseConnection() throws Exception {
        uploadsWaitForS3WithoutAConnection();
    }

    @Test
    void encryptedUploadsWaitingForASilentS3HoldNoDatabaseConnectionEither() throws Exception {
        closeService();
        Path keyring = Files.writeString(Files.createTempFile("keyring", ".json"), Keyring.newKeyring("k1"));
        try {
            start(Map.of("documents.encryption", "on", "documents.encryption.keyring-file", keyring.toString()));
            uploadsWaitForS3WithoutAConnection();
        } finally {
            Files.delete(keyring);
        }
    }

    /** Two uploads wait for S3, as many as the pool has connections, while a listing is served. */
    private void uploadsWaitForS3WithoutAConnection() throws Exception {
        CountDownLatch held = s3.holdEverything(2);
        List<CompletableFuture<HttpResponse<String>>> uploads = List.of(uploadAsync(Samples.pdf(1000)),
                uploadAsync(Samples.pdf(1000)));
        try {
            assertTrue(held.await(1, TimeUnit.MINUTES), "both uploads reached S3");
            HttpResponse<String> list = service.send(service.request("/Patients(" + PATIENT + ")/Documents")
                    .timeout(PROMPTLY).GET().build());
            assertEquals(200, list.statusCode(), "the pool is free for other requests: " + list.body());
        } finally {
            s3.release();
        }
        long created = 0;
        for (CompletableFuture<HttpResponse<String>> upload : uploads) {
            int status = upload.get(1, TimeUnit.MINUTES).statusCode();
            assertTrue(status == 201 || status == 503, "stored, or refused when S3 answered too late: " + status);
            created += status == 201 ? 1 : 0;
        }
        assertEquals(created, TestService.json(service.get("/Patients(" + PATIENT + ")/Documents"))
                .get("@odata.count").asLong(), "a row for each upload answered 201, none for the others");
    }

    private String upload(byte[] pdf) throws Exception {
        HttpResponse<String> created = upload(pdf, Duration.ofMinutes(2));
        assertEquals(201, created.statusCode(), created.body());
        return TestService.json(created).get("id").asText();
    }

    private HttpResponse<String> upload(byte[] pdf, Duration timeout) throws Exception {
        return uploadAsync(pdf, timeout).get();
    }

    private CompletableFuture<HttpResponse<String>> uploadAsync(byte[] pdf) {
        return uploadAsync(pdf, Duration.ofMinutes(2));
    }

    private CompletableFuture<HttpResponse<String>> uploadAsync(byte[] pdf, Duration timeout) {
        Multipart form = new Multipart().file("file", "doc.pdf", Samples.PDF, pdf);
        HttpRequest request = service.request("/Patients(" + PATIENT + ")/Documents").timeout(timeout)
                .header("Content-Type", form.contentType()).POST(form.publisher()).build();
        return service.http.sendAsync(request, HttpResponse.BodyHandlers.ofString());
    }
}
