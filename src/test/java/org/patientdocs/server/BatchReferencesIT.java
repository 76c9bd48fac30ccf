package org.patientdocs.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.patientdocs.server.BatchCalls.answered;
import static org.patientdocs.server.BatchCalls.changeSet;
import static org.patientdocs.server.BatchCalls.parts;
import static org.patientdocs.server.BatchCalls.request;
import static org.patientdocs.server.BatchCalls.responses;
import static org.patientdocs.server.BatchCalls.statuses;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code $<id>} references in $batch, both formats: to the entity an earlier request created or returned, in the URL,
 * and to the ETag of its answer, in If-Match; a reference that names nothing usable is a 400 naming it.
 */
class BatchReferencesIT {

    private static TestService service;
    private static BatchCalls batch;

    @BeforeAll
    static void start() throws Exception {
        service = TestService.start(Map.of());
        batch = new BatchCalls(service);
        assertEquals(201, service.postJson("/Patients", "{\"id\":\"ref-1\",\"last_name\":\"One\"}").statusCode());
    }

    @AfterAll
    static void stop() throws Exception {
        service.close();
    }

    @Test
    void aJsonRequestReachesTheEntityAnEarlierOneCreated() throws Exception {
        HttpResponse<String> response = batch.json("""
                {"requests":[
                  {"id":"1","method":"post","url":"Patients","body":{"id":"ref-new","last_name":"New"}},
                  {"id":"2","method":"patch","url":"$1","dependsOn":["1"],"body":{"first_name":"Patched"}},
                  {"id":"3","method":"get","url":"$1/Documents?$count=true","dependsOn":["1"]},
                  {"id":"4","method":"get","url":"$1?$select=first_name","dependsOn":["1","2"]}
                ]}""");
        assertEquals(List.of("1:201", "2:200", "3:200", "4:200"), answered(response), response.body());
        JsonNode responses = responses(response);
        assertEquals(0, responses.get(2).get("body").get("@odata.count").asInt());
        assertEquals("Patched", responses.get(3).get("body").get("first_name").asText());
        assertEquals("Patched", TestService.json(service.get("/Patients('ref-new')")).get("first_name").asText());
    }

    @Test
    void referencesWorkInsideAnAtomicityGroupAndAcrossGroups() throws Exception {
        HttpResponse<String> response = batch.json("""
                {"requests":[
                  {"id":"a","method":"post","url":"Patients","atomicityGroup":"g","body":{"id":"ref-g"}},
                  {"id":"b","method":"patch","url":"$a","atomicityGroup":"g","dependsOn":["a"],
                   "body":{"last_name":"InGroup"}},
                  {"id":"c","method":"get","url":"$b","dependsOn":["g"]}
                ]}""");
        assertEquals(List.of("a:201", "b:200", "c:200"), answered(response), response.body());
        assertEquals("InGroup", responses(response).get(2).get("body").get("last_name").asText());
    }

    @Test
    void aMultipartRequestReachesTheEntityAnEarlierOneCreated() throws Exception {
        HttpResponse<String> response = batch.multipart(
                changeSet(request("1", "POST", "Patients", "{\"id\":\"ref-mp\"}"),
                        request("2", "PATCH", "$1", "{\"last_name\":\"SameChangeSet\"}")),
                // across change sets too, and from a request outside any
                request("3", "GET", "$1/Documents?$count=true", null),
                changeSet(request("4", "PATCH", "$2", "{\"first_name\":\"OtherChangeSet\"}")));
        assertEquals(List.of(201, 200, 200, 200), statuses(response), response.body());
        JsonNode patient = TestService.json(service.get("/Patients('ref-mp')"));
        assertEquals("SameChangeSet", patient.get("last_name").asText());
        assertEquals("OtherChangeSet", patient.get("first_name").asText());
    }

    @Test
    void anIfMatchTakesTheETagOfAnEarlierAnswerInBothFormats() throws Exception {
        HttpResponse<String> json = batch.json("""
                {"requests":[
                  {"id":"read","method":"get","url":"Patients('ref-1')"},
                  {"id":"write","method":"patch","url":"Patients('ref-1')","dependsOn":["read"],
                   "headers":{"if-match":"$read"},"body":{"first_name":"Json"}},
                  {"id":"stale","method":"patch","url":"Patients('ref-1')","dependsOn":["read"],
                   "headers":{"if-match":"$read"},"body":{"first_name":"Stale"}},
                  {"id":"fresh","method":"patch","url":"Patients('ref-1')","dependsOn":["write"],
                   "headers":{"if-match":"$write"},"body":{"first_name":"Fresh"}}
                ]}""");
        assertEquals(List.of("read:200", "write:200", "stale:412", "fresh:200"), answered(json), json.body());

        HttpResponse<String> multipart = batch.multipart(List.of("Prefer", "continue-on-error"),
                request("read", "GET", "Patients('ref-1')", null),
                changeSet(request("write", "PATCH", "Patients('ref-1')", "{\"first_name\":\"Multipart\"}",
                        "If-Match: $read")),
                changeSet(request("stale", "PATCH", "Patients('ref-1')", "{\"first_name\":\"Stale\"}",
                        "If-Match: $read")));
        assertEquals(List.of(200, 200, 412), statuses(multipart), multipart.body());
        assertEquals("Multipart", TestService.json(service.get("/Patients('ref-1')")).get("first_name").asText());
    }

    @Test
    void aJsonReferenceToNoEarlierRequestItDependsOnIsRefusedNamingIt() throws Exception {
        HttpResponse<String> response = batch.json("""
                {"requests":[
                  {"id":"1","method":"post","url":"Patients","body":{"id":"ref-bad"}},
                  {"id":"unknown","method":"get","url":"$9/Documents","dependsOn":["1"]},
                  {"id":"unlisted","method":"get","url":"$1"},
                  {"id":"later","method":"get","url":"$last","dependsOn":["1"]},
                  {"id":"list","method":"get","url":"Patients"},
                  {"id":"etag","method":"patch","url":"Patients('ref-bad')","dependsOn":["list"],
                   "headers":{"if-match":"$list"},"body":{"last_name":"X"}},
                  {"id":"del","method":"delete","url":"Patients('ref-1')/Documents('doc-none')"},
                  {"id":"deleted","method":"get","url":"$del","dependsOn":["del"]},
                  {"id":"last","method":"get","url":"Patients('ref-1')"}
                ]}""");
        assertEquals(List.of("1:201", "unknown:400", "unlisted:400", "later:400", "list:200", "etag:400",
                "del:404", "deleted:424", "last:200"), answered(response), response.body());
        JsonNode responses = responses(response);
        assertInvalidReference(responses.get(1), "$9");
        assertInvalidReference(responses.get(2), "$1");
        assertInvalidReference(responses.get(3), "$last");
        // a collection has no ETag for If-Match to repeat
        assertInvalidReference(responses.get(5), "$list");
        assertTrue(responses.get(5).get("body").get("error").get("message").asText().contains("ETag"));
    }

    @Test
    void aMultipartReferenceToNoEarlierRequestIsRefusedNamingIt() throws Exception {
        HttpResponse<String> response = batch.multipart(List.of("Prefer", "continue-on-error"),
                changeSet(request("1", "PATCH", "$9", "{\"last_name\":\"X\"}")),
                request("2", "GET", "$3", null),
                request("3", "DELETE", "Patients('no-such')", null),
                changeSet(request("4", "PATCH", "$3", "{\"last_name\":\"X\"}")));
        assertEquals(List.of(400, 400, 404, 424), statuses(response), response.body());
        List<BatchCalls.Part> parts = parts(response);
        assertTrue(parts.get(0).body().contains("\"target\":\"$9\""), parts.get(0).body());
        assertTrue(parts.get(0).body().contains("BATCH_INVALID_REFERENCE"), parts.get(0).body());
        assertTrue(parts.get(1).body().contains("\"target\":\"$3\""), parts.get(1).body());
        assertTrue(parts.get(3).body().contains("FAILED_DEPENDENCY"), parts.get(3).body());
    }

    @Test
    void systemResourcesAreNotReferences() throws Exception {
        HttpResponse<String> json = batch.json("""
                {"requests":[{"id":"metadata","method":"get","url":"$metadata"}]}""");
        assertEquals(List.of("metadata:200"), answered(json), json.body());
    }

    private static void assertInvalidReference(JsonNode answer, String reference) {
        JsonNode error = answer.get("body").get("error");
        assertEquals("BATCH_INVALID_REFERENCE", error.get("code").asText(), answer.toString());
        assertEquals(reference, error.get("target").asText(), answer.toString());
        assertTrue(error.get("message").asText().contains(reference), answer.toString());
    }
}
