package org.patientdocs.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.patientdocs.server.BatchCalls.answered;
import static org.patientdocs.server.BatchCalls.changeSet;
import static org.patientdocs.server.BatchCalls.parts;
import static org.patientdocs.server.BatchCalls.request;
import static org.patientdocs.server.BatchCalls.responses;
import static org.patientdocs.server.BatchCalls.statuses;

import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * $batch in both formats: operations as on their own, change sets / atomicity groups all or nothing, bounded in size
 * and count, one rule for going on after a failure, and the OData version a JSON batch needs.
 */
class BatchIT {

    private static TestService service;
    private static BatchCalls batch;

    @BeforeAll
    static void start() throws Exception {
        service = TestService.start(Map.of("batch.max-bytes", "4096", "batch.max-operations", "5"));
        batch = new BatchCalls(service);
        assertEquals(201, service.postJson("/Patients", "{\"id\":\"b-1\",\"last_name\":\"Before\"}").statusCode());
    }

    @AfterAll
    static void stop() throws Exception {
        service.close();
    }

    @Test
    void operationsAndAChangeSetRunAsOnTheirOwn() throws Exception {
        HttpResponse<String> response = batch.multipart(
                request(null, "GET", "Patients('b-1')", null),
                changeSet(request("1", "POST", "Patients", "{\"id\":\"b-2\",\"last_name\":\"New\"}"),
                        request("2", "PATCH", "Patients('b-1')", "{\"last_name\":\"After\"}")));
        assertEquals(200, response.statusCode(), response.body());
        assertTrue(response.headers().firstValue("Content-Type").orElseThrow().startsWith("multipart/mixed"));
        assertEquals(List.of(200, 201, 200), statuses(response), response.body());
        assertTrue(response.body().contains("\"last_name\":\"Before\""), response.body());
        assertEquals("After", TestService.json(service.get("/Patients('b-1')")).get("last_name").asText());
        assertEquals(200, service.get("/Patients('b-2')").statusCode());
    }

    @Test
    void aFailingOperationRollsBackItsWholeChangeSet() throws Exception {
        HttpResponse<String> response = batch.multipart(changeSet(
                request("1", "POST", "Patients", "{\"id\":\"b-3\"}"),
                // an update only (If-Match), of a patient that does not exist
                request("2", "PATCH", "Patients('no-such')", "{\"last_name\":\"X\"}", "If-Match: *")));
        assertEquals(200, response.statusCode());
        assertEquals(List.of(412), statuses(response), response.body());
        assertEquals("2", parts(response).get(0).contentId(), "the failure names the request that failed");
        assertTrue(response.body().contains("\"code\":\"PRECONDITION_FAILED\""), response.body());
        assertEquals(404, service.get("/Patients('b-3')").statusCode(), "the first operation was rolled back");
    }

    @Test
    void everyAnswerOfAMultipartBatchCarriesItsRequestsContentId() throws Exception {
        HttpResponse<String> response = batch.multipart(List.of("Prefer", "continue-on-error"),
                request("one", "GET", "Patients('b-1')", null),
                request(null, "GET", "Patients('b-1')", null),
                request("three", "GET", "Patients('nobody')", null));
        List<BatchCalls.Part> parts = parts(response);
        assertEquals(List.of("one:200", "null:200", "three:404"),
                parts.stream().map(p -> p.contentId() + ":" + p.status()).toList(), response.body());
    }

    @Test
    void deeplyNestedQueriesInsideABatchMeetTheSameLimitBeforeParsing() throws Exception {
        String nested = "(".repeat(200) + "last_name eq 'x'" + ")".repeat(200);
        HttpResponse<String> multipart = batch.multipart(request(null, "GET", "Patients?$filter="
                + nested.replace(" ", "%20"), null));
        assertEquals(List.of(400), statuses(multipart), multipart.body());
        assertTrue(parts(multipart).get(0).body().contains("QUERY_LIMIT_EXCEEDED"), multipart.body());
        HttpResponse<String> json = batch.json("{\"requests\":[{\"id\":\"n\",\"method\":\"get\",\"url\":"
                + "\"Patients?$filter=" + nested.replace(" ", "%20").replace("'", "%27") + "\"}]}");
        JsonNode answer = responses(json).get(0);
        assertEquals(400, answer.get("status").asInt(), json.body());
        assertEquals("QUERY_LIMIT_EXCEEDED", answer.get("body").get("error").get("code").asText());
    }

    @Test
    void tooManyOperationsAreRefused() throws Exception {
        String get = request(null, "GET", "Patients('b-1')", null);
        HttpResponse<String> response = batch.multipart(get, get, get, get, get, get);
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
                .POST(HttpRequest.BodyPublishers.ofString("--batch_x\r\n" + request(null, "GET", "Patients", null)
                        + "--batch_x--\r\n")).build());
        assertEquals(401, response.statusCode());
    }

    @Test
    void jsonBatchRunsRequestsAndAtomicityGroups() throws Exception {
        HttpResponse<String> response = batch.json("""
                {"requests":[
                  {"id":"r1","method":"get","url":"Patients('b-1')"},
                  {"id":"r2","method":"post","url":"Patients","atomicityGroup":"g1",
                   "headers":{"content-type":"application/json"},"body":{"id":"j-1","last_name":"Json"}},
                  {"id":"r3","method":"patch","url":"Patients('j-1')","atomicityGroup":"g1",
                   "headers":{"content-type":"application/json"},"body":{"first_name":"Jay"}},
                  {"id":"r4","method":"get","url":"Patients('j-1')","dependsOn":["g1"]}
                ]}""");
        assertEquals(200, response.statusCode(), response.body());
        assertEquals(List.of("r1:200", "r2:201", "r3:200", "r4:200"), answered(response), response.body());
        JsonNode responses = responses(response);
        assertFalse(responses.get(0).has("atomicityGroup"));
        assertEquals("g1", responses.get(1).get("atomicityGroup").asText(), "members answer with their group");
        assertEquals("g1", responses.get(2).get("atomicityGroup").asText());
        assertEquals("Jay", responses.get(3).get("body").get("first_name").asText());
    }

    /** What a JSON batch says that the format does not define, or says twice, is refused: nothing runs. */
    @Test
    void jsonBatchRefusesWhatItWouldOtherwiseIgnore() throws Exception {
        record Refused(String why, String batch, String named) {
        }
        String change = "\"method\":\"patch\",\"url\":\"Patients('b-1')\"";
        for (Refused refused : List.of(
                new Refused("a member given twice in a body", "{\"requests\":[{\"id\":\"1\"," + change
                        + ",\"body\":{\"first_name\":\"A\",\"first_name\":\"Twice\"}}]}", "first_name"),
                new Refused("a misspelt member", "{\"requests\":[{\"id\":\"1\"," + change
                        + ",\"atomicitygroup\":\"g\",\"body\":{\"first_name\":\"Twice\"}}]}", "atomicitygroup"),
                new Refused("a member beside the requests", "{\"requests\":[{\"id\":\"1\"," + change
                        + ",\"body\":{\"first_name\":\"Twice\"}}],\"continueOnError\":false}", "continueOnError"),
                new Refused("a group that is a number", "{\"requests\":[{\"id\":\"1\"," + change
                        + ",\"atomicityGroup\":1,\"body\":{\"first_name\":\"Twice\"}}]}", "atomicityGroup"),
                new Refused("a header value that is an array", "{\"requests\":[{\"id\":\"1\"," + change
                        + ",\"headers\":{\"if-match\":[\"W/\\\"1\\\"\"]},\"body\":{\"first_name\":\"Twice\"}}]}",
                        "if-match"),
                new Refused("headers that are an array", "{\"requests\":[{\"id\":\"1\"," + change
                        + ",\"headers\":[\"if-match\"],\"body\":{\"first_name\":\"Twice\"}}]}", "headers"))) {
            HttpResponse<String> response = batch.json(refused.batch());
            // the batch's own structure refuses the batch; a request's headers refuse that request
            JsonNode error = response.statusCode() == 200 ? responses(response).get(0).path("body").path("error")
                    : TestService.json(response).get("error");
            int status = response.statusCode() == 200 ? responses(response).get(0).get("status").asInt()
                    : response.statusCode();
            assertEquals(400, status, refused.why() + ": " + response.body());
            assertEquals("INVALID_BODY", error.path("code").asText(), refused.why() + ": " + response.body());
            assertTrue(error.get("message").asText().contains(refused.named()), refused.why() + ": " + error);
        }
        assertNotEquals("Twice", TestService.json(service.get("/Patients('b-1')")).path("first_name").asText());
    }

    @Test
    void collectionsAnswerWithTheirEntitiesInBothBatchFormats() throws Exception {
        assertOnlyB1WithItsCountIn("$filter=id%20eq%20'b-1'&$count=true");
    }

    @Test
    void systemQueryOptionsInAnyCaseAreHonouredInBothBatchFormats() throws Exception {
        assertOnlyB1WithItsCountIn("FILTER=id%20eq%20'b-1'&count=true");
        assertOnlyB1WithItsCountIn("$Filter=id%20eq%20'b-1'&$COUNT=true");
    }

    /** Asks for Patients with the query in both batch formats: the answer is patient b-1 alone, and a count of 1. */
    private static void assertOnlyB1WithItsCountIn(String query) throws Exception {
        HttpResponse<String> multipart = batch.multipart(request(null, "GET", "Patients?" + query, null));
        assertEquals(List.of(200), statuses(multipart), multipart.body());
        assertTrue(multipart.body().contains("\"@odata.count\":1,\"value\":[{"), multipart.body());
        assertTrue(multipart.body().contains("\"id\":\"b-1\""), multipart.body());

        HttpResponse<String> json = batch.json("{\"requests\":[{\"id\":\"c\",\"method\":\"get\",\"url\":\"Patients?"
                + query + "\"}]}");
        JsonNode body = responses(json).get(0).get("body");
        assertEquals(1, body.get("@odata.count").asInt(), json.body());
        assertEquals(1, body.get("value").size(), json.body());
        assertEquals("b-1", body.get("value").get(0).get("id").asText(), json.body());
    }

    @Test
    void jsonAtomicityGroupFailsAsAWholeAndItsDependentsFailToo() throws Exception {
        HttpResponse<String> response = batch.json("""
                {"requests":[
                  {"id":"a","method":"post","url":"Patients","atomicityGroup":"g",
                   "headers":{"content-type":"application/json"},"body":{"id":"j-2"}},
                  {"id":"b","method":"delete","url":"Patients('no-such')","atomicityGroup":"g"},
                  {"id":"c","method":"get","url":"Patients('j-2')","dependsOn":["a"]}
                ]}""");
        assertEquals(200, response.statusCode(), response.body());
        // the member that failed answers its own failure; the one rolled back says so, as do its dependents
        assertEquals(List.of("a:424", "b:404", "c:424"), answered(response), response.body());
        JsonNode rolledBack = responses(response).get(0).get("body").get("error");
        assertEquals("FAILED_DEPENDENCY", rolledBack.get("code").asText());
        assertTrue(rolledBack.get("message").asText().contains("request b"), rolledBack.toString());
        assertEquals(404, service.get("/Patients('j-2')").statusCode(), "the group was rolled back");
    }

    @Test
    void everyRequestOfAJsonBatchIsAnsweredByDefault() throws Exception {
        HttpResponse<String> response = batch.json("""
                {"requests":[{"id":"1","method":"get","url":"Patients?$top=1"},
                             {"id":"2","method":"get","url":"Patients('b-1')"},
                             {"id":"3","method":"get","url":"Patients('nobody')"},
                             {"id":"4","method":"get","url":"Patients/$count"}]}""");
        assertEquals(200, response.statusCode(), response.body());
        assertEquals(List.of("1:200", "2:200", "3:404", "4:200"), answered(response), response.body());
        assertTrue(response.headers().firstValue("Preference-Applied").isEmpty());
    }

    @Test
    void aJsonBatchStopsAtTheFirstFailureWhenToldNotToContinue() throws Exception {
        for (String prefer : List.of("continue-on-error=false", "odata.continue-on-error=false")) {
            String patient = "stop-" + prefer.length();
            HttpResponse<String> response = batch.json("""
                    {"requests":[{"id":"1","method":"get","url":"Patients('b-1')"},
                                 {"id":"2","method":"get","url":"Patients('nobody')"},
                                 {"id":"3","method":"post","url":"Patients","body":{"id":"%s"}}]}"""
                    .formatted(patient), "Prefer", prefer);
            assertEquals(200, response.statusCode(), response.body());
            assertEquals(List.of("1:200", "2:404"), answered(response), "only what ran is answered");
            assertEquals(Optional.of(prefer), response.headers().firstValue("Preference-Applied"));
            assertEquals(404, service.get("/Patients('" + patient + "')").statusCode(), "request 3 never ran");
        }
        HttpResponse<String> group = batch.json("""
                {"requests":[{"id":"a","method":"post","url":"Patients","atomicityGroup":"g","body":{"id":"stop-g"}},
                             {"id":"b","method":"get","url":"Patients('nobody')","atomicityGroup":"g"},
                             {"id":"c","method":"get","url":"Patients('b-1')"}]}""",
                "Prefer", "continue-on-error=false");
        assertEquals(List.of("a:424", "b:404"), answered(group), "a failed group stops the batch too");
    }

    @Test
    void aJsonBatchSaysItContinuesOnErrorWhenAskedTo() throws Exception {
        for (String prefer : List.of("continue-on-error", "odata.continue-on-error", "continue-on-error=true")) {
            HttpResponse<String> response = batch.json("""
                    {"requests":[{"id":"1","method":"get","url":"Patients('nobody')"},
                                 {"id":"2","method":"get","url":"Patients('b-1')"}]}""", "Prefer", prefer);
            assertEquals(List.of("1:404", "2:200"), answered(response), response.body());
            assertEquals(Optional.of(prefer.replace("=true", "")),
                    response.headers().firstValue("Preference-Applied"));
        }
    }

    @Test
    void aMultipartBatchStopsAtTheFirstFailureUnlessToldToContinue() throws Exception {
        String failing = request("1", "GET", "Patients('nobody')", null);
        String creating = changeSet(request("2", "POST", "Patients", "{\"id\":\"mp-stop\"}"));
        HttpResponse<String> byDefault = batch.multipart(failing, creating);
        assertEquals(List.of(404), statuses(byDefault), "the failure is the last answer (OData 4.01, 11.7.7.5)");
        assertTrue(byDefault.headers().firstValue("Preference-Applied").isEmpty());
        HttpResponse<String> stop = batch.multipart(List.of("Prefer", "continue-on-error=false"), failing, creating);
        assertEquals(List.of(404), statuses(stop), stop.body());
        assertEquals(Optional.of("continue-on-error=false"), stop.headers().firstValue("Preference-Applied"));
        assertEquals(404, service.get("/Patients('mp-stop')").statusCode(), "what follows a failure never ran");

        for (String prefer : List.of("continue-on-error", "odata.continue-on-error")) {
            String go = changeSet(request("2", "POST", "Patients", "{\"id\":\"mp-" + prefer.length() + "\"}"));
            HttpResponse<String> response = batch.multipart(List.of("Prefer", prefer), failing, go);
            assertEquals(List.of(404, 201), statuses(response), response.body());
            assertEquals(Optional.of(prefer), response.headers().firstValue("Preference-Applied"));
        }
    }

    @Test
    void aJsonBatchNeedsAClientThatSpeaksOData401() throws Exception {
        String get = "{\"requests\":[{\"id\":\"1\",\"method\":\"get\",\"url\":\"Patients('b-1')\"}]}";
        for (String[] headers : List.of(new String[] {"OData-MaxVersion", "4.0"}, new String[] {"OData-Version", "4.0"},
                new String[] {"OData-Version", "4.01", "OData-MaxVersion", "4.0"})) {
            HttpResponse<String> refused = batch.json(get, headers);
            assertEquals(400, refused.statusCode(), String.join(" ", headers) + ": " + refused.body());
            JsonNode error = TestService.json(refused).get("error");
            assertEquals("ODATA_VERSION_UNSUPPORTED", error.get("code").asText());
            assertTrue(error.get("message").asText().contains("4.01"), error.toString());
        }
        HttpResponse<String> accepted = batch.json(get, "OData-MaxVersion", "4.01", "OData-Version", "4.01");
        assertEquals(200, accepted.statusCode(), accepted.body());
        assertEquals(Optional.of("4.01"), accepted.headers().firstValue("OData-Version"));
        HttpResponse<String> multipart = batch.multipart(List.of("OData-MaxVersion", "4.0"),
                request(null, "GET", "Patients('b-1')", null));
        assertEquals(List.of(200), statuses(multipart), "the multipart format is OData 4.0");
        assertEquals(Optional.of("4.0"), multipart.headers().firstValue("OData-Version"));
    }

    @Test
    void requestIdentifiersAreUniqueInBothFormats() throws Exception {
        HttpResponse<String> json = batch.json("""
                {"requests":[{"id":"1","method":"get","url":"Patients('b-1')"},
                             {"id":"1","method":"get","url":"Patients('b-1')"}]}""");
        assertEquals(400, json.statusCode(), json.body());
        assertTrue(TestService.json(json).get("error").get("message").asText().contains("1"));
        HttpResponse<String> multipart = batch.multipart(request("1", "GET", "Patients('b-1')", null),
                changeSet(request("1", "PATCH", "Patients('b-1')", "{\"first_name\":\"Twice\"}")));
        assertEquals(400, multipart.statusCode(), multipart.body());
        assertEquals("INVALID_BODY", TestService.json(multipart).get("error").get("code").asText());
    }

    @Test
    void aJsonBatchHasTheStructureTheFormatDemands() throws Exception {
        for (String requests : List.of(
                // members of a group are adjacent
                """
                [{"id":"1","method":"get","url":"Patients","atomicityGroup":"g"},
                 {"id":"2","method":"get","url":"Patients"},
                 {"id":"3","method":"get","url":"Patients","atomicityGroup":"g"}]""",
                // dependsOn names earlier requests only
                """
                [{"id":"1","method":"get","url":"Patients","dependsOn":["2"]},
                 {"id":"2","method":"get","url":"Patients"}]""",
                // every request has an id
                """
                [{"method":"get","url":"Patients"}]""")) {
            HttpResponse<String> response = batch.json("{\"requests\":" + requests + "}");
            assertEquals(400, response.statusCode(), requests + ": " + response.body());
            assertEquals("INVALID_BODY", TestService.json(response).get("error").get("code").asText());
        }
    }

    @Test
    void aJsonRequestWithAConditionFailsRatherThanRunUnconditionally() throws Exception {
        HttpResponse<String> response = batch.json("""
                {"requests":[{"id":"1","method":"get","url":"Patients('b-1')"},
                             {"id":"2","method":"post","url":"Patients","dependsOn":["1"],
                              "if":"$1/$succeeded","body":{"id":"cond-1"}}]}""");
        assertEquals(List.of("1:200", "2:424"), answered(response), response.body());
        assertEquals(404, service.get("/Patients('cond-1')").statusCode());
    }

    @Test
    void jsonBatchHasTheSameLimits() throws Exception {
        StringBuilder many = new StringBuilder("{\"requests\":[");
        for (int i = 0; i < 6; i++) {
            many.append(i == 0 ? "" : ",").append("{\"id\":\"").append(i)
                    .append("\",\"method\":\"get\",\"url\":\"Patients\"}");
        }
        HttpResponse<String> tooMany = batch.json(many.append("]}").toString());
        assertEquals(400, tooMany.statusCode());
        assertEquals("BATCH_TOO_MANY_OPERATIONS", TestService.json(tooMany).get("error").get("code").asText());
        assertEquals(400, batch.json("{not json").statusCode());
        HttpResponse<String> unencoded = batch.json("""
                {"requests":[{"id":"v","method":"get","url":"Patients?$filter=last_name%20eq%20'x'"},
                             {"id":"u","method":"get","url":"Patients?$filter=last_name eq 'x'"}]}""");
        assertEquals(List.of("v:200", "u:400"), answered(unencoded), unencoded.body());
    }
}
