package org.patientdocs.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/**
 * Downloads to clients that stop reading hold no database connection: with twenty of them in flight on a pool of
 * five connections, list and metadata queries are still answered, and each download then completes byte for byte.
 */
class SlowDownloadsIT {

    private static final int DOWNLOADS = 20;
    /** Larger than what the socket buffers of a stalled connection absorb (at most 4 MiB here), so none completes. */
    private static final int SIZE = 12 * 1024 * 1024;
    private static final int READ_BEFORE_STALLING = 4096;

    @Test
    void stalledDownloadsLeaveThePoolToOtherRequests() throws Exception {
        try (TestService service = TestService.start(Map.of("db.pool-size", "5", "db.connect-timeout-ms", "2000"))) {
            assertEquals(201, service.postJson("/Patients", "{\"id\":\"slow-1\"}").statusCode());
            byte[] pdf = Samples.pdf(SIZE);
            HttpResponse<String> created = service.send(service.request("/Patients(slow-1)/Documents")
                    .header("Content-Type", Samples.PDF).POST(HttpRequest.BodyPublishers.ofByteArray(pdf)).build());
            assertEquals(201, created.statusCode(), created.body());
            String id = TestService.json(created).get("id").asText();

            List<StalledDownload> downloads = new ArrayList<>();
            try {
                for (int i = 0; i < DOWNLOADS; i++) {
                    downloads.add(new StalledDownload(service, "/Documents('" + id + "')/$value"));
                }
                for (int round = 0; round < 5; round++) {
                    HttpResponse<String> list = service.get("/Patients(slow-1)/Documents?$count=true");
                    assertEquals(200, list.statusCode(), list.body());
                    JsonNode body = TestService.json(list);
                    assertEquals(1, body.get("@odata.count").asInt());
                    assertEquals(200, service.get("/Documents?$filter=patient_id eq 'slow-1'").statusCode());
                    assertEquals(200, service.get("/Documents('" + id + "')").statusCode());
                }
                String expected = sha256(pdf);
                for (StalledDownload download : downloads) {
                    assertEquals(expected, download.finish(SIZE), "each stalled download completes intact");
                }
            } finally {
                for (StalledDownload download : downloads) {
                    download.close();
                }
            }
        }
    }

    /** A download whose client reads the response head and a few KB, then stops until told to finish. */
    private static final class StalledDownload implements AutoCloseable {
        private final Socket socket = new Socket();
        private final InputStream in;
        private final MessageDigest digest = MessageDigest.getInstance("SHA-256");
        private long received;

        StalledDownload(TestService service, String path) throws Exception {
            // A small receive window keeps the bytes in flight on the server's side.
            socket.setReceiveBufferSize(16 * 1024);
            socket.setSoTimeout(60_000);
            socket.connect(new InetSocketAddress(service.base.getHost(), service.base.getPort()));
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Authorization: Bearer " + service.token("user-456") + "\r\n"
                    + "x-api-key: " + TestService.API_KEY + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            in = new BufferedInputStream(socket.getInputStream(), 4096);
            String status = line();
            assertTrue(status.startsWith("HTTP/1.1 200"), status);
            long length = -1;
            for (String header = line(); !header.isEmpty(); header = line()) {
                if (header.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                    length = Long.parseLong(header.substring("content-length:".length()).trim());
                }
            }
            assertEquals(SIZE, length);
            read(READ_BEFORE_STALLING);
        }

        /** Reads the rest of the body; returns the SHA-256 of the whole body. */
        String finish(long size) throws IOException {
            read(size - received);
            assertEquals(-1, in.read(), "nothing after the announced length");
            return HexFormat.of().formatHex(digest.digest());
        }

        private void read(long count) throws IOException {
            byte[] buffer = new byte[64 * 1024];
            long left = count;
            while (left > 0) {
                int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                if (n < 0) {
                    throw new IOException("the body ended after " + received + " bytes");
                }
                digest.update(buffer, 0, n);
                received += n;
                left -= n;
            }
        }

        private String line() throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            for (int c = in.read(); c >= 0 && c != '\n'; c = in.read()) {
                if (c != '\r') {
                    line.write(c);
                }
            }
            return line.toString(StandardCharsets.US_ASCII);
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
