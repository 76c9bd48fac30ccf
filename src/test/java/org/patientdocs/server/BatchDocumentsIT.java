package org.patientdocs.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.patientdocs.server.BatchCalls.answered;
import static org.patientdocs.server.BatchCalls.changeSet;
import static org.patientdocs.server.BatchCalls.parts;
import static org.patientdocs.server.BatchCalls.request;
import static org.patientdocs.server.BatchCalls.responses;
import static org.patientdocs.server.BatchCalls.statuses;

import java.net.http.HttpResponse;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Documents in $batch, both formats, on the run's document store: their content never travels in a batch, and a
 * document deleted in a change set / atomicity group goes, bytes and all, only when the group commits.
 */
class BatchDocumentsIT {

    private static final String PATIENT = "bd-1";
    private static final String REFUSED =
            "Document content cannot travel in a batch; upload and download it with requests of their own";

    private static TestService service;
    private static BatchCalls batch;

    @BeforeAll
    static void start() throws Exception {
        service = TestService.start(Map.of());
        batch = new BatchCalls(service);
        assertEquals(201, service.postJson("/Patients", "{\"id\":\"" + PATIENT + "\"}").statusCode());
    }

    @AfterAll
    static void stop() throws Exception {
        service.close();
    }

    /** A fresh document of the patient, and its bytes. */
    private static Map.Entry<String, byte[]> upload() throws Exception {
        byte[] content = Samples.pdf(3000);
        Multipart form = new Multipart().file("file", "b.pdf", Samples.PDF, content);
        HttpResponse<String> created = service.send(service.request("/Patients('" + PATIENT + "')/Documents")
                .header("Content-Type", form.contentType()).POST(form.publisher()).build());
        assertEquals(201, created.statusCode(), created.body());
        return Map.entry(TestService.json(created).get("id").asText(), content);
    }

    private static void assertWhole(String id, byte[] content) throws Exception {
        assertEquals(200, service.get("/Documents('" + id + "')").statusCode());
        HttpResponse<byte[]> bytes = service.getBytes("/Documents('" + id + "')/$value");
        assertEquals(200, bytes.statusCode());
        assertArrayEquals(content, bytes.body(), "the same bytes");
        assertTrue(service.storesContent(id));
    }

    private static void assertGone(String id) throws Exception {
        assertEquals(404, service.get("/Documents('" + id + "')").statusCode());
        assertEquals(404, service.get("/Documents('" + id + "')/$value").statusCode());
        assertFalse(service.storesContent(id), "no file / no chunk rows left");
    }

    @Test
    void documentContentIsRefusedInAMultipartBatch() throws Exception {
        Map.Entry<String, byte[]> document = upload();
        String id = document.getKey();
        int documents = documentCount();
        HttpResponse<String> response = batch.multipart(List.of("Prefer", "continue-on-error"),
                request("read", "GET", "Documents('" + id + "')/$value", null),
                request("nested", "GET", "Patients('" + PATIENT + "')/Documents('" + id + "')/$value", null),
                // an upload, whatever its body says it is
                request("upload", "POST", "Patients('" + PATIENT + "')/Documents", null,
                        "Content-Type: application/pdf", "", "%PDF-1.7"),
                request("json-upload", "POST", "Documents", "{\"file_name\":\"x.pdf\"}"),
                request("metadata", "GET", "Documents('" + id + "')", null));
        assertEquals(List.of(400, 400, 400, 400, 200), statuses(response), response.body());
        for (BatchCalls.Part part : parts(response).subList(0, 4)) {
            assertTrue(part.body().contains("\"code\":\"BATCH_OPERATION_REFUSED\""), part.toString());
            assertTrue(part.body().contains(REFUSED), part.toString());
        }
        HttpResponse<String> inChangeSet = batch.multipart(changeSet(
                request("1", "PATCH", "Documents('" + id + "')", "{\"description\":\"changed\"}"),
                request("2", "POST", "Patients('" + PATIENT + "')/Documents", null, "Content-Type: application/pdf",
                        "", "%PDF-1.7")));
        assertEquals(List.of(400), statuses(inChangeSet), inChangeSet.body());
        assertTrue(inChangeSet.body().contains(REFUSED), inChangeSet.body());
        assertTrue(TestService.json(service.get("/Documents('" + id + "')")).get("description").isNull(),
                "the change set was rolled back");
        assertEquals(documents, documentCount(), "nothing was uploaded");
        assertWhole(id, document.getValue());
    }

    private static int documentCount() throws Exception {
        HttpResponse<String> count = service.get("/Patients('" + PATIENT + "')/Documents?$count=true&$top=0");
        return TestService.json(count).get("@odata.count").asInt();
    }

    @Test
    void documentContentIsRefusedInAJsonBatch() throws Exception {
        Map.Entry<String, byte[]> document = upload();
        String id = document.getKey();
        int documents = documentCount();
        String pdf = Base64.getUrlEncoder().encodeToString(Samples.pdf(400));
        HttpResponse<String> response = batch.json("""
                {"requests":[
                  {"id":"read","method":"get","url":"Documents('%1$s')/$value"},
                  {"id":"nested","method":"get","url":"Patients('%2$s')/Documents('%1$s')/$value"},
                  {"id":"upload","method":"post","url":"Patients('%2$s')/Documents",
                   "headers":{"content-type":"application/pdf"},"body":"%3$s"},
                  {"id":"json-upload","method":"post","url":"Documents","body":{"file_name":"x.pdf"}},
                  {"id":"in-group","method":"post","url":"Patients('%2$s')/Documents","atomicityGroup":"g",
                   "headers":{"content-type":"application/pdf"},"body":"%3$s"},
                  {"id":"metadata","method":"get","url":"Documents('%1$s')"}
                ]}""".formatted(id, PATIENT, pdf));
        assertEquals(List.of("read:400", "nested:400", "upload:400", "json-upload:400", "in-group:400",
                "metadata:200"), answered(response), response.body());
        for (JsonNode answer : responses(response)) {
            if (answer.get("status").asInt() == 400) {
                JsonNode error = answer.get("body").get("error");
                assertEquals("BATCH_OPERATION_REFUSED", error.get("code").asText());
                assertEquals(REFUSED, error.get("message").asText());
            }
        }
        assertEquals(documents, documentCount(), "nothing was uploaded");
        assertWhole(id, document.getValue());
    }

    @Test
    void aDocumentDeletedInAChangeSetThatFailsIsKeptWhole() throws Exception {
        Map.Entry<String, byte[]> document = upload();
        HttpResponse<String> response = batch.multipart(changeSet(
                request("1", "DELETE", "Documents('" + document.getKey() + "')", null),
                request("2", "PATCH", "Patients('no-such')", "{\"last_name\":\"X\"}", "If-Match: *")));
        assertEquals(List.of(412), statuses(response), response.body());
        assertWhole(document.getKey(), document.getValue());
    }

    @Test
    void aDocumentDeletedInAnAtomicityGroupThatFailsIsKeptWhole() throws Exception {
        Map.Entry<String, byte[]> document = upload();
        HttpResponse<String> response = batch.json("""
                {"requests":[
                  {"id":"1","method":"delete","url":"Documents('%s')","atomicityGroup":"g"},
                  {"id":"2","method":"patch","url":"Patients('no-such')","atomicityGroup":"g",
                   "headers":{"if-match":"*"},"body":{"last_name":"X"}}
                ]}""".formatted(document.getKey()));
        assertEquals(List.of("1:424", "2:412"), answered(response), response.body());
        assertWhole(document.getKey(), document.getValue());
    }

    @Test
    void aDocumentDeletedInAChangeSetThatSucceedsIsGoneWithItsBytes() throws Exception {
        String id = upload().getKey();
        HttpResponse<String> response = batch.multipart(changeSet(
                request("1", "DELETE", "Documents('" + id + "')", null),
                request("2", "PATCH", "Patients('" + PATIENT + "')", "{\"last_name\":\"Deleted\"}")));
        assertEquals(List.of(204, 200), statuses(response), response.body());
        assertGone(id);
    }

    @Test
    void aDocumentDeletedInAnAtomicityGroupThatSucceedsIsGoneWithItsBytes() throws Exception {
        String id = upload().getKey();
        HttpResponse<String> response = batch.json("""
                {"requests":[
                  {"id":"1","method":"delete","url":"Documents('%s')","atomicityGroup":"g"},
                  {"id":"2","method":"patch","url":"Patients('%s')","atomicityGroup":"g","body":{"last_name":"D"}}
                ]}""".formatted(id, PATIENT));
        assertEquals(List.of("1:204", "2:200"), answered(response), response.body());
        assertGone(id);
    }

    @Test
    void aDocumentDeletedAloneInABatchIsGoneWithItsBytes() throws Exception {
        String first = upload().getKey();
        String second = upload().getKey();
        assertEquals(List.of(204), statuses(batch.multipart(request(null, "DELETE", "Documents('" + first + "')",
                null))));
        assertEquals(List.of("d:204"), answered(batch.json("""
                {"requests":[{"id":"d","method":"delete","url":"Documents('%s')"}]}""".formatted(second))));
        assertGone(first);
        assertGone(second);
    }
}
