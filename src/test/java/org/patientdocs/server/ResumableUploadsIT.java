package org.patientdocs.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.Socket;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import io.tus.java.client.ProtocolException;
import io.tus.java.client.TusClient;
import io.tus.java.client.TusURLMemoryStore;
import io.tus.java.client.TusUpload;
import io.tus.java.client.TusUploader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.patientdocs.auth.ApiKeys;
import org.patientdocs.auth.ScopeNames;

/**
 * Resumable uploads (tus 1.0 at {@code /uploads}) with the tus project's own Java client and with plain HTTP: uploads
 * cut off at random points and resumed, through another instance on PostgreSQL too; the protocol's refusals; expiry;
 * and what the logs leave out.
 */
class ResumableUploadsIT {

    private static final String PATIENT = "tus-patient-1";
    private static final String FILE_NAME = "tus-scan-name.pdf";
    private static final MovableClock CLOCK = new MovableClock();
    private static final String OTHER_TENANT = "other-clinic";
    private static final String OTHER_KEY = "other-clinic-key-" + UUID.randomUUID();
    private static TestService service;

    @BeforeAll
    static void start() throws Exception {
        service = TestService.start(Map.of("auth.api-key-sha256", ApiKeys.sha256Hex(TestService.API_KEY) + ","
                + ApiKeys.sha256Hex(OTHER_KEY) + ":" + OTHER_TENANT), CLOCK);
        assertEquals(201, service.postJson("/Patients", "{\"id\":\"" + PATIENT + "\"}").statusCode());
    }

    @AfterAll
    static void stop() throws Exception {
        if (service != null) {
            service.close();
        }
    }

    @Test
    void uploadCutOffAtRandomPointsAndResumedWithTheTusClientBecomesTheDocumentWhole() throws Exception {
        byte[] pdf = Samples.pdf(3_000_000);
        long seed = System.nanoTime();
        Random random = new Random(seed);
        CuttingClient client = client(service, service.credentials());
        TusUpload upload = upload(pdf, "resumed-" + seed);
        int cuts = 0;
        long cutAt = 1 + random.nextInt(pdf.length - 1);
        long sent = 0;
        while (true) {
            upload.setInputStream(new CuttingStream(pdf, cutAt, client));
            TusUploader uploader = client.resumeOrCreateUpload(upload);
            uploader.setChunkSize(32 * 1024);
            uploader.setRequestPayloadSize(256 * 1024);
            try {
                while (uploader.uploadChunk() > -1) {
                    // the stream cuts the connection off at cutAt
                }
                uploader.finish();
                break;
            } catch (IOException cut) {
                cuts++;
                sent = Math.max(sent, cutAt);
                long offset = head(service, service.credentials(), uploader.getUploadURL().toString());
                assertTrue(offset <= sent, "seed " + seed + ": the upload stands at " + offset + ", past the cut");
                cutAt = cuts >= 3 ? Long.MAX_VALUE : offset + 1 + random.nextInt((int) (pdf.length - offset));
            } catch (ProtocolException overtaken) {
                // what arrived of the request cut off was appended after the client asked where the upload stood,
                // as tus clients expect: 409, and they ask again
                assertEquals(409, overtaken.getCausingConnection().getResponseCode(), "seed " + seed);
            }
        }
        assertEquals(3, cuts, "seed " + seed);
        assertStoredOnce(service, "resumed-" + seed, pdf);
    }

    @Test
    void requestCutOffMidwayKeepsWhatArrived() throws Exception {
        byte[] pdf = Samples.pdf(5000);
        String url = create(service.credentials(), pdf.length, metadata(PATIENT, "kept.pdf"));
        int arrived = 1 + new Random().nextInt(pdf.length - 1);
        cutOff(service, url, 0, pdf.length, slice(pdf, 0, arrived), null);
        assertEquals(arrived, head(service, service.credentials(), url));
        HttpResponse<String> rest = patch(service.credentials(), url, arrived, slice(pdf, arrived, pdf.length), null);
        assertEquals(204, rest.statusCode(), rest.body());
        String location = rest.headers().firstValue("Location").orElseThrow();
        assertArrayEquals(pdf, service.getBytes(location.substring(service.base.toString().length()) + "/$value")
                .body());
    }

    @Test
    void requestWithAChecksumCutOffMidwayKeepsNothingOfIt() throws Exception {
        byte[] pdf = Samples.pdf(5000);
        String url = create(service.credentials(), pdf.length, metadata(PATIENT, "all-or-nothing.pdf"));
        cutOff(service, url, 0, pdf.length, slice(pdf, 0, 2500), "sha256 " + sha256(pdf));
        assertEquals(0, head(service, service.credentials(), url));
    }

    @Test
    void uploadBegunThroughOneInstanceIsFinishedThroughAnotherOnPostgresql() throws Exception {
        assumeTrue(TestDatabase.isPostgres(), "on H2 each instance holds its own uploads");
        try (TestDatabase database = TestDatabase.fresh();
             TestService one = TestService.start(database, Map.of());
             TestService two = TestService.start(database, Map.of())) {
            assertEquals(201, one.postJson("/Patients", "{\"id\":\"" + PATIENT + "\"}").statusCode());
            byte[] pdf = Samples.pdf(2_000_000);
            TusUpload upload = upload(pdf, "across");
            upload.setInputStream(new ByteArrayInputStream(pdf));
            TusUploader begun = client(one, one.credentials()).resumeOrCreateUpload(upload);
            begun.setRequestPayloadSize(256 * 1024);
            for (int requests = 1 + new Random().nextInt(5); requests > 0; requests--) {
                begun.uploadChunk();
            }
            begun.finish();
            long offset = begun.getOffset();
            // then a request to the first instance breaks off at a random point, and the client turns to the second
            int arrived = 1 + new Random().nextInt(300_000);
            String url = begun.getUploadURL().toString();
            cutOff(one, url, offset, pdf.length - offset, slice(pdf, (int) offset, (int) offset + arrived), null);
            String there = url.replace(one.base.toString(), two.base.toString());
            assertEquals(offset + arrived, head(two, two.credentials(), there),
                    "the first instance's bytes are there for the second");
            upload.setInputStream(new ByteArrayInputStream(pdf));
            TusUploader resumed = client(two, two.credentials()).beginOrResumeUploadFromURL(upload, new URL(there));
            assertEquals(offset + arrived, resumed.getOffset());
            while (resumed.uploadChunk() > -1) {
                // to the end
            }
            resumed.finish();
            assertStoredOnce(one, "across", pdf);
        }
    }

    @Test
    void lastPatchAnswersWithTheDocumentsLocation() throws Exception {
        byte[] pdf = Samples.pdf(5000);
        String url = create(service.credentials(), pdf.length, metadata(PATIENT, "located.pdf"));
        HttpResponse<String> first = patch(service.credentials(), url, 0, slice(pdf, 0, 2000), null);
        assertEquals(204, first.statusCode(), first.body());
        assertEquals("2000", first.headers().firstValue("Upload-Offset").orElseThrow());
        assertTrue(first.headers().firstValue("Upload-Expires").isPresent());
        assertFalse(first.headers().firstValue("Location").isPresent());
        HttpResponse<String> last = patch(service.credentials(), url, 2000, slice(pdf, 2000, pdf.length), null);
        assertEquals(204, last.statusCode(), last.body());
        String location = last.headers().firstValue("Location").orElseThrow();
        assertTrue(location.startsWith(service.base + "Documents('doc-"), location);
        String id = location.substring(location.indexOf("('") + 2, location.length() - 2);
        JsonNode document = TestService.json(service.get("/Documents('" + id + "')"));
        assertEquals("located.pdf", document.get("file_name").asText());
        assertEquals("scan", document.get("document_type").asText());
        assertArrayEquals(pdf, service.getBytes("/Documents('" + id + "')/$value").body());

        // a client that lost that answer finds the upload finished, and where its document is
        HttpResponse<String> finished = service.send(tus(service.credentials(), url)
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
        assertEquals(200, finished.statusCode());
        assertEquals(Integer.toString(pdf.length), finished.headers().firstValue("Upload-Offset").orElseThrow());
        assertEquals(location, finished.headers().firstValue("Location").orElseThrow());
        HttpResponse<String> again = patch(service.credentials(), url, pdf.length, new byte[0], null);
        assertEquals(204, again.statusCode(), again.body());
        assertEquals(location, again.headers().firstValue("Location").orElseThrow());
        assertEquals(1, TestService.json(service.get("/Documents?$filter=file_name eq 'located.pdf'")).get("value")
                .size(), "one document, however often the end is sent");
    }

    @Test
    void creationWithUploadTakesTheFirstBytes() throws Exception {
        byte[] pdf = Samples.pdf(4000);
        HttpResponse<String> created = service.send(tus(service.credentials(), service.base + "uploads")
                .header("Upload-Length", Integer.toString(pdf.length))
                .header("Upload-Metadata", metadata(PATIENT, "first-bytes.pdf"))
                .header("Content-Type", "application/offset+octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(slice(pdf, 0, 1000))).build());
        assertEquals(201, created.statusCode(), created.body());
        assertEquals("1000", created.headers().firstValue("Upload-Offset").orElseThrow());
        String url = created.headers().firstValue("Location").orElseThrow();
        assertEquals(1000, head(service, service.credentials(), url));
        assertEquals(204, patch(service.credentials(), url, 1000, slice(pdf, 1000, pdf.length), null).statusCode());
    }

    @Test
    void optionsAnnouncesTheProtocolAndItsLimits() throws Exception {
        HttpResponse<String> options = service.send(service.request("/uploads")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).build());
        assertEquals(204, options.statusCode(), options.body());
        assertEquals("1.0.0", options.headers().firstValue("Tus-Version").orElseThrow());
        assertEquals("creation,creation-with-upload,termination,checksum,expiration",
                options.headers().firstValue("Tus-Extension").orElseThrow());
        assertEquals("26214400", options.headers().firstValue("Tus-Max-Size").orElseThrow());
        assertEquals("sha256", options.headers().firstValue("Tus-Checksum-Algorithm").orElseThrow());
    }

    @Test
    void uploadLargerThanTheLimitIsRefusedAtCreation() throws Exception {
        HttpResponse<String> refused = service.send(tus(service.credentials(), service.base + "uploads")
                .header("Upload-Length", "26214401").header("Upload-Metadata", metadata(PATIENT, "big.pdf"))
                .POST(HttpRequest.BodyPublishers.noBody()).build());
        assertEquals(413, refused.statusCode(), refused.body());
        assertEquals("PAYLOAD_TOO_LARGE", TestService.json(refused).get("error").get("code").asText());
        assertEquals("1.0.0", refused.headers().firstValue("Tus-Resumable").orElseThrow());
    }

    @Test
    void bytesPastTheUploadLengthAreRefusedAndNothingIsAppended() throws Exception {
        String url = create(service.credentials(), 1000, metadata(PATIENT, "short.pdf"));
        HttpResponse<String> refused = patch(service.credentials(), url, 0, Samples.pdf(1001), null);
        assertEquals(413, refused.statusCode(), refused.body());
        assertEquals(0, head(service, service.credentials(), url));
    }

    @Test
    void offsetThatIsNotWhereTheUploadStandsIsConflict() throws Exception {
        byte[] pdf = Samples.pdf(3000);
        String url = create(service.credentials(), pdf.length, metadata(PATIENT, "offset.pdf"));
        assertEquals(204, patch(service.credentials(), url, 0, slice(pdf, 0, 1000), null).statusCode());
        HttpResponse<String> conflict = patch(service.credentials(), url, 500, slice(pdf, 500, 1500), null);
        assertEquals(409, conflict.statusCode(), conflict.body());
        assertEquals("UPLOAD_OFFSET_MISMATCH", TestService.json(conflict).get("error").get("code").asText());
        assertEquals(1000, head(service, service.credentials(), url));
    }

    @Test
    void checksumMismatchIs460AndTheChunkIsDiscarded() throws Exception {
        byte[] pdf = Samples.pdf(3000);
        String url = create(service.credentials(), pdf.length, metadata(PATIENT, "checked.pdf"));
        byte[] chunk = slice(pdf, 0, 1500);
        HttpResponse<String> mismatch = patch(service.credentials(), url, 0, chunk,
                "sha256 " + sha256(slice(pdf, 1, 1501)));
        assertEquals(460, mismatch.statusCode(), mismatch.body());
        assertEquals("CHECKSUM_MISMATCH", TestService.json(mismatch).get("error").get("code").asText());
        assertEquals(0, head(service, service.credentials(), url));
        HttpResponse<String> matching = patch(service.credentials(), url, 0, chunk, "sha256 " + sha256(chunk));
        assertEquals(204, matching.statusCode(), matching.body());
        HttpResponse<String> unknown = patch(service.credentials(), url, 1500, slice(pdf, 1500, 3000), "md5 AAAA");
        assertEquals(400, unknown.statusCode(), unknown.body());
        assertEquals(1500, head(service, service.credentials(), url));
    }

    /**
     * RFC 9530 digests on resumable uploads: the creation's {@code Repr-Digest} is the whole file's, checked once the
     * last byte is there; a part's {@code Content-Digest} is of its own bytes, checked as it arrives.
     */
    @Test
    void digestsAreCheckedTheFilesAtTheEndAndEachPartsAsItArrives() throws Exception {
        byte[] pdf = Samples.pdf(3000);
        String matching = service.send(tus(service.credentials(), service.base + "uploads")
                .header("Upload-Length", Integer.toString(pdf.length))
                .header("Upload-Metadata", metadata(PATIENT, "digested.pdf"))
                .header("Repr-Digest", "sha-256=:" + sha256(pdf) + ":")
                .POST(HttpRequest.BodyPublishers.noBody()).build()).headers().firstValue("Location").orElseThrow();
        HttpResponse<String> wrongPart = patchWith(matching, 0, slice(pdf, 0, 1500), "Content-Digest",
                "sha-256=:" + sha256(slice(pdf, 1, 1501)) + ":");
        assertEquals(400, wrongPart.statusCode(), wrongPart.body());
        assertEquals("DIGEST_MISMATCH", TestService.json(wrongPart).get("error").get("code").asText());
        assertEquals(0, head(service, service.credentials(), matching), "the part was discarded");
        assertEquals(204, patchWith(matching, 0, slice(pdf, 0, 1500), "Content-Digest",
                "sha-256=:" + sha256(slice(pdf, 0, 1500)) + ":").statusCode());
        HttpResponse<String> reprOnAPart = patchWith(matching, 1500, slice(pdf, 1500, 3000), "Repr-Digest",
                "sha-256=:" + sha256(pdf) + ":");
        assertEquals(400, reprOnAPart.statusCode(), reprOnAPart.body());
        assertTrue(reprOnAPart.body().contains("Repr-Digest"), reprOnAPart.body());
        HttpResponse<String> done = patch(service.credentials(), matching, 1500, slice(pdf, 1500, 3000), null);
        assertEquals(204, done.statusCode(), done.body());
        assertStoredOnce(service, "digested", pdf);

        byte[] other = Samples.pdf(3100);
        String mismatching = service.send(tus(service.credentials(), service.base + "uploads")
                .header("Upload-Length", Integer.toString(pdf.length))
                .header("Upload-Metadata", metadata(PATIENT, "misdigested.pdf"))
                .header("Repr-Digest", "sha-256=:" + sha256(other) + ":")
                .POST(HttpRequest.BodyPublishers.noBody()).build()).headers().firstValue("Location").orElseThrow();
        HttpResponse<String> refused = patch(service.credentials(), mismatching, 0, pdf, null);
        assertEquals(400, refused.statusCode(), refused.body());
        assertEquals("DIGEST_MISMATCH", TestService.json(refused).get("error").get("code").asText());
        assertEquals(0, TestService.json(service.get("/Documents?$filter=file_name eq 'misdigested.pdf'"))
                .get("value").size(), "nothing stored");
        assertEquals(404, headStatus(service.credentials(), mismatching), "the upload is removed");
    }

    private static HttpResponse<String> patchWith(String url, long offset, byte[] bytes, String header, String value)
            throws Exception {
        return service.send(tus(service.credentials(), url).header("Upload-Offset", Long.toString(offset))
                .header("Content-Type", "application/offset+octet-stream").header(header, value)
                .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(bytes)).build());
    }

    @Test
    void anotherProtocolVersionIs412WithTheVersionsSpoken() throws Exception {
        HttpResponse<String> refused = service.send(service.request("/uploads").header("Tus-Resumable", "0.2.2")
                .header("Upload-Length", "100").header("Upload-Metadata", metadata(PATIENT, "old.pdf"))
                .POST(HttpRequest.BodyPublishers.noBody()).build());
        assertEquals(412, refused.statusCode(), refused.body());
        assertEquals("1.0.0", refused.headers().firstValue("Tus-Version").orElseThrow());
        assertEquals("TUS_VERSION_UNSUPPORTED", TestService.json(refused).get("error").get("code").asText());
    }

    @Test
    void terminatedUploadIsGone() throws Exception {
        byte[] pdf = Samples.pdf(3000);
        String url = create(service.credentials(), pdf.length, metadata(PATIENT, "terminated.pdf"));
        assertEquals(204, patch(service.credentials(), url, 0, slice(pdf, 0, 1000), null).statusCode());
        assertEquals(204, service.send(tus(service.credentials(), url).DELETE().build()).statusCode());
        assertEquals(404, headStatus(service.credentials(), url));
        assertEquals(404, patch(service.credentials(), url, 1000, slice(pdf, 1000, 3000), null).statusCode());
        assertEquals(404, service.send(tus(service.credentials(), url).DELETE().build()).statusCode());
    }

    @Test
    void uploadIsItsCreatorsAlone() throws Exception {
        String url = create(service.credentials(), 3000, metadata(PATIENT, "mine.pdf"));
        TestService.Credentials otherSubject = new TestService.Credentials(TestService.API_KEY,
                service.token("someone-else"));
        assertEquals(404, headStatus(otherSubject, url));
        assertEquals(404, patch(otherSubject, url, 0, Samples.pdf(3000), null).statusCode());
        assertEquals(404, service.send(tus(otherSubject, url).DELETE().build()).statusCode());
        // the same subject in another tenant is another person
        TestService.Credentials otherTenant = new TestService.Credentials(OTHER_KEY,
                service.token("user-456", OTHER_TENANT, ScopeNames.DEFAULT.all()));
        assertEquals(404, headStatus(otherTenant, url));
        assertEquals(404, patch(otherTenant, url, 0, Samples.pdf(3000), null).statusCode());
        assertEquals(404, service.send(tus(otherTenant, url).DELETE().build()).statusCode());
        assertEquals(0, head(service, service.credentials(), url));
        assertEquals(404, headStatus(service.credentials(), service.base + "uploads/up-notanuploadatallxxxxxx"));
    }

    @Test
    void uploadIsRefusedAtCreationWhenItCouldNeverBecomeADocument() throws Exception {
        assertEquals(404, createStatus(service.credentials(), metadata("no-such-patient", "x.pdf")));
        assertEquals(400, createStatus(service.credentials(), metadata(PATIENT, "bad\u202Efdp.exe")));
        assertEquals(400, createStatus(service.credentials(), metadata(PATIENT, "virus.exe")));
        assertEquals(400, createStatus(service.credentials(), "filename " + base64("x.pdf")));
        TestService.Credentials readOnly = new TestService.Credentials(TestService.API_KEY,
                service.token("reader", "default", "documents.read patients.read"));
        assertEquals(403, createStatus(readOnly, metadata(PATIENT, "x.pdf")));
    }

    @Test
    void uploadWhoseContentIsRefusedAtTheEndIsRemoved() throws Exception {
        byte[] notPdf = "plain text, not a PDF at all".repeat(100).getBytes(StandardCharsets.UTF_8);
        String url = create(service.credentials(), notPdf.length, metadata(PATIENT, "fake.pdf"));
        HttpResponse<String> refused = patch(service.credentials(), url, 0, notPdf, null);
        assertEquals(400, refused.statusCode(), refused.body());
        assertEquals(404, headStatus(service.credentials(), url));
    }

    @Test
    void unfinishedUploadExpiresAndIsSwept() throws Exception {
        byte[] pdf = Samples.pdf(3000);
        String url = create(service.credentials(), pdf.length, metadata(PATIENT, "expiring.pdf"));
        assertEquals(204, patch(service.credentials(), url, 0, slice(pdf, 0, 1000), null).statusCode());
        assertTrue(heldUploads(service) > 0);
        CLOCK.forward(Duration.ofHours(24).plusSeconds(1));
        try {
            assertEquals(404, headStatus(service.credentials(), url));
            assertEquals(404, patch(service.credentials(), url, 1000, slice(pdf, 1000, 3000), null).statusCode());
            assertTrue(service.runtime.sweepOrphans() >= 1);
            assertEquals(0, heldUploads(service), "the expired upload's row and bytes are gone");
        } finally {
            CLOCK.forward(Duration.ofHours(-24).minusSeconds(1));
        }
    }

    @Test
    void tusRequestsLogRouteShapesOnly() throws Exception {
        byte[] pdf = Samples.pdf(3000);
        try (CapturedLogs logs = new CapturedLogs()) {
            String url = create(service.credentials(), pdf.length, metadata(PATIENT, FILE_NAME));
            assertEquals(204, patch(service.credentials(), url, 0, slice(pdf, 0, 1000), null).statusCode());
            assertEquals(409, patch(service.credentials(), url, 7, slice(pdf, 0, 1000), null).statusCode());
            HttpResponse<String> last = patch(service.credentials(), url, 1000, slice(pdf, 1000, 3000), null);
            String location = last.headers().firstValue("Location").orElseThrow();
            String all = String.join("\n", logs.lines());
            assertTrue(all.contains("PATCH /uploads/{?} 204"), all);
            assertTrue(all.contains("POST /uploads 201"), all);
            String uploadId = url.substring(url.lastIndexOf('/') + 1);
            String documentId = location.substring(location.indexOf("('") + 2, location.length() - 2);
            for (String secret : List.of(uploadId, documentId, FILE_NAME, PATIENT)) {
                assertFalse(all.contains(secret), "the log contains " + secret + ":\n" + all);
            }
        }
    }

    // --- the tus Java client

    /** The tus Java client with the service's credentials, able to cut off the request it is sending. */
    private static CuttingClient client(TestService target, TestService.Credentials credentials) throws Exception {
        CuttingClient client = new CuttingClient();
        client.setUploadCreationURL(new URL(target.base + "uploads"));
        client.setHeaders(Map.of("Authorization", "Bearer " + credentials.token(), "x-api-key",
                credentials.apiKey()));
        client.enableResuming(new TusURLMemoryStore());
        return client;
    }

    private static TusUpload upload(byte[] content, String fingerprint) {
        TusUpload upload = new TusUpload();
        upload.setSize(content.length);
        upload.setFingerprint(fingerprint);
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("patient_id", PATIENT);
        metadata.put("filename", fingerprint + ".pdf");
        metadata.put("document_type", "scan");
        upload.setMetadata(metadata);
        return upload;
    }

    /** Remembers the connection of the request in flight, so that a test can break it as a network would. */
    private static final class CuttingClient extends TusClient {
        private HttpURLConnection current;

        @Override
        public void prepareConnection(HttpURLConnection connection) {
            super.prepareConnection(connection);
            current = connection;
        }

        void cut() {
            current.disconnect();
        }
    }

    /** The content, which breaks the client's connection and fails when the reader reaches {@code cutAt}. */
    private static final class CuttingStream extends InputStream {
        private final byte[] content;
        private final long cutAt;
        private final CuttingClient client;
        private int position;

        CuttingStream(byte[] content, long cutAt, CuttingClient client) {
            this.content = content;
            this.cutAt = cutAt;
            this.client = client;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (position >= cutAt) {
                client.cut();
                throw new IOException("connection cut off by the test");
            }
            if (position >= content.length) {
                return -1;
            }
            int n = (int) Math.min(len, Math.min(content.length - position, cutAt - position));
            System.arraycopy(content, position, b, off, n);
            position += n;
            return n;
        }

        @Override
        public long skip(long n) {
            long skipped = Math.min(n, content.length - position);
            position += (int) skipped;
            return skipped;
        }
    }

    // --- plain HTTP

    /**
     * A PATCH that declares {@code length} bytes but sends only {@code bytes} before its connection breaks off; returns
     * once the service has closed the connection, so that it is done with the request.
     */
    private static void cutOff(TestService target, String url, long offset, long length, byte[] bytes,
                               String checksum) throws Exception {
        URI uri = URI.create(url);
        TestService.Credentials credentials = target.credentials();
        try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
            String head = "PATCH " + uri.getPath() + " HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort()
                    + "\r\nAuthorization: Bearer " + credentials.token() + "\r\nx-api-key: " + credentials.apiKey()
                    + "\r\nTus-Resumable: 1.0.0\r\nUpload-Offset: " + offset
                    + "\r\nContent-Type: application/offset+octet-stream\r\nContent-Length: " + length
                    + (checksum == null ? "" : "\r\nUpload-Checksum: " + checksum) + "\r\n\r\n";
            socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().write(bytes);
            socket.getOutputStream().flush();
            socket.shutdownOutput();
            socket.getInputStream().readAllBytes();
        }
    }

    private static HttpRequest.Builder tus(TestService.Credentials credentials, String url) {
        return service.request("/", credentials).uri(URI.create(url)).header("Tus-Resumable", "1.0.0");
    }

    private static String create(TestService.Credentials credentials, long length, String metadata)
            throws Exception {
        HttpResponse<String> created = service.send(tus(credentials, service.base + "uploads")
                .header("Upload-Length", Long.toString(length)).header("Upload-Metadata", metadata)
                .POST(HttpRequest.BodyPublishers.noBody()).build());
        assertEquals(201, created.statusCode(), created.body());
        assertTrue(created.headers().firstValue("Upload-Expires").isPresent());
        return created.headers().firstValue("Location").orElseThrow();
    }

    private static int createStatus(TestService.Credentials credentials, String metadata) throws Exception {
        return service.send(tus(credentials, service.base + "uploads").header("Upload-Length", "3000")
                .header("Upload-Metadata", metadata).POST(HttpRequest.BodyPublishers.noBody()).build()).statusCode();
    }

    private static HttpResponse<String> patch(TestService.Credentials credentials, String url, long offset,
                                              byte[] bytes, String checksum) throws Exception {
        HttpRequest.Builder request = tus(credentials, url).header("Upload-Offset", Long.toString(offset))
                .header("Content-Type", "application/offset+octet-stream")
                .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(bytes));
        if (checksum != null) {
            request.header("Upload-Checksum", checksum);
        }
        return service.send(request.build());
    }

    private static long head(TestService target, TestService.Credentials credentials, String url) throws Exception {
        HttpResponse<String> head = target.send(target.request("/", credentials).uri(URI.create(url))
                .header("Tus-Resumable", "1.0.0").method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
        assertEquals(200, head.statusCode());
        assertEquals("no-store", head.headers().firstValue("Cache-Control").orElseThrow());
        assertTrue(head.headers().firstValue("Upload-Length").isPresent());
        return Long.parseLong(head.headers().firstValue("Upload-Offset").orElseThrow());
    }

    private static int headStatus(TestService.Credentials credentials, String url) throws Exception {
        return service.send(tus(credentials, url).method("HEAD", HttpRequest.BodyPublishers.noBody()).build())
                .statusCode();
    }

    private static String metadata(String patient, String fileName) {
        return "patient_id " + base64(patient) + ",filename " + base64(fileName) + ",document_type " + base64("scan")
                + ",is_confidential";
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String sha256(byte[] bytes) throws Exception {
        return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    private static byte[] slice(byte[] bytes, int from, int to) {
        byte[] slice = new byte[to - from];
        System.arraycopy(bytes, from, slice, 0, slice.length);
        return slice;
    }

    /** The one document of the patient with the file name, whose bytes are the content. */
    private static void assertStoredOnce(TestService target, String name, byte[] content) throws Exception {
        JsonNode found = TestService.json(target.get("/Documents?$filter=file_name eq '" + name + ".pdf'"));
        assertEquals(1, found.get("value").size(), found.toString());
        String id = found.get("value").get(0).get("id").asText();
        assertArrayEquals(content, target.getBytes("/Documents('" + id + "')/$value").body());
    }

    /** Unfinished uploads: their rows, and on H2 their part files. */
    private static long heldUploads(TestService target) throws Exception {
        long rows;
        try (Connection connection = target.connect();
             PreparedStatement count = connection.prepareStatement("SELECT COUNT(*) FROM resumable_upload");
             ResultSet rs = count.executeQuery()) {
            rs.next();
            rows = rs.getLong(1);
        }
        try (Stream<Path> files = Files.list(
                target.config.storage().resumableUploadsDir())) {
            return rows + files.count();
        }
    }

    /** A clock the test turns instead of waiting. */
    private static final class MovableClock extends Clock {
        private volatile Duration offset = Duration.ZERO;

        void forward(Duration by) {
            offset = offset.plus(by);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.now().plus(offset);
        }
    }
}
