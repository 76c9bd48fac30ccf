package org.patientdocs.server;

import java.io.ByteArrayOutputStream;
import java.io.FileNotFoundException;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Builds multipart/form-data bodies the way curl -F does. */
final class Multipart {

    private final String boundary = "------------------------" + UUID.randomUUID().toString().replace("-", "");
    private final List<byte[]> parts = new ArrayList<>();

    Multipart file(String name, String fileName, String contentType, byte[] content) {
        String head = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"; filename=\""
                + fileName + "\"\r\n" + (contentType == null ? "" : "Content-Type: " + contentType + "\r\n") + "\r\n";
        parts.add(head.getBytes(StandardCharsets.UTF_8));
        parts.add(content);
        parts.add("\r\n".getBytes(StandardCharsets.UTF_8));
        return this;
    }

    /** A part with the given header lines (each ending in CRLF), e.g. a Content-Disposition with filename*. */
    Multipart part(String headers, byte[] content) {
        parts.add(("--" + boundary + "\r\n" + headers + "\r\n").getBytes(StandardCharsets.UTF_8));
        parts.add(content);
        parts.add("\r\n".getBytes(StandardCharsets.UTF_8));
        return this;
    }

    Multipart field(String name, String value) {
        parts.add(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value
                + "\r\n").getBytes(StandardCharsets.UTF_8));
        return this;
    }

    String contentType() {
        return "multipart/form-data; boundary=" + boundary;
    }

    List<byte[]> chunks() {
        List<byte[]> all = new ArrayList<>(parts);
        all.add(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return all;
    }

    byte[] bytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        chunks().forEach(out::writeBytes);
        return out.toByteArray();
    }

    /** The body with a Content-Length. */
    HttpRequest.BodyPublisher publisher() {
        return HttpRequest.BodyPublishers.ofByteArray(bytes());
    }

    /**
     * The body with a file part added last whose content is read from disk as it is sent, never held: for files a
     * test must not keep in memory.
     */
    HttpRequest.BodyPublisher publisherWithFile(String name, String fileName, String contentType, Path content)
            throws FileNotFoundException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        parts.forEach(head::writeBytes);
        head.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"; filename=\""
                + fileName + "\"\r\nContent-Type: " + contentType + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        return HttpRequest.BodyPublishers.concat(HttpRequest.BodyPublishers.ofByteArray(head.toByteArray()),
                HttpRequest.BodyPublishers.ofFile(content),
                HttpRequest.BodyPublishers.ofByteArray(("\r\n--" + boundary + "--\r\n")
                        .getBytes(StandardCharsets.UTF_8)));
    }

    /** The body with no declared length: sent with chunked transfer coding. */
    HttpRequest.BodyPublisher chunkedPublisher() {
        return HttpRequest.BodyPublishers.ofByteArrays(chunks());
    }
}
