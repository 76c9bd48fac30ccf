package org.patientdocs.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * An error answer as a client sees it, whichever way it came: a response of its own, or the answer to one request
 * inside a JSON or a multipart {@code $batch}.
 *
 * @param status  the HTTP status
 * @param headers the headers an error answer is about (names in lower case), those it has
 * @param code    {@code error.code} of the body
 * @param message {@code error.message}
 * @param target  {@code error.target}, or null
 */
record ErrorAnswer(int status, Map<String, String> headers, String code, String message, String target) {

    /** The headers the service decides for an error; others (Content-Length, Connection, …) depend on the carrier. */
    private static final List<String> ERROR_HEADERS =
            List.of("content-type", "odata-version", "retry-after", "www-authenticate", "allow");

    static ErrorAnswer of(HttpResponse<String> response) {
        Map<String, String> headers = new TreeMap<>();
        response.headers().map().forEach((name, values) -> headers.put(name, String.join(", ", values)));
        return of(response.statusCode(), headers, TestService.json(response));
    }

    /** The answer to one request of a JSON batch: a response object of its {@code responses}. */
    static ErrorAnswer ofJsonBatch(JsonNode answer) {
        Map<String, String> headers = new TreeMap<>();
        answer.path("headers").fields().forEachRemaining(header -> headers.put(header.getKey(),
                header.getValue().asText()));
        return of(answer.get("status").asInt(), headers, answer.get("body"));
    }

    /** The answer to one request of a multipart batch. */
    static ErrorAnswer ofMultipart(BatchCalls.Part part) {
        Map<String, String> headers = new TreeMap<>();
        for (String line : part.headers().split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            headers.put(line.substring(0, colon), line.substring(colon + 1).trim());
        }
        try {
            return of(part.status(), headers, TestService.JSON.readTree(part.body()));
        } catch (IOException e) {
            throw new AssertionError("not JSON (" + part.status() + "): " + part.body(), e);
        }
    }

    private static ErrorAnswer of(int status, Map<String, String> allHeaders, JsonNode body) {
        Map<String, String> headers = new TreeMap<>();
        allHeaders.forEach((name, value) -> {
            if (ERROR_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
                headers.put(name.toLowerCase(Locale.ROOT), value);
            }
        });
        JsonNode error = body.get("error");
        JsonNode target = error.get("target");
        return new ErrorAnswer(status, headers, error.get("code").asText(), error.get("message").asText(),
                target == null ? null : target.asText());
    }

    String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }

    /** A 503 in the service's error shape that says when to try again, and nothing about the failure. */
    void assertUnavailable() {
        assertEquals(503, status, toString());
        assertEquals("SERVICE_UNAVAILABLE", code, toString());
        assertEquals("5", header("Retry-After"), toString());
        assertEquals("4.0", header("OData-Version"), toString());
        assertEquals("application/json;odata.metadata=minimal", header("Content-Type"), toString());
        for (String leak : List.of("Exception", "SQL", "jdbc", "\tat ", "postgres", "http://")) {
            assertFalse(message.contains(leak), toString());
        }
    }
}
