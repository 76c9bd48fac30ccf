package org.patientdocs.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Multipart $batch: operations as on their own, change sets all or nothing, bounded in size and count. */
class BatchIT {

    private static final Pattern STATUS = Pattern.compile("HTTP/1.1 (\\d{3})");
    private static TestService service;

    @BeforeAll
    static void start() throws Exception {
        service = TestService.start(Map.of("batch.max-bytes", "4096", "batch.max-operations", "5"));
        assertEquals(201, service.postJson("/Patients", "{\"id\":\"b-1\",\"last_name\":\"Before\"}").statusCode());
    }

    @AfterAll
    static void stop() throws Exception {
        service.close();
    }

    private static String operation(String method, String url, String json) {
        return "Content-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n\r\n"
                + method + " " + url + " HTTP/1.1\r\nAccept: application/json\r\n"
                + (json == null ? "\r\n" : "Content-Type: application/json\r\n\r\n" + json) + "\r\n";
    }

    private static String changeSet(String boundary, String... operations) {
        StringBuilder body = new StringBuilder("Content-Type: multipart/mixed; boundary=" + boundary + "\r\n\r\n");
        int id = 1;
        for (String op : operations) {
            body.append("--").append(boundary).append("\r\nContent-ID: ").append(id++).append("\r\n").append(op);
        }
        return body.append("--").append(boundary).append("--\r\n").toString();
    }

    private static HttpResponse<String> batch(String... parts) throws Exception {
        StringBuilder body = new StringBuilder();
        for (String part : parts) {
            body.append("--batch_x\r\n").append(part);
        }
        body.append("--batch_x--\r\n");
        return service.send(service.request("/$batch").header("Content-Type", "multipart/mixed; boundary=batch_x")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build());
    }

    private static List<Integer> statuses(HttpResponse<String> response) {
        List<Integer> statuses = new ArrayList<>();
        Matcher m = STATUS.matcher(response.body());
        while (m.find()) {
            statuses.add(Integer.parseInt(m.group(1)));
        }
        return statuses;
    }

    @Test
    void operationsAndAChangeSetRunAsOnTheirOwn() throws Exception {
        HttpResponse<String> response = batch(
                operation("GET", "Patients('b-1')", null),
                changeSet("cs_1",
                        operation("POST", "Patients", "{\"id\":\"b-2\",\"last_name\":\"New\"}"),
                        operation("PATCH", "Patients('b-1')", "{\"last_name\":\"After\"}")));
        assertEquals(200, response.statusCode(), response.body());
        assertTrue(response.headers().firstValue("Content-Type").orElseThrow().startsWith("multipart/mixed"));
        assertEquals(List.of(200, 201, 200), statuses(response), response.body());
        assertTrue(response.body().contains("\"last_name\":\"Before\""), response.body());
        assertEquals("After", TestService.json(service.get("/Patients('b-1')")).get("last_name").asText());
        assertEquals(200, service.get("/Patients('b-2')").statusCode());
    }

    @Test
    void aFailingOperationRollsBackItsWholeChangeSet() throws Exception {
        HttpResponse<String> response = batch(changeSet("cs_2",
                operation("POST", "Patients", "{\"id\":\"b-3\"}"),
                operation("PATCH", "Patients('no-such')", "{\"last_name\":\"X\"}")));
        assertEquals(200, response.statusCode());
        assertEquals(List.of(404), statuses(response), response.body());
        assertTrue(response.body().contains("\"code\":\"NOT_FOUND\""), response.body());
        assertEquals(404, service.get("/Patients('b-3')").statusCode(), "the first operation was rolled back");
    }

    @Test
    void mediaContentNeverTravelsInABatch() throws Exception {
        HttpResponse<String> response = batch(
                operation("GET", "Documents('doc-AAAAAAAAAAAAAAAAAAAAAA')/$value", null),
                operation("GET", "Patients('b-1')", null));
        assertEquals(List.of(400, 200), statuses(response), response.body());
        assertTrue(response.body().contains("BATCH_OPERATION_REFUSED"));
    }

    @Test
    void deeplyNestedQueriesInsideABatchMeetTheSameLimitBeforeParsing() throws Exception {
        String nested = "(".repeat(200) + "last_name eq 'x'" + ")".repeat(200);
        HttpResponse<String> multipart = batch(operation("GET", "Patients?$filter=" + nested.replace(" ", "%20"),
                null));
        assertEquals(400, multipart.statusCode(), multipart.body());
        assertEquals("QUERY_LIMIT_EXCEEDED", TestService.json(multipart).get("error").get("code").asText());
        HttpResponse<String> json = jsonBatch("{\"requests\":[{\"id\":\"n\",\"method\":\"get\",\"url\":\"Patients?$filter="
                + nested.replace(" ", "%20").replace("'", "%27") + "\"}]}");
        assertEquals(400, TestService.json(json).get("responses").get(0).get("status").asInt(), json.body());
    }

    @Test
    void tooManyOperationsAreRefused() throws Exception {
        String get = operation("GET", "Patients('b-1')", null);
        HttpResponse<String> response = batch(get, get, get, get, get, get);
        assertEquals(400, response.statusCode());
        assertEquals("BATCH_TOO_MANY_OPERATIONS", TestService.json(response).get("error").get("code").asText());
    }

    @Test
    void anOversizedBatchIsRefusedBeforeItsBodyIsRead() throws Exception {
        // Only the headers go out, so the answer can only come from the declared length (and no unread body can
        // make the connection reset before the answer is read).
        for (String contentType : List.of("multipart/mixed; boundary=batch_x", "application/json")) {
            try (Socket socket = new Socket(service.base.getHost(), service.base.getPort())) {
                socket.setSoTimeout(30_000);
                socket.getOutputStream().write(("POST /$batch HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        + "Authorization: Bearer " + service.token("user-456") + "\r\n"
                        + "x-api-key: " + TestService.API_KEY + "\r\nContent-Type: " + contentType + "\r\n"
                        + "Content-Length: 5000\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(response.startsWith("HTTP/1.1 413"), contentType + ": " + response);
                assertTrue(response.contains("PAYLOAD_TOO_LARGE"), response);
            }
        }
    }

    @Test
    void aBatchNeedsCredentialsLikeAnyRequest() throws Exception {
        HttpResponse<String> response = service.send(HttpRequest.newBuilder(service.uri("/$batch"))
                .header("Content-Type", "multipart/mixed; boundary=batch_x")
                .POST(HttpRequest.BodyPublishers.ofString("--batch_x\r\n" + operation("GET", "Patients", null)
                        + "--batch_x--\r\n")).build());
        assertEquals(401, response.statusCode());
    }

    private static HttpResponse<String> jsonBatch(String json) throws Exception {
        return service.send(service.request("/$batch").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    @Test
    void jsonBatchRunsRequestsAndAtomicityGroups() throws Exception {
        HttpResponse<String> response = jsonBatch("""
                {"requests":[
                  {"id":"r1","method":"get","url":"Patients('b-1')"},
                  {"id":"r2","method":"post","url":"Patients","atomicityGroup":"g1",
                   "headers":{"content-type":"application/json"},"body":{"id":"j-1","last_name":"Json"}},
                  {"id":"r3","method":"patch","url":"Patients('j-1')","atomicityGroup":"g1",
                   "headers":{"content-type":"application/json"},"body":{"first_name":"Jay"}},
                  {"id":"r4","method":"get","url":"Patients('j-1')","dependsOn":["g1"]}
                ]}""");
        assertEquals(200, response.statusCode(), response.body());
        var responses = TestService.json(response).get("responses");
        assertEquals(4, responses.size());
        assertEquals(200, responses.get(0).get("status").asInt());
        assertEquals(201, responses.get(1).get("status").asInt());
        assertEquals(200, responses.get(2).get("status").asInt());
        assertEquals("Jay", responses.get(3).get("body").get("first_name").asText());
    }

    @Test
    void collectionsAnswerWithTheirEntitiesInBothBatchFormats() throws Exception {
        HttpResponse<String> multipart = batch(operation("GET", "Patients?$filter=id%20eq%20'b-1'&$count=true",
                null));
        assertEquals(List.of(200), statuses(multipart), multipart.body());
        assertTrue(multipart.body().contains("\"@odata.count\":1,\"value\":[{"), multipart.body());
        assertTrue(multipart.body().contains("\"id\":\"b-1\""), multipart.body());

        HttpResponse<String> json = jsonBatch("""
                {"requests":[{"id":"c","method":"get","url":"Patients?$filter=id%20eq%20'b-1'&$count=true"}]}""");
        var body = TestService.json(json).get("responses").get(0).get("body");
        assertEquals(1, body.get("@odata.count").asInt(), json.body());
        assertEquals("b-1", body.get("value").get(0).get("id").asText(), json.body());
    }

    @Test
    void jsonAtomicityGroupFailsAsAWholeAndItsDependentsFailToo() throws Exception {
        HttpResponse<String> response = jsonBatch("""
                {"requests":[
                  {"id":"a","method":"post","url":"Patients","atomicityGroup":"g",
                   "headers":{"content-type":"application/json"},"body":{"id":"j-2"}},
                  {"id":"b","method":"delete","url":"Patients('no-such')","atomicityGroup":"g"},
                  {"id":"c","method":"get","url":"Patients('j-2')","dependsOn":["a"]}
                ]}""");
        assertEquals(200, response.statusCode(), response.body());
        var responses = TestService.json(response).get("responses");
        assertEquals(404, responses.get(0).get("status").asInt());
        assertEquals(404, responses.get(1).get("status").asInt());
        assertEquals(424, responses.get(2).get("status").asInt());
        assertEquals(404, service.get("/Patients('j-2')").statusCode(), "the group was rolled back");
    }

    @Test
    void everyRequestOfAJsonBatchIsAnswered() throws Exception {
        HttpResponse<String> response = jsonBatch("""
                {"requests":[{"id":"1","method":"get","url":"Patients?$top=1"},
                             {"id":"2","method":"get","url":"Patients('b-1')"},
                             {"id":"3","method":"get","url":"Patients('nobody')"},
                             {"id":"4","method":"get","url":"Patients/$count"}]}""");
        assertEquals(200, response.statusCode(), response.body());
        List<String> answered = new ArrayList<>();
        for (JsonNode answer : TestService.json(response).get("responses")) {
            answered.add(answer.get("id").asText() + ":" + answer.get("status").asInt());
        }
        assertEquals(List.of("1:200", "2:200", "3:404", "4:200"), answered, response.body());
    }

    @Test
    void jsonBatchHasTheSameLimitsAndRefusals() throws Exception {
        HttpResponse<String> media = jsonBatch("""
                {"requests":[{"id":"m","method":"get","url":"Documents('doc-AAAAAAAAAAAAAAAAAAAAAA')/$value"}]}""");
        assertEquals("BATCH_OPERATION_REFUSED",
                TestService.json(media).get("responses").get(0).get("body").get("error").get("code").asText());
        StringBuilder many = new StringBuilder("{\"requests\":[");
        for (int i = 0; i < 6; i++) {
            many.append(i == 0 ? "" : ",").append("{\"id\":\"").append(i)
                    .append("\",\"method\":\"get\",\"url\":\"Patients\"}");
        }
        assertEquals(400, jsonBatch(many.append("]}").toString()).statusCode());
        assertEquals(400, jsonBatch("{not json").statusCode());
        HttpResponse<String> unencoded = jsonBatch("""
                {"requests":[{"id":"v","method":"get","url":"Patients?$filter=last_name%20eq%20'x'"},
                             {"id":"u","method":"get","url":"Patients?$filter=last_name eq 'x'"}]}""");
        JsonNode answers = TestService.json(unencoded).get("responses");
        assertEquals(200, answers.get(0).get("status").asInt(), unencoded.body());
        assertEquals(400, answers.get(1).get("status").asInt(), unencoded.body());
    }
}
