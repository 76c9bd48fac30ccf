package org.patientdocs.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Slow and hostile clients cannot hold the service: request headers that trickle in are answered 408 and closed once
 * they have taken longer than {@code http.header-timeout-ms} however steadily they come; a body that arrives below
 * {@code http.min-request-bytes-per-second}, or stops for {@code http.idle-timeout-ms}, is refused with 408 and leaves
 * nothing behind; and while slow uploads hold every turn {@code http.max-concurrent-bodies} allows, a further upload
 * is refused with 503 at once rather than let in to hold a thread, and other requests are still answered.
 * <p>
 * The slow clients pace themselves by requests of their own to the service instead of sleeping: each byte or line
 * follows an answered request. Nothing here measures time; the tiny timeouts and the high floor are the services'.
 */
class SlowClientsIT {

    private static final String PATIENT = "slow-clients-1";
    /** The most bytes or lines a slow client sends before the test gives up waiting for the server to refuse it. */
    private static final int MAX_STEPS = 5_000;

    @ParameterizedTest
    @ValueSource(strings = {"a:1\r\n", "\r\n"})
    void requestHeadersThatTrickleInAreAnswered408AndTheConnectionClosed(String step) throws Exception {
        // a second between bytes never passes, so only the whole-header timeout can end this
        try (TestService service = TestService.start(Map.of("http.header-timeout-ms", "300",
                "http.idle-timeout-ms", "600000"))) {
            try (Socket socket = connect(service)) {
                CompletableFuture<String> answer = CompletableFuture.supplyAsync(() -> readAll(socket));
                OutputStream out = socket.getOutputStream();
                if (!step.equals("\r\n")) {
                    out.write("GET /Patients HTTP/1.1\r\nHost: 127.0.0.1\r\n".getBytes(StandardCharsets.US_ASCII));
                }
                try {
                    for (int i = 0; i < MAX_STEPS && !answer.isDone(); i++) {
                        out.write(step.getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                        pace(service);
                    }
                } catch (IOException closedByServer) {
                    // the server answered and closed the connection while a line was on its way
                }
                String response = answer.get(60, TimeUnit.SECONDS);
                assertTimedOut(response);
                assertTrue(response.toLowerCase(Locale.ROOT).contains("connection: close"), response);
            }
        }
    }

    @Test
    void aBodyArrivingBelowTheMinimumRateIsRefusedWith408AndNothingIsStored() throws Exception {
        // a floor of 100 kB/s: one byte per answered request is far below it; the idle timeout never passes
        try (TestService service = TestService.start(Map.of("http.min-request-bytes-per-second", "100000",
                "http.idle-timeout-ms", "600000"))) {
            assertEquals(201, service.postJson("/Patients", "{\"id\":\"" + PATIENT + "\"}").statusCode());
            long storedBefore = service.storedFiles();
            byte[] pdf = Samples.pdf(1_000_000);
            try (Socket socket = connect(service)) {
                CompletableFuture<String> answer = CompletableFuture.supplyAsync(() -> readAll(socket));
                OutputStream out = socket.getOutputStream();
                out.write(uploadHead(service, pdf.length, false));
                try {
                    for (int i = 0; i < MAX_STEPS && !answer.isDone(); i++) {
                        out.write(pdf[i]);
                        out.flush();
                        pace(service);
                    }
                } catch (IOException closedByServer) {
                    // the server refused the body and closed the connection while a byte was on its way
                }
                String response = answer.get(60, TimeUnit.SECONDS);
                assertTimedOut(response);
            }
            assertNothingStored(service, storedBefore);
        }
    }

    private static void assertTimedOut(String response) {
        assertTrue(response.startsWith("HTTP/1.1 408 "), response);
        assertTrue(response.contains("\"code\":\"REQUEST_TIMEOUT\""), response);
    }

    private static void assertNothingStored(TestService service, long storedBefore) throws Exception {
        assertEquals(storedBefore, service.storedFiles(), "nothing may stay in the document store");
        JsonNode documents = TestService.json(service.get("/Patients(" + PATIENT + ")/Documents"));
        assertEquals(0, documents.get("@odata.count").asInt());
    }

    @Test
    void aBodyThatStopsIsRefusedWith408OnceTheIdleTimeoutPassesAndNothingIsStored() throws Exception {
        // no floor on the rate: only the idle timeout ends an upload that stops after its first kilobyte
        try (TestService service = TestService.start(Map.of("http.min-request-bytes-per-second", "0",
                "http.idle-timeout-ms", "500"))) {
            assertEquals(201, service.postJson("/Patients", "{\"id\":\"" + PATIENT + "\"}").statusCode());
            long storedBefore = service.storedFiles();
            byte[] pdf = Samples.pdf(1_000_000);
            try (Socket socket = connect(service)) {
                socket.getOutputStream().write(uploadHead(service, pdf.length, false));
                socket.getOutputStream().write(pdf, 0, 1024);
                socket.getOutputStream().flush();
                String response = readAll(socket);
                assertTimedOut(response);
            }
            assertNothingStored(service, storedBefore);
        }
    }

    @Test
    void uploadsBeyondTheBodyLimitAre503WhileSlowUploadsHoldTheirTurnsAndOtherRequestsAreStillAnswered()
            throws Exception {
        // two uploads at once, none waiting: two slow uploads that stop after a kilobyte take both turns, for as
        // long as the idle timeout (ten minutes here) lets them; without the limit each would hold a thread, and
        // the third upload would be let in to do the same
        try (TestService service = TestService.start(Map.of("http.max-threads", "16",
                "http.max-concurrent-bodies", "2", "http.max-waiting-bodies", "0",
                "http.idle-timeout-ms", "600000"))) {
            assertEquals(201, service.postJson("/Patients", "{\"id\":\"" + PATIENT + "\"}").statusCode());
            byte[] pdf = Samples.pdf(1_000_000);
            List<Socket> slow = new ArrayList<>();
            try {
                for (int i = 0; i < 2; i++) {
                    Socket socket = connect(service);
                    slow.add(socket);
                    socket.getOutputStream().write(uploadHead(service, pdf.length, true));
                    // the service reads the body only once the upload has its turn
                    assertEquals("HTTP/1.1 100 Continue", line(socket.getInputStream()));
                    line(socket.getInputStream());
                    socket.getOutputStream().write(pdf, 0, 1024);
                    socket.getOutputStream().flush();
                }
                for (int i = 0; i < 4; i++) {
                    Socket socket = connect(service);
                    slow.add(socket);
                    socket.getOutputStream().write("GET /Patients HTTP/1.1\r\nHost: 127.0.0.1\r\nx-slow: 1\r\n"
                            .getBytes(StandardCharsets.US_ASCII));
                }

                try (Socket third = connect(service)) {
                    third.getOutputStream().write(uploadHead(service, pdf.length, true));
                    String refusal = readAll(third);
                    assertTrue(refusal.startsWith("HTTP/1.1 503 "), refusal);
                    assertTrue(refusal.contains("Retry-After: "), refusal);
                    assertTrue(refusal.contains("\"code\":\"SERVICE_UNAVAILABLE\""), refusal);
                }
                HttpResponse<String> normal = service.get("/Patients?$top=1");
                assertEquals(200, normal.statusCode(), normal.body());
                assertEquals(PATIENT, TestService.json(normal).get("value").get(0).get("id").asText());
            } finally {
                for (Socket socket : slow) {
                    socket.close();
                }
            }
        }
    }

    private static Socket connect(TestService service) throws IOException {
        Socket socket = new Socket();
        socket.setSoTimeout(60_000);
        socket.connect(new InetSocketAddress(service.base.getHost(), service.base.getPort()));
        return socket;
    }

    /** Lets time pass the way a client on a slow link would see it: one request to the service answered. */
    private static void pace(TestService service) throws Exception {
        assertEquals(200, service.get("/").statusCode());
    }

    private static byte[] uploadHead(TestService service, long length, boolean expectContinue) {
        return ("POST /Patients(" + PATIENT + ")/Documents HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Authorization: Bearer " + service.token("user-456") + "\r\n"
                + "x-api-key: " + TestService.API_KEY + "\r\n"
                + "Content-Type: application/pdf\r\nSlug: slow.pdf\r\nContent-Length: " + length + "\r\n"
                + (expectContinue ? "Expect: 100-continue\r\n" : "") + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** Everything the server sends until it closes the connection, or what came before a failed read. */
    private static String readAll(Socket socket) {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        try {
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[4096];
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                received.write(buffer, 0, n);
            }
        } catch (IOException e) {
            received.writeBytes(("\n(read failed: " + e + ")").getBytes(StandardCharsets.UTF_8));
        }
        return received.toString(StandardCharsets.UTF_8);
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c >= 0 && c != '\n'; c = in.read()) {
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }
}
