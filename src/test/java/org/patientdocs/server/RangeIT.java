package org.patientdocs.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.patientdocs.storage.Keyring;

/**
 * Byte ranges, HEAD and digests of downloads, on this run's document store, unencrypted and encrypted at rest: every
 * range form and its edges answered 206 with exactly those bytes, unsatisfiable ones 416, ranges the service cannot
 * read ignored (200), {@code If-Range}, a download resumed by curl and by the JDK client, and HEAD answering the GET's
 * headers.
 */
class RangeIT {

    /** Spans several database chunks and encrypted segments of 1 MiB, and ends in the middle of one. */
    private static final int SIZE = 3 * 1024 * 1024 + 517;

    private static Path keyringDir;
    private static TestService plain;
    private static TestService encrypted;
    private static byte[] content;
    private static String plainId;
    private static String encryptedId;

    @BeforeAll
    static void startServices() throws Exception {
        keyringDir = Files.createTempDirectory("range-it");
        Path keyring = Files.writeString(keyringDir.resolve("keyring.json"), Keyring.newKeyring("k1"));
        plain = TestService.start(Map.of());
        encrypted = TestService.start(Map.of("documents.encryption", "on", "documents.encryption.keyring-file",
                keyring.toString()));
        content = Samples.pdf(SIZE);
        plainId = upload(plain);
        encryptedId = upload(encrypted);
    }

    @AfterAll
    static void stopServices() throws Exception {
        try (TestService a = plain; TestService b = encrypted) {
            Files.deleteIfExists(keyringDir.resolve("keyring.json"));
            Files.deleteIfExists(keyringDir);
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void everyRangeFormIsAnsweredWithExactlyItsBytes(boolean atRest) throws Exception {
        int last = SIZE - 1;
        Map<String, long[]> ranges = Map.ofEntries(
                Map.entry("bytes=0-0", new long[] {0, 0}),
                Map.entry("bytes=" + last + "-" + last, new long[] {last, last}),
                Map.entry("bytes=100-199", new long[] {100, 199}),
                Map.entry("bytes=1048000-1049999", new long[] {1048000, 1049999}),
                Map.entry("bytes=2000000-", new long[] {2000000, last}),
                Map.entry("bytes=-500", new long[] {SIZE - 500, last}),
                Map.entry("bytes=3000000-99999999999", new long[] {3000000, last}),
                Map.entry("bytes=-99999999999999999999999", new long[] {0, last}),
                Map.entry("BYTES = 10-19", new long[] {10, 19}),
                Map.entry("bytes=,5-9,", new long[] {5, 9}));
        for (Map.Entry<String, long[]> range : ranges.entrySet()) {
            HttpResponse<byte[]> answer = download(atRest, range.getKey(), null);
            long first = range.getValue()[0];
            long end = range.getValue()[1];
            String what = range.getKey();
            assertEquals(206, answer.statusCode(), what);
            assertArrayEquals(Arrays.copyOfRange(content, (int) first, (int) end + 1), answer.body(), what);
            assertEquals("bytes " + first + "-" + end + "/" + SIZE, header(answer, "Content-Range"), what);
            assertEquals(String.valueOf(end - first + 1), header(answer, "Content-Length"), what);
            assertEquals("bytes", header(answer, "Accept-Ranges"), what);
            assertEquals(reprDigest(), header(answer, "Repr-Digest"), "the whole document's digest, " + what);
            assertFalse(answer.headers().firstValue("Content-Digest").isPresent(), "no content digest: " + what);
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aRangeOutsideTheDocumentIs416WithItsSize(boolean atRest) throws Exception {
        for (String range : List.of("bytes=" + SIZE + "-", "bytes=-0", "bytes=" + SIZE + "-" + (SIZE + 10),
                "bytes=99999999999999999999-", "bytes=" + SIZE + "-, -0")) {
            HttpResponse<byte[]> answer = download(atRest, range, null);
            assertEquals(416, answer.statusCode(), range);
            assertEquals("bytes */" + SIZE, header(answer, "Content-Range"), range);
            JsonNode error = TestService.JSON.readTree(answer.body()).get("error");
            assertEquals("RANGE_NOT_SATISFIABLE", error.get("code").asText(), range);
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aRangeTheServiceCannotReadOrSeveralRangesGetTheWholeDocument(boolean atRest) throws Exception {
        for (String range : List.of("lines=1-2", "bytes=5-1", "bytes=abc", "bytes=-", "bytes=1-2;x", "bytes",
                "bytes=0-1,5-9", "bytes=0-99, 50-150, -10")) {
            HttpResponse<byte[]> answer = download(atRest, range, null);
            assertEquals(200, answer.statusCode(), range);
            assertArrayEquals(content, answer.body(), range);
            assertFalse(answer.headers().firstValue("Content-Range").isPresent(), range);
            assertEquals(reprDigest(), header(answer, "Content-Digest"), range);
            assertEquals(reprDigest(), header(answer, "Repr-Digest"), range);
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void ifRangeSendsTheRangeOnlyForTheCurrentStrongEtag(boolean atRest) throws Exception {
        String etag = "\"" + sha256Hex() + "\"";
        assertEquals(206, download(atRest, "bytes=0-9", etag).statusCode());
        for (String stale : List.of("\"" + "0".repeat(64) + "\"", "W/" + etag, "Sun, 06 Dec 2026 12:00:00 GMT")) {
            HttpResponse<byte[]> answer = download(atRest, "bytes=0-9", stale);
            assertEquals(200, answer.statusCode(), stale);
            assertArrayEquals(content, answer.body(), stale);
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void headAnswersTheHeadersOfTheGetWithoutTheBody(boolean atRest) throws Exception {
        HttpResponse<byte[]> get = download(atRest, null, null);
        for (String range : new String[] {null, "bytes=0-9"}) {
            HttpRequest.Builder head = service(atRest).request(path(atRest))
                    .method("HEAD", HttpRequest.BodyPublishers.noBody());
            if (range != null) {
                head.header("Range", range);
            }
            HttpResponse<byte[]> answer = service(atRest).http.send(head.build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, answer.statusCode(), "a HEAD ignores Range: " + range);
            assertEquals(0, answer.body().length);
            for (String name : List.of("Content-Length", "ETag", "Content-Type", "Content-Disposition",
                    "Accept-Ranges", "Repr-Digest", "Content-Digest")) {
                assertEquals(header(get, name), header(answer, name), name);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void wantDigestLeavesOutOnlyWhatItCallsNotAcceptable(boolean atRest) throws Exception {
        HttpResponse<byte[]> refused = service(atRest).http.send(service(atRest).request(path(atRest))
                .header("Want-Repr-Digest", "sha-256=0").header("Want-Content-Digest", "sha-512=3, sha-256=0")
                .GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        assertFalse(refused.headers().firstValue("Repr-Digest").isPresent());
        assertFalse(refused.headers().firstValue("Content-Digest").isPresent());
        HttpResponse<byte[]> other = service(atRest).http.send(service(atRest).request(path(atRest))
                .header("Want-Repr-Digest", "sha-512=10").header("Want-Content-Digest", "sha-256=1")
                .GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(reprDigest(), header(other, "Repr-Digest"), "sha-256 is what the service has");
        assertEquals(reprDigest(), header(other, "Content-Digest"));
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void anInterruptedDownloadIsResumedByCurl(boolean atRest) throws Exception {
        Path file = Files.createTempFile(keyringDir, "resumed", ".pdf");
        // what an interrupted transfer left: the first 1.5 MB
        Files.write(file, Arrays.copyOf(content, 1_500_000));
        TestService service = service(atRest);
        Process curl = new ProcessBuilder("curl", "--silent", "--show-error", "--fail", "-C", "-", "-o",
                file.toString(), "-H", "Authorization: Bearer " + service.credentials().token(),
                "-H", "x-api-key: " + service.credentials().apiKey(), service.uri(path(atRest)).toString())
                .redirectErrorStream(true).start();
        String output = new String(curl.getInputStream().readAllBytes());
        assertTrue(curl.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, curl.exitValue(), output);
        assertArrayEquals(content, Files.readAllBytes(file));
        Files.delete(file);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void anInterruptedDownloadIsResumedWithARangeByTheJdkClient(boolean atRest) throws Exception {
        byte[] received = Arrays.copyOf(content, 2_222_222);
        String etag = "\"" + sha256Hex() + "\"";
        HttpResponse<byte[]> rest = download(atRest, "bytes=" + received.length + "-", etag);
        assertEquals(206, rest.statusCode());
        byte[] whole = Arrays.copyOf(received, received.length + rest.body().length);
        System.arraycopy(rest.body(), 0, whole, received.length, rest.body().length);
        assertArrayEquals(content, whole);
        assertEquals(reprDigest(), "sha-256=:" + Base64.getEncoder().encodeToString(
                MessageDigest.getInstance("SHA-256").digest(whole)) + ":", "the digest checks what was put together");
    }

    private static HttpResponse<byte[]> download(boolean atRest, String range, String ifRange) throws Exception {
        HttpRequest.Builder request = service(atRest).request(path(atRest)).GET();
        if (range != null) {
            request.header("Range", range);
        }
        if (ifRange != null) {
            request.header("If-Range", ifRange);
        }
        return service(atRest).http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static TestService service(boolean atRest) {
        return atRest ? encrypted : plain;
    }

    private static String path(boolean atRest) {
        return "/Patients(range-1)/Documents(" + (atRest ? encryptedId : plainId) + ")/$value";
    }

    private static String header(HttpResponse<?> response, String name) {
        return response.headers().firstValue(name).orElse(null);
    }

    private static String upload(TestService service) throws Exception {
        assertEquals(201, service.postJson("/Patients", "{\"id\":\"range-1\"}").statusCode());
        Multipart form = new Multipart().file("file", "scan.pdf", Samples.PDF, content);
        HttpResponse<String> response = service.send(service.request("/Patients(range-1)/Documents")
                .header("Content-Type", form.contentType()).POST(form.publisher()).build());
        assertEquals(201, response.statusCode(), response.body());
        return TestService.json(response).get("id").asText();
    }

    private static String sha256Hex() throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    }

    private static String reprDigest() throws Exception {
        return "sha-256=:" + Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(content))
                + ":";
    }
}
