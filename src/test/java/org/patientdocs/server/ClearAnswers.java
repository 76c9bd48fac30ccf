package org.patientdocs.server;

import java.net.http.HttpResponse;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What every answer to a bad request must be: a clear OData error (JSON with a code and a message, or an XML error
 * when XML was asked for), with a client error or 501 status, and nothing a client must not see.
 */
final class ClearAnswers {

    /** What a response must never show a client: stack traces, SQL, the database or its driver. */
    private static final List<String> LEAKS = List.of("SELECT ", "Exception", "\tat ", "at org.", "org.h2",
            "postgresql", "SQLState", "jdbc:");

    private ClearAnswers() {
    }

    /** What is wrong with an answer, or null when it is a success or a clear error. */
    static String problem(HttpResponse<String> response) {
        int status = response.statusCode();
        String body = response.body();
        for (String leak : LEAKS) {
            if (body.contains(leak)) {
                return "shows " + leak.strip();
            }
        }
        if (status >= 500 && status != 501) {
            return "server failure";
        }
        if (status < 400) {
            return null;
        }
        if (body.startsWith("<?xml")) {
            return body.contains("<error") || body.contains(":error") ? null : "XML without an error";
        }
        JsonNode error;
        try {
            error = TestService.JSON.readTree(body).path("error");
        } catch (Exception e) {
            return "error not in JSON";
        }
        return error.path("code").asText().isEmpty() || error.path("message").asText().isEmpty()
                ? "error without code or message" : null;
    }

    /** A line for a failure list: status, problem, request and the start of the body. */
    static String describe(HttpResponse<String> response, String problem, String request) {
        String body = response.body();
        return response.statusCode() + " " + problem + ": " + request + " -> "
                + (body.length() > 200 ? body.substring(0, 200) + "…" : body);
    }
}
