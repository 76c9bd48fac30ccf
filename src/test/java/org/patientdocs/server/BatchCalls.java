package org.patientdocs.server;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

/** $batch requests in both formats, sent to a test service, and their answers taken apart. */
final class BatchCalls {

    /** One answer of a multipart batch: its Content-ID (or null), status, header block and body. */
    record Part(String contentId, int status, String headers, String body) {
    }

    private static final Pattern PART = Pattern.compile(
            "(?:Content-ID: ([^\\r]+)\\r\\n)?\\r\\nHTTP/1\\.1 (\\d{3})[^\\r]*\\r\\n(.*?)\\r\\n\\r\\n(.*?)\\r\\n--",
            Pattern.DOTALL);

    private final TestService service;
    private final Supplier<TestService.Credentials> credentials;

    BatchCalls(TestService service) {
        this(service, service::credentials);
    }

    /** Batches sent with the given credentials. */
    BatchCalls(TestService service, Supplier<TestService.Credentials> credentials) {
        this.service = service;
        this.credentials = credentials;
    }

    /** A request of a multipart batch; {@code headers} are whole header lines. */
    static String request(String contentId, String method, String url, String json, String... headers) {
        StringBuilder part = new StringBuilder("Content-Type: application/http\r\n")
                .append("Content-Transfer-Encoding: binary\r\n");
        if (contentId != null) {
            part.append("Content-ID: ").append(contentId).append("\r\n");
        }
        part.append("\r\n").append(method).append(' ').append(url).append(" HTTP/1.1\r\nAccept: application/json\r\n");
        for (String header : headers) {
            part.append(header).append("\r\n");
        }
        return part.append(json == null ? "\r\n" : "Content-Type: application/json\r\n\r\n" + json).append("\r\n")
                .toString();
    }

    /** A change set of requests (each with a Content-ID). */
    static String changeSet(String... requests) {
        String boundary = "cs_" + UUID.randomUUID();
        StringBuilder body = new StringBuilder("Content-Type: multipart/mixed; boundary=" + boundary + "\r\n\r\n");
        for (String request : requests) {
            body.append("--").append(boundary).append("\r\n").append(request);
        }
        return body.append("--").append(boundary).append("--\r\n").toString();
    }

    /** A multipart batch of the parts, with the given extra headers (name, value, name, value, …). */
    HttpResponse<String> multipart(List<String> headers, String... parts) throws IOException, InterruptedException {
        StringBuilder body = new StringBuilder();
        for (String part : parts) {
            body.append("--batch_x\r\n").append(part);
        }
        body.append("--batch_x--\r\n");
        HttpRequest.Builder request = service.request("/$batch", credentials.get())
                .header("Content-Type", "multipart/mixed; boundary=batch_x");
        for (int i = 0; i < headers.size(); i += 2) {
            request.header(headers.get(i), headers.get(i + 1));
        }
        return service.send(request.POST(HttpRequest.BodyPublishers.ofString(body.toString())).build());
    }

    HttpResponse<String> multipart(String... parts) throws IOException, InterruptedException {
        return multipart(List.of(), parts);
    }

    /** A JSON batch, with the given extra headers (name, value, name, value, …). */
    HttpResponse<String> json(String json, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder request = service.request("/$batch", credentials.get())
                .header("Content-Type", "application/json");
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return service.send(request.POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    /** The answers of a multipart batch, in order. */
    static List<Part> parts(HttpResponse<String> response) {
        List<Part> parts = new ArrayList<>();
        Matcher m = PART.matcher(response.body());
        while (m.find()) {
            parts.add(new Part(m.group(1), Integer.parseInt(m.group(2)), m.group(3), m.group(4)));
        }
        return parts;
    }

    /** The statuses of a multipart batch's answers, in order. */
    static List<Integer> statuses(HttpResponse<String> response) {
        return parts(response).stream().map(Part::status).toList();
    }

    /** The response objects of a JSON batch's answer. */
    static JsonNode responses(HttpResponse<String> response) {
        return TestService.json(response).get("responses");
    }

    /** "id:status" of each response object of a JSON batch's answer, in order. */
    static List<String> answered(HttpResponse<String> response) {
        List<String> answered = new ArrayList<>();
        for (JsonNode answer : responses(response)) {
            answered.add(answer.get("id").asText() + ":" + answer.get("status").asInt());
        }
        return answered;
    }
}
