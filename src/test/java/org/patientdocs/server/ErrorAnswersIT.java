package org.patientdocs.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * An error reads the same however it leaves the service: answered to a request of its own, or to the same request
 * inside a JSON or a multipart {@code $batch}; the same status, code, message, target and error headers, whichever
 * part of the service refused it (a filter or the servlet before Olingo, Olingo itself, a processor, the batch
 * rules).
 */
class ErrorAnswersIT {

    private static final String NESTED = "(".repeat(200) + "last_name%20eq%20'x'" + ")".repeat(200);

    private static TestService service;
    private static BatchCalls batch;

    @BeforeAll
    static void start() throws Exception {
        service = TestService.start(Map.of());
        assertEquals(201, service.postJson("/Patients", "{\"id\":\"e-1\"}").statusCode());
        batch = new BatchCalls(service);
    }

    @AfterAll
    static void stop() throws Exception {
        service.close();
    }

    static Stream<Arguments> refusals() {
        return Stream.of(
                Arguments.of("an entity that does not exist (a processor)", "GET", "Patients('nobody')", null, 404),
                Arguments.of("a resource the model lacks (Olingo's parser)", "GET", "Nothing", null, 404),
                Arguments.of("an unknown property in $filter (the translator)", "GET",
                        "Patients?$filter=nothing%20eq%201", null, 400),
                Arguments.of("a method the resource does not support (Olingo's dispatcher)", "PATCH", "Patients",
                        null, 405),
                Arguments.of("a kind of request the service does not implement", "GET",
                        "$crossjoin(Patients,Documents)", null, 501),
                Arguments.of("a header refused before Olingo", "GET", "Patients('e-1')", "Isolation: snapshot", 412),
                Arguments.of("a query refused before it is parsed", "GET", "Patients?$filter=" + NESTED, null, 400));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusals")
    void theSameRefusalReadsTheSameAloneAndInsideEitherBatchFormat(String what, String method, String url,
                                                                   String header, int status) throws Exception {
        ErrorAnswer alone = alone(method, url, header);
        assertEquals(status, alone.status(), alone.toString());
        assertEquals("4.0", alone.header("OData-Version"), alone.toString());
        assertEquals(alone, inJsonBatch(method, url, header), "inside a JSON batch");
        assertEquals(alone, inMultipartBatch(method, url, header), "inside a multipart batch");
    }

    @Test
    void aRefusedMethodNamesTheAllowedOnesInsideBatchesToo() throws Exception {
        for (ErrorAnswer answer : List.of(alone("DELETE", "Patients('e-1')/last_name", null),
                inJsonBatch("DELETE", "Patients('e-1')/last_name", null),
                inMultipartBatch("DELETE", "Patients('e-1')/last_name", null))) {
            assertEquals(405, answer.status(), answer.toString());
            assertEquals("GET, HEAD, OPTIONS", answer.header("Allow"), answer.toString());
        }
    }

    private static ErrorAnswer alone(String method, String url, String header) throws Exception {
        HttpRequest.Builder request = service.request("/" + url).header("Accept", "application/json");
        if (header != null) {
            String[] nameValue = header.split(": ", 2);
            request.header(nameValue[0], nameValue[1]);
        }
        if (method.equals("GET") || method.equals("DELETE")) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString("{}"));
        }
        return ErrorAnswer.of(service.send(request.build()));
    }

    private static ErrorAnswer inJsonBatch(String method, String url, String header) throws Exception {
        StringBuilder headers = new StringBuilder("{\"Accept\":\"application/json\"");
        if (header != null) {
            String[] nameValue = header.split(": ", 2);
            headers.append(",\"").append(nameValue[0]).append("\":\"").append(nameValue[1]).append('"');
        }
        headers.append('}');
        String body = method.equals("GET") || method.equals("DELETE") ? "" : ",\"body\":{}";
        HttpResponse<String> response = batch.json("{\"requests\":[{\"id\":\"1\",\"method\":\"" + method
                + "\",\"url\":\"" + url + "\",\"headers\":" + headers + body + "}]}");
        assertEquals(200, response.statusCode(), response.body());
        assertEquals(1, BatchCalls.responses(response).size(), response.body());
        return ErrorAnswer.ofJsonBatch(BatchCalls.responses(response).get(0));
    }

    private static ErrorAnswer inMultipartBatch(String method, String url, String header) throws Exception {
        String json = method.equals("GET") || method.equals("DELETE") ? null : "{}";
        HttpResponse<String> response = header == null ? batch.multipart(BatchCalls.request("1", method, url, json))
                : batch.multipart(BatchCalls.request("1", method, url, json, header));
        assertEquals(200, response.statusCode(), response.body());
        List<BatchCalls.Part> parts = BatchCalls.parts(response);
        assertEquals(1, parts.size(), response.body());
        return ErrorAnswer.ofMultipart(parts.get(0));
    }
}
