package org.patientdocs.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
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

/**
 * Entity references ({@code $ref}), OData JSON 4.0 section 14: a document's patient and a patient's documents are read
 * as references ({@code @odata.id}, relative to the service root as in every other answer of the service), alone and
 * expanded, with the query options and paging of the collections they stand for, in the caller's tenant only and
 * audited as reads; a change of a reference is refused (400 naming the rule), since a document cannot move to another
 * patient and cannot exist without one.
 */
class ReferencesIT {

    private static final String PATIENT = "ref-1";
    private static final String OTHER_PATIENT = "ref-2";
    private static final String OTHER_TENANT = "clinic-b";
    private static final String OTHER_KEY = "ref-other-key-" + System.nanoTime();

    private static TestService service;
    /** The patient's documents, in the order of their file names: a.pdf, b.pdf (Referral), c.png (Imaging). */
    private static final List<String> documents = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        service = TestService.start(Map.of("auth.api-key-sha256", ApiKeys.sha256Hex(TestService.API_KEY) + ","
                + ApiKeys.sha256Hex(OTHER_KEY) + ":" + OTHER_TENANT));
        assertEquals(201, service.postJson("/Patients", "{\"id\":\"" + PATIENT + "\",\"last_name\":\"Ref\"}")
                .statusCode());
        assertEquals(201, service.postJson("/Patients", "{\"id\":\"" + OTHER_PATIENT + "\"}").statusCode());
        documents.add(upload(PATIENT, "a.pdf", Samples.PDF, Samples.pdf(400), "Referral"));
        documents.add(upload(PATIENT, "b.pdf", Samples.PDF, Samples.pdf(500), "Referral"));
        documents.add(upload(PATIENT, "c.png", Samples.PNG, Samples.png(300), "Imaging"));
        upload(OTHER_PATIENT, "d.pdf", Samples.PDF, Samples.pdf(450), "Referral");
    }

    @AfterAll
    static void stop() throws Exception {
        service.close();
    }

    private static String upload(String patient, String name, String type, byte[] content, String documentType)
            throws Exception {
        Multipart form = new Multipart().file("file", name, type, content).field("document_type", documentType);
        HttpResponse<String> uploaded = service.send(service.request("/Patients('" + patient + "')/Documents")
                .header("Content-Type", form.contentType()).POST(form.publisher()).build());
        assertEquals(201, uploaded.statusCode(), uploaded.body());
        return TestService.json(uploaded).get("id").asText();
    }

    private static String ref(String document) {
        return "Documents('" + document + "')";
    }

    /** The {@code @odata.id}s of a collection of references. */
    private static List<String> ids(JsonNode answer) {
        List<String> ids = new ArrayList<>();
        answer.get("value").forEach(reference -> {
            assertEquals(1, reference.size(), "a reference holds its id only: " + reference);
            ids.add(reference.get("@odata.id").asText());
        });
        return ids;
    }

    @Test
    void aDocumentsPatientIsReadAsAnEntityReference() throws Exception {
        HttpResponse<String> read = service.get("/Documents('" + documents.get(0) + "')/Patient/$ref");
        assertEquals(200, read.statusCode(), read.body());
        JsonNode reference = TestService.json(read);
        assertEquals(service.uri("$metadata#$ref").toString(), reference.get("@odata.context").asText());
        assertEquals("Patients('" + PATIENT + "')", reference.get("@odata.id").asText());
        assertEquals(2, reference.size(), reference.toString());
        // the id, resolved against the context URL as OData JSON says, is the patient's URL
        URI resolved = URI.create(reference.get("@odata.context").asText()).resolve(reference.get("@odata.id")
                .asText().replace("'", "%27"));
        assertEquals(200, service.send(service.request("").uri(resolved).GET().build()).statusCode());
        assertEquals(404, service.get("/Documents('missing-doc')/Patient/$ref").statusCode());
    }

    @Test
    void aPatientsDocumentsAreReadAsReferencesWithTheQueryOptionsOfTheCollection() throws Exception {
        JsonNode all = TestService.json(service.get("/Patients('" + PATIENT + "')/Documents/$ref?$orderby=file_name"));
        assertEquals(service.uri("$metadata#Collection($ref)").toString(), all.get("@odata.context").asText());
        assertEquals(documents.stream().map(ReferencesIT::ref).toList(), ids(all));
        assertEquals(3, all.get("@odata.count").asInt(), "a patient's documents carry their count, as the collection");

        JsonNode referrals = TestService.json(service.get("/Patients('" + PATIENT + "')/Documents/$ref"
                + "?$filter=document_type eq 'Referral'&$orderby=file_name desc&$count=true"));
        assertEquals(List.of(ref(documents.get(1)), ref(documents.get(0))), ids(referrals));
        assertEquals(2, referrals.get("@odata.count").asInt());
        JsonNode second = TestService.json(service.get("/Patients('" + PATIENT + "')/Documents/$ref"
                + "?$orderby=file_name&$skip=1&$top=1"));
        assertEquals(List.of(ref(documents.get(1))), ids(second));

        List<String> paged = new ArrayList<>();
        URI next = service.uri("Patients('" + PATIENT + "')/Documents/$ref?$orderby=file_name");
        int pages = 0;
        while (next != null) {
            HttpResponse<String> page = service.send(service.request("").uri(next)
                    .header("Prefer", "odata.maxpagesize=2").GET().build());
            assertEquals(200, page.statusCode(), page.body());
            JsonNode answer = TestService.json(page);
            paged.addAll(ids(answer));
            next = answer.has("@odata.nextLink") ? URI.create(answer.get("@odata.nextLink").asText()) : null;
            pages++;
        }
        assertEquals(2, pages);
        assertEquals(ids(all), paged);
        assertEquals(List.of(ref(documents.get(0)), ref(documents.get(1)), ref(documents.get(2))),
                ids(TestService.json(service.get("/Documents/$ref?$filter=patient_id eq '" + PATIENT
                        + "'&$orderby=file_name"))));
        assertEquals(404, service.get("/Patients('nobody')/Documents/$ref").statusCode());
    }

    @Test
    void expandedReferencesHoldOnlyTheIdsOfTheRelatedEntities() throws Exception {
        JsonNode patient = TestService.json(service.get("/Patients('" + PATIENT + "')?$expand=Documents/$ref"
                + "($filter=document_type eq 'Referral';$orderby=file_name)"));
        assertEquals("Ref", patient.get("last_name").asText());
        List<String> expanded = new ArrayList<>();
        patient.get("Documents").forEach(reference -> {
            assertEquals(1, reference.size(), reference.toString());
            expanded.add(reference.get("@odata.id").asText());
        });
        assertEquals(List.of(ref(documents.get(0)), ref(documents.get(1))), expanded);

        JsonNode patients = TestService.json(service.get("/Patients?$filter=id eq '" + OTHER_PATIENT
                + "'&$expand=Documents/$ref($count=true)"));
        JsonNode other = patients.get("value").get(0);
        assertEquals(1, other.get("Documents@odata.count").asInt(), other.toString());
        assertEquals(1, other.get("Documents").get(0).size(), other.toString());

        JsonNode document = TestService.json(service.get("/Documents('" + documents.get(2)
                + "')?$expand=Patient/$ref"));
        assertEquals("c.png", document.get("file_name").asText());
        assertEquals("Patients('" + PATIENT + "')", document.get("Patient").get("@odata.id").asText());
        assertEquals(1, document.get("Patient").size(), document.toString());

        HttpResponse<String> paged = service.send(service.request("/Patients?$filter=id eq '" + PATIENT
                + "'&$expand=Documents/$ref($orderby=file_name)").header("Prefer", "odata.maxpagesize=2")
                .GET().build());
        JsonNode first = TestService.json(paged).get("value").get(0);
        assertEquals(2, first.get("Documents").size(), paged.body());
        String next = first.get("Documents@odata.nextLink").asText();
        assertTrue(next.contains("/Documents/$ref?"), next);
        assertEquals(List.of(ref(documents.get(2))), ids(TestService.json(service.send(service.request("")
                .uri(URI.create(next)).GET().build()))));
    }

    @Test
    void changingAReferenceIsRefusedNamingTheRuleAndChangesNothing() throws Exception {
        String document = documents.get(0);
        String body = "{\"@odata.id\":\"Patients('" + OTHER_PATIENT + "')\"}";
        List<HttpResponse<String>> refused = List.of(
                send("PUT", "Documents('" + document + "')/Patient/$ref", body),
                send("DELETE", "Documents('" + document + "')/Patient/$ref", null),
                send("POST", "Patients('" + OTHER_PATIENT + "')/Documents/$ref",
                        "{\"@odata.id\":\"" + ref(document) + "\"}"),
                send("DELETE", "Patients('" + PATIENT + "')/Documents/$ref?$id=" + ref(document), null),
                send("DELETE", "Patients('" + PATIENT + "')/Documents('" + document + "')/$ref", null));
        for (HttpResponse<String> response : refused) {
            assertEquals(400, response.statusCode(), response.body());
            JsonNode error = TestService.json(response).get("error");
            assertEquals("RELATIONSHIP_NOT_WRITABLE", error.get("code").asText(), response.body());
            assertTrue(error.get("message").asText().contains("$ref")
                    && error.get("message").asText().contains("cannot move to another patient"), response.body());
        }
        assertEquals(PATIENT, TestService.json(service.get("/Documents('" + document + "')")).get("patient_id")
                .asText());
        assertEquals(3, TestService.json(service.get("/Patients('" + PATIENT + "')/Documents/$ref"))
                .get("value").size());
        assertEquals(404, send("PUT", "Documents('missing-doc')/Patient/$ref", body).statusCode());
    }

    @Test
    void anotherTenantsReferencesAreMissingAndScopesApplyAsToTheEntities() throws Exception {
        TestService.Credentials b = new TestService.Credentials(OTHER_KEY,
                service.token("b-user", OTHER_TENANT, ScopeNames.DEFAULT.all()));
        String document = documents.get(0);
        for (String path : List.of("/Documents('" + document + "')/Patient/$ref",
                "/Patients('" + PATIENT + "')/Documents/$ref")) {
            HttpResponse<String> theirs = service.send(service.request(path, b).GET().build());
            assertEquals(404, theirs.statusCode(), theirs.body());
            assertFalse(theirs.body().contains(document), theirs.body());
        }
        HttpResponse<String> change = service.send(service.request("/Documents('" + document + "')/Patient/$ref", b)
                .DELETE().build());
        assertEquals(404, change.statusCode(), change.body());
        assertEquals(0, TestService.json(service.send(service.request("/Documents/$ref", b).GET().build()))
                .get("value").size());

        HttpResponse<String> noDocuments = service.send(service.request("/Patients('" + PATIENT
                + "')/Documents/$ref", without(Scope.DOCUMENTS_READ)).GET().build());
        assertEquals(403, noDocuments.statusCode(), noDocuments.body());
        HttpResponse<String> noPatients = service.send(service.request("/Documents('" + document + "')/Patient/$ref",
                without(Scope.PATIENTS_READ)).GET().build());
        assertEquals(403, noPatients.statusCode(), noPatients.body());
    }

    @Test
    void aReadOfReferencesIsAuditedLikeAList() throws Exception {
        HttpResponse<String> read = service.get("/Patients('" + PATIENT + "')/Documents/$ref");
        assertEquals(200, read.statusCode(), read.body());
        String requestId = read.headers().firstValue("X-Request-Id").orElseThrow();
        JsonNode event = TestService.json(service.get("/AuditEvents?$filter=request_id eq '" + requestId + "'"))
                .get("value").get(0);
        assertEquals("list", event.get("action").asText(), event.toString());
        List<String> ids = new ArrayList<>();
        event.get("document_ids").forEach(id -> ids.add(id.asText()));
        assertEquals(documents.stream().sorted().toList(), ids.stream().sorted().toList());
        assertEquals(PATIENT, event.get("patient_ids").get(0).asText());
    }

    @Test
    void referencesAreReadAndRefusedInsideBothBatchFormats() throws Exception {
        BatchCalls batches = new BatchCalls(service);
        HttpResponse<String> json = batches.json("{\"requests\":["
                + "{\"id\":\"1\",\"method\":\"get\",\"url\":\"Patients('" + PATIENT + "')/Documents/$ref"
                + "?$orderby=file_name\"},"
                + "{\"id\":\"2\",\"method\":\"get\",\"url\":\"Documents('" + documents.get(1) + "')/Patient/$ref\"},"
                + "{\"id\":\"3\",\"method\":\"delete\",\"url\":\"Documents('" + documents.get(1)
                + "')/Patient/$ref\"}]}");
        assertEquals(200, json.statusCode(), json.body());
        JsonNode responses = TestService.json(json).get("responses");
        assertEquals(200, responses.get(0).get("status").asInt(), json.body());
        assertEquals(documents.stream().map(ReferencesIT::ref).toList(), ids(responses.get(0).get("body")));
        assertEquals("Patients('" + PATIENT + "')", responses.get(1).get("body").get("@odata.id").asText());
        assertEquals(400, responses.get(2).get("status").asInt(), json.body());

        HttpResponse<String> multipart = batches.multipart(BatchCalls.request(null, "GET",
                "Documents('" + documents.get(2) + "')/Patient/$ref", null));
        assertEquals(200, multipart.statusCode(), multipart.body());
        assertTrue(multipart.body().contains("\"@odata.id\":\"Patients('" + PATIENT + "')\""), multipart.body());
    }

    private static HttpResponse<String> send(String method, String path, String json) throws Exception {
        HttpRequest.Builder request = service.request(path);
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        return service.send(request.method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(json)).build());
    }

    private static TestService.Credentials without(Scope missing) {
        EnumSet<Scope> scopes = EnumSet.allOf(Scope.class);
        scopes.remove(missing);
        return new TestService.Credentials(TestService.API_KEY,
                service.token("user-456", "default", ScopeNames.DEFAULT.claimOf(scopes)));
    }
}
