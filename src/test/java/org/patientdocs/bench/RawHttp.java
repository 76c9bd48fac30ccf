package org.patientdocs.bench;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A minimal HTTP/1.1 client over a plain socket, one connection per exchange, for the transfer suite. It streams
 * request bodies from a file and discards response bodies through one 64 KiB buffer, so that the client neither
 * limits the rate over loopback nor adds to the heap the suite samples (java.net.http would buffer and copy both).
 * Supports exactly what the suite needs: a response body delimited by Content-Length or by the end of the connection.
 */
final class RawHttp {

    private static final int BUFFER = 64 * 1024;
    private static final int KEPT = 4 * 1024;

    private RawHttp() {
    }

    /**
     * @param bodyBytes the length of the response body, all read
     * @param head      the first few KiB of the body, for error messages and small answers
     */
    record Response(int status, Map<String, String> headers, long bodyBytes, String head) {

        Response expect(int expected, String what) {
            if (status != expected) {
                throw new IllegalStateException(what + " answered " + status + ", expected " + expected + ": " + head);
            }
            return this;
        }
    }

    /** A request body: bytes before the file, the file, bytes after it. */
    record Body(String contentType, byte[] before, Path file, byte[] after) {

        long length() throws IOException {
            return before.length + Files.size(file) + after.length;
        }
    }

    static Response get(URI uri, Map<String, String> headers) throws IOException {
        return exchange("GET", uri, headers, null);
    }

    static Response post(URI uri, Map<String, String> headers, Body body) throws IOException {
        return exchange("POST", uri, headers, body);
    }

    private static Response exchange(String method, URI uri, Map<String, String> headers, Body body)
            throws IOException {
        try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
            socket.setTcpNoDelay(true);
            OutputStream out = new BufferedOutputStream(socket.getOutputStream(), BUFFER);
            StringBuilder request = new StringBuilder(method).append(' ').append(uri.getRawPath());
            if (uri.getRawQuery() != null) {
                request.append('?').append(uri.getRawQuery());
            }
            request.append(" HTTP/1.1\r\nHost: ").append(uri.getHost()).append(':').append(uri.getPort())
                    .append("\r\nConnection: close\r\n");
            headers.forEach((name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
            if (body != null) {
                request.append("Content-Type: ").append(body.contentType()).append("\r\nContent-Length: ")
                        .append(body.length()).append("\r\n");
            }
            out.write(request.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
            if (body != null) {
                out.write(body.before());
                try (InputStream file = Files.newInputStream(body.file())) {
                    copy(file, out);
                }
                out.write(body.after());
            }
            out.flush();
            return read(new BufferedInputStream(socket.getInputStream(), BUFFER));
        }
    }

    private static void copy(InputStream in, OutputStream out) throws IOException {
        byte[] buffer = new byte[BUFFER];
        for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
            out.write(buffer, 0, read);
        }
    }

    private static Response read(InputStream in) throws IOException {
        String statusLine = line(in);
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
            throw new IOException("not an HTTP/1.1 response: " + statusLine);
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (String line = line(in); !line.isEmpty(); line = line(in)) {
            int colon = line.indexOf(':');
            headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
        }
        String length = headers.get("content-length");
        long limit = length == null ? Long.MAX_VALUE : Long.parseLong(length);
        byte[] buffer = new byte[BUFFER];
        ByteArrayOutputStream kept = new ByteArrayOutputStream();
        long total = 0;
        while (total < limit) {
            int read = in.read(buffer, 0, (int) Math.min(buffer.length, limit - total));
            if (read < 0) {
                if (length != null) {
                    throw new IOException("the response ended after " + total + " of " + limit + " bytes");
                }
                break;
            }
            if (kept.size() < KEPT) {
                kept.write(buffer, 0, Math.min(read, KEPT - kept.size()));
            }
            total += read;
        }
        return new Response(Integer.parseInt(parts[1]), headers, total, kept.toString(StandardCharsets.UTF_8));
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new IOException("the connection ended inside the response head");
            }
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }
}
