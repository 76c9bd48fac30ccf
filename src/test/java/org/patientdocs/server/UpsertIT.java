package org.patientdocs.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.patientdocs.auth.ApiKeys;
import org.patientdocs.auth.Scope;
import org.patientdocs.auth.ScopeNames;
import org.patientdocs.storage.DocumentIds;

/**
 * Upserts (OData 4.01 Protocol 11.4.4): a {@code PUT} or {@code PATCH} to a patient that does not exist creates it
 * with the key the URL names, answered as a create; {@code If-Match} makes the request an update only and
 * {@code If-None-Match: *} a create only. Documents cannot be upserted: their content comes with their upload.
 */
class UpsertIT {

    private static final String OTHER_TENANT = "clinic-b";
    private static final String OTHER_KEY = "upsert-other-key-" + System.nanoTime();

    private static TestService service;

    @BeforeAll
    static void start() throws Exception {
        service = TestService.start(Map.of("auth.api-key-sha256", ApiKeys.sha256Hex(TestService.API_KEY) + ","
                + ApiKeys.sha256Hex(OTHER_KEY) + ":" + OTHER_TENANT));
    }

    @AfterAll
    static void stop() throws Exception {
        service.close();
    }

    private static HttpResponse<String> send(String method, String path, String json, String... headers)
            throws Exception {
        return send(service.credentials(), method, path, json, headers);
    }

    private static HttpResponse<String> send(TestService.Credentials credentials, String method, String path,
                                             String json, String... headers) throws Exception {
        HttpRequest.Builder request = service.request(path, credentials).header("Content-Type", "application/json");
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return service.send(request.method(method, HttpRequest.BodyPublishers.ofString(json)).build());
    }

    private static void assertError(HttpResponse<String> response, int status, String code, String named) {
        assertEquals(status, response.statusCode(), response.body());
        JsonNode error = TestService.json(response).get("error");
        assertEquals(code, error.get("code").asText(), response.body());
        assertTrue((error.get("message").asText() + " " + error.path("target").asText()).contains(named),
                "the error names " + named + ": " + response.body());
    }

    @Test
    void aPutToAMissingPatientCreatesItWithTheKeyTheUrlNames() throws Exception {
        HttpResponse<String> created = send("PUT", "/Patients('up-1')",
                "{\"first_name\":\"Ann\",\"last_name\":\"New\",\"birth_date\":\"1990-01-02\"}");
        assertEquals(201, created.statusCode(), created.body());
        assertTrue(created.headers().firstValue("Location").orElseThrow().endsWith("/Patients('up-1')"));
        assertEquals("W/\"1\"", created.headers().firstValue("ETag").orElse(null));
        JsonNode body = TestService.json(created);
        assertEquals("up-1", body.get("id").asText());
        assertEquals("New", body.get("last_name").asText());

        JsonNode read = TestService.json(service.get("/Patients('up-1')"));
        assertEquals("Ann", read.get("first_name").asText());
        assertEquals("1990-01-02", read.get("birth_date").asText());
        // now it exists: the same request replaces it
        HttpResponse<String> replaced = send("PUT", "/Patients('up-1')", "{\"id\":\"up-1\",\"last_name\":\"Newer\"}");
        assertEquals(200, replaced.statusCode(), replaced.body());
        JsonNode after = TestService.json(service.get("/Patients('up-1')"));
        assertEquals("Newer", after.get("last_name").asText());
        assertTrue(after.get("first_name").isNull(), after.toString());
    }

    @Test
    void aPatchToAMissingPatientCreatesItAndAnswersAsACreate() throws Exception {
        HttpResponse<String> created = send("PATCH", "/Patients(up-2)", "{\"last_name\":\"Patched\"}",
                "Prefer", "return=minimal");
        assertEquals(204, created.statusCode(), created.body());
        String location = created.headers().firstValue("Location").orElseThrow();
        assertTrue(location.endsWith("/Patients('up-2')"), location);
        assertEquals(location, created.headers().firstValue("OData-EntityId").orElse(null));
        assertEquals("return=minimal", created.headers().firstValue("Preference-Applied").orElse(null));
        assertEquals("Patched", TestService.json(service.get("/Patients('up-2')")).get("last_name").asText());
        assertEquals(1, TestService.json(service.get("/Patients?$filter=id eq 'up-2'&$count=true"))
                .get("@odata.count").asInt());
    }

    @Test
    void ifMatchMakesItAnUpdateOnlyAndIfNoneMatchACreateOnly() throws Exception {
        for (String method : List.of("PATCH", "PUT")) {
            HttpResponse<String> refused = send(method, "/Patients('up-3')", "{\"last_name\":\"X\"}", "If-Match", "*");
            assertError(refused, 412, "PRECONDITION_FAILED", "does not exist");
            assertEquals(404, service.get("/Patients('up-3')").statusCode(), method);
        }
        HttpResponse<String> created = send("PUT", "/Patients('up-4')", "{\"last_name\":\"Once\"}",
                "If-None-Match", "*");
        assertEquals(201, created.statusCode(), created.body());
        HttpResponse<String> again = send("PUT", "/Patients('up-4')", "{\"last_name\":\"Twice\"}",
                "If-None-Match", "*");
        assertEquals(412, again.statusCode(), again.body());
        assertEquals("Once", TestService.json(service.get("/Patients('up-4')")).get("last_name").asText());
    }

    @Test
    void aBodyNamingAnotherIdOrAnInvalidKeyIsRefusedAndNothingIsCreated() throws Exception {
        assertError(send("PUT", "/Patients('up-5')", "{\"id\":\"up-other\",\"last_name\":\"X\"}"), 400, "INVALID_BODY",
                "id");
        assertEquals(404, service.get("/Patients('up-5')").statusCode());
        assertEquals(404, service.get("/Patients('up-other')").statusCode());
        assertError(send("PATCH", "/Patients('-up')", "{\"last_name\":\"X\"}"), 400, "INVALID_BODY", "id");
        assertError(send("PATCH", "/Patients('up-6')", "{\"Documents\":[{\"document_type\":\"Referral\"}]}"), 400,
                "RELATIONSHIP_NOT_WRITABLE", "Documents");
        assertEquals(404, service.get("/Patients('up-6')").statusCode());
    }

    @Test
    void anUpsertNeedsTheScopeOfWritingPatientsAndStaysInTheCallersTenant() throws Exception {
        EnumSet<Scope> scopes = EnumSet.allOf(Scope.class);
        scopes.remove(Scope.PATIENTS_WRITE);
        TestService.Credentials reader = new TestService.Credentials(TestService.API_KEY,
                service.token("user-456", "default", ScopeNames.DEFAULT.claimOf(scopes)));
        assertError(send(reader, "PUT", "/Patients('up-7')", "{\"last_name\":\"X\"}"), 403, "INSUFFICIENT_SCOPE",
                "patients.write");
        assertEquals(404, service.get("/Patients('up-7')").statusCode());

        assertEquals(201, send("PUT", "/Patients('up-8')", "{\"last_name\":\"Mine\"}").statusCode());
        TestService.Credentials b = new TestService.Credentials(OTHER_KEY,
                service.token("b-user", OTHER_TENANT, ScopeNames.DEFAULT.all()));
        HttpResponse<String> theirs = send(b, "PATCH", "/Patients('up-8')", "{\"last_name\":\"Theirs\"}");
        assertEquals(201, theirs.statusCode(), "tenant B's own patient up-8: " + theirs.body());
        assertEquals("Mine", TestService.json(service.get("/Patients('up-8')")).get("last_name").asText());
        assertEquals("Theirs", TestService.json(service.send(service.request("/Patients('up-8')", b).GET().build()))
                .get("last_name").asText());
    }

    @Test
    void anUpsertIsAuditedAsACreate() throws Exception {
        HttpResponse<String> created = send("PUT", "/Patients('up-9')", "{\"last_name\":\"Audited\"}");
        assertEquals(201, created.statusCode(), created.body());
        String requestId = created.headers().firstValue("X-Request-Id").orElseThrow();
        JsonNode event = TestService.json(service.get("/AuditEvents?$filter=request_id eq '" + requestId + "'"))
                .get("value").get(0);
        assertEquals("create", event.get("action").asText(), event.toString());
        assertEquals("up-9", event.get("patient_ids").get(0).asText());
        assertEquals(201, event.get("status").asInt());
    }

    @Test
    void aDocumentCannotBeUpsertedBecauseItsContentComesWithItsUpload() throws Exception {
        assertEquals(201, service.postJson("/Patients", "{\"id\":\"up-10\"}").statusCode());
        String missing = DocumentIds.newId();
        for (String path : List.of("/Documents('" + missing + "')", "/Patients('up-10')/Documents('" + missing
                + "')")) {
            for (String method : List.of("PATCH", "PUT")) {
                HttpResponse<String> refused = send(method, path, "{\"document_type\":\"Referral\"}");
                assertError(refused, 400, "UPSERT_NOT_SUPPORTED", "upload");
            }
            assertError(send("PATCH", path, "{\"document_type\":\"Referral\"}", "If-Match", "*"), 412,
                    "PRECONDITION_FAILED", "does not exist");
        }
        assertEquals(0, TestService.json(service.get("/Patients('up-10')/Documents")).get("value").size());
        // recorded as a refusal of a missing entity is: the id may be another tenant's document
        HttpResponse<String> refused = send("PATCH", "/Documents('" + missing + "')", "{\"description\":\"x\"}");
        String requestId = refused.headers().firstValue("X-Request-Id").orElseThrow();
        JsonNode event = TestService.json(service.get("/AuditEvents?$filter=request_id eq '" + requestId + "'"))
                .get("value").get(0);
        assertEquals("denied", event.get("action").asText(), event.toString());
        assertEquals(400, event.get("status").asInt());
        assertEquals(missing, event.get("document_ids").get(0).asText());
    }

    @Test
    void upsertsWorkInsideBothBatchFormats() throws Exception {
        BatchCalls batches = new BatchCalls(service);
        HttpResponse<String> json = batches.json("{\"requests\":[{\"id\":\"1\",\"method\":\"put\","
                + "\"url\":\"Patients('up-11')\",\"atomicityGroup\":\"g\",\"headers\":{\"content-type\":"
                + "\"application/json\"},\"body\":{\"last_name\":\"Batched\"}},"
                + "{\"id\":\"2\",\"method\":\"patch\",\"url\":\"Documents('" + DocumentIds.newId() + "')\","
                + "\"headers\":{\"content-type\":\"application/json\"},\"body\":{\"description\":\"x\"}}]}");
        assertEquals(200, json.statusCode(), json.body());
        JsonNode responses = TestService.json(json).get("responses");
        assertEquals(201, responses.get(0).get("status").asInt(), json.body());
        assertEquals(400, responses.get(1).get("status").asInt(), json.body());
        assertEquals("Batched", TestService.json(service.get("/Patients('up-11')")).get("last_name").asText());

        HttpResponse<String> multipart = batches.multipart(BatchCalls.changeSet(BatchCalls.request("1", "PATCH",
                "Patients('up-12')", "{\"last_name\":\"Changeset\"}")));
        assertEquals(200, multipart.statusCode(), multipart.body());
        assertTrue(multipart.body().contains("HTTP/1.1 201"), multipart.body());
        assertEquals("Changeset", TestService.json(service.get("/Patients('up-12')")).get("last_name").asText());
    }
}
