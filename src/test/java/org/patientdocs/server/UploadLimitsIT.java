package org.patientdocs.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The 25 MB limit at its exact boundary, with and without Content-Length, as a form and as a raw body. */
class UploadLimitsIT {

    private static final int LIMIT = 26_214_400;
    private static final String PATIENT = "limits-1";
    private static TestService service;
    private static byte[] atLimit;
    private static byte[] overLimit;
    private long filesBefore;

    @BeforeAll
    static void start() throws Exception {
        service = TestService.start(Map.of());
        assertEquals(201, service.postJson("/Patients", "{\"id\":\"" + PATIENT + "\"}").statusCode());
        atLimit = Samples.pdf(LIMIT);
        overLimit = Samples.pdf(LIMIT + 1);
    }

    @AfterAll
    static void stop() throws Exception {
        service.close();
    }

    @BeforeEach
    void countFiles() throws IOException {
        filesBefore = service.storedFiles();
    }

    private HttpResponse<String> post(HttpRequest.Builder builder) throws Exception {
        return service.send(builder.build());
    }

    private HttpRequest.Builder documents() {
        return service.request("/Patients(" + PATIENT + ")/Documents");
    }

    @Test
    void formWithExactlyTheLimitIsAcceptedAndReadBackWhole() throws Exception {
        Multipart form = new Multipart().file("file", "big.pdf", Samples.PDF, atLimit);
        HttpResponse<String> response = post(documents().header("Content-Type", form.contentType())
                .POST(form.publisher()));
        assertEquals(201, response.statusCode(), response.body());
        JsonNode body = TestService.json(response);
        assertEquals(LIMIT, body.get("file_size_bytes").asLong());

        HttpResponse<InputStream> download = service.http.send(
                service.request("/Documents(" + body.get("id").asText() + ")/$value").GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(String.valueOf(LIMIT), download.headers().firstValue("Content-Length").orElseThrow());
        assertEquals(sha256(atLimit), sha256(download.body()));
    }

    @Test
    void formOneByteOverTheLimitIsTooLargeAndLeavesNothing() throws Exception {
        Multipart form = new Multipart().file("file", "big.pdf", Samples.PDF, overLimit);
        HttpResponse<String> response = post(documents().header("Content-Type", form.contentType())
                .POST(form.publisher()));
        assertTooLarge(response);
    }

    @Test
    void chunkedFormWithExactlyTheLimitIsAccepted() throws Exception {
        Multipart form = new Multipart().file("file", "big.pdf", Samples.PDF, atLimit);
        HttpResponse<String> response = post(documents().header("Content-Type", form.contentType())
                .POST(form.chunkedPublisher()));
        assertEquals(201, response.statusCode(), response.body());
    }

    @Test
    void chunkedFormOneByteOverTheLimitIsTooLarge() throws Exception {
        Multipart form = new Multipart().file("file", "big.pdf", Samples.PDF, overLimit);
        assertTooLarge(post(documents().header("Content-Type", form.contentType()).POST(form.chunkedPublisher())));
    }

    @Test
    void chunkedFormWhoseOtherFieldsPassTheFormLimitIsTooLarge() throws Exception {
        // 64 KiB of room for the form around the file, as for a declared length; the ignored field overflows it
        Multipart form = new Multipart().file("file", "small.pdf", Samples.PDF, Samples.pdf(1000))
                .field("padding", "p".repeat(LIMIT + 64 * 1024));
        HttpResponse<String> response = post(documents().header("Content-Type", form.contentType())
                .POST(form.chunkedPublisher()));
        assertEquals(413, response.statusCode(), response.body());
        JsonNode error = TestService.json(response).get("error");
        assertEquals("PAYLOAD_TOO_LARGE", error.get("code").asText());
        assertTrue(error.get("message").asText().contains("limit of " + LIMIT + " bytes"), response.body());
        assertEquals(filesBefore, service.storedFiles(), "nothing may stay in the document store");
    }

    @Test
    void rawBodyWithExactlyTheLimitIsAccepted() throws Exception {
        HttpResponse<String> response = post(documents().header("Content-Type", Samples.PDF)
                .POST(HttpRequest.BodyPublishers.ofByteArray(atLimit)));
        assertEquals(201, response.statusCode(), response.body());
    }

    @Test
    void declaredLengthOverTheLimitIsRefusedBeforeTheBodyIsSent() throws Exception {
        // Only the headers go out: an answer proves the server decided on the Content-Length alone.
        for (String expect : new String[] {"", "Expect: 100-continue\r\n"}) {
            try (Socket socket = new Socket(service.base.getHost(), service.base.getPort())) {
                socket.setSoTimeout(30_000);
                socket.getOutputStream().write(headers("Content-Length: " + (LIMIT + 1) + "\r\n" + expect));
                assertTrue(readLine(socket).startsWith("HTTP/1.1 413"));
            }
        }
        assertEquals(filesBefore, service.storedFiles());
    }

    @Test
    void formWhoseDeclaredLengthCannotFitTheLimitIsRefusedBeforeTheBodyIsSent() throws Exception {
        try (Socket socket = new Socket(service.base.getHost(), service.base.getPort())) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(headers("Content-Length: " + (2L * LIMIT) + "\r\n",
                    "multipart/form-data; boundary=abc"));
            assertTrue(readLine(socket).startsWith("HTTP/1.1 413"));
            // the limit named is the document's, as for every other refusal of a body too large: not the form's
            String message = errorAfterStatusLine(socket).get("message").asText();
            assertTrue(message.contains("limit of " + LIMIT + " bytes"), message);
            assertTrue(message.contains("at most " + 64 * 1024 + " bytes of other fields"), message);
        }
    }

    /** The JSON error of an answer whose status line was read: its headers are read up to its body. */
    private static JsonNode errorAfterStatusLine(Socket socket) throws IOException {
        int length = -1;
        for (String header = readLine(socket); !header.isEmpty(); header = readLine(socket)) {
            if (header.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                length = Integer.parseInt(header.substring(15).trim());
            }
        }
        assertTrue(length > 0, "the refusal has a body of known length");
        byte[] body = socket.getInputStream().readNBytes(length);
        return TestService.JSON.readTree(body).get("error");
    }

    private static byte[] headers(String extra) {
        return headers(extra, Samples.PDF);
    }

    private static byte[] headers(String extra, String contentType) {
        return ("POST /Patients(" + PATIENT + ")/Documents HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Authorization: Bearer " + service.token("user-456") + "\r\n"
                + "x-api-key: " + TestService.API_KEY + "\r\n"
                + "Content-Type: " + contentType + "\r\n" + extra + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void chunkedRawBodyOneByteOverTheLimitIsTooLarge() throws Exception {
        assertTooLarge(post(documents().header("Content-Type", Samples.PDF)
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(overLimit)))));
    }

    @Test
    void endlessChunkedUploadIsCutOffSoonAfterTheLimit() throws Exception {
        long total = 8L * LIMIT;
        try (Socket socket = new Socket(service.base.getHost(), service.base.getPort())) {
            socket.setSoTimeout(30_000);
            CompletableFuture<String> statusLine = CompletableFuture.supplyAsync(() -> readLine(socket));
            OutputStream out = socket.getOutputStream();
            out.write(headers("Transfer-Encoding: chunked\r\n"));
            byte[] chunk = Samples.pdf(64 * 1024);
            long sent = 0;
            try {
                while (sent < total && !statusLine.isDone()) {
                    out.write((Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(chunk);
                    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                    sent += chunk.length;
                }
            } catch (IOException closedByServer) {
                // the server stopped reading: what we want
            }
            assertTrue(statusLine.get(30, TimeUnit.SECONDS).startsWith("HTTP/1.1 413"), statusLine.get());
            assertTrue(sent < total, "the server read the whole endless upload");
        }
        assertEquals(filesBefore, service.storedFiles());
    }

    private static String readLine(Socket socket) {
        try {
            InputStream in = socket.getInputStream();
            StringBuilder line = new StringBuilder();
            for (int c = in.read(); c >= 0 && c != '\n'; c = in.read()) {
                line.append((char) c);
            }
            return line.toString().trim();
        } catch (IOException e) {
            return "read failed: " + e;
        }
    }

    private void assertTooLarge(HttpResponse<String> response) throws Exception {
        assertEquals(413, response.statusCode(), response.body());
        JsonNode error = TestService.json(response).get("error");
        assertEquals("PAYLOAD_TOO_LARGE", error.get("code").asText());
        assertTrue(error.get("message").asText().contains("26214400"));
        assertEquals(filesBefore, service.storedFiles(), "nothing may stay in the document store");
        JsonNode list = TestService.json(service.get("/Patients(" + PATIENT + ")/Documents?$filter=file_size_bytes gt "
                + LIMIT));
        assertEquals(0, list.get("@odata.count").asInt());
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    private static String sha256(InputStream in) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (in) {
            byte[] buffer = new byte[65536];
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
