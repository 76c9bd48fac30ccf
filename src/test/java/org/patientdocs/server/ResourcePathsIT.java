package org.patientdocs.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The resource path conventions of OData-URL that the conformance table marks supported (4.0 Advanced 12): each
 * addresses what it names. The ones the service refuses are in {@link ConformanceRefusalsIT}.
 */
class ResourcePathsIT {

    private static TestService service;
    private static String document;

    @BeforeAll
    static void start() throws Exception {
        service = TestService.start(Map.of());
        assertEquals(201, service.postJson("/Patients", "{\"id\":\"path-1\",\"last_name\":\"Pathway\"}")
                .statusCode());
        Multipart form = new Multipart().file("file", "scan.pdf", Samples.PDF, Samples.pdf(420));
        HttpResponse<String> uploaded = service.send(service.request("/Patients('path-1')/Documents")
                .header("Content-Type", form.contentType()).POST(form.publisher()).build());
        assertEquals(201, uploaded.statusCode(), uploaded.body());
        document = TestService.json(uploaded).get("id").asText();
    }

    @AfterAll
    static void stop() throws Exception {
        service.close();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "Patients('path-1')                                    | \"last_name\":\"Pathway\"",
        "Patients(id='path-1')                                 | \"last_name\":\"Pathway\"",
        "Patients('path-1')/PatientDocs.Patient                | \"last_name\":\"Pathway\"",
        "Patients/PatientDocs.Patient?$filter=id eq 'path-1'   | \"last_name\":\"Pathway\"",
        "$entity?$id=Patients('path-1')                        | \"last_name\":\"Pathway\"",
        "$entity/PatientDocs.Patient?$id=Patients('path-1')    | \"last_name\":\"Pathway\"",
        "Patients('path-1')/last_name                          | \"value\":\"Pathway\"",
        "Patients('path-1')/last_name/$value                   | Pathway",
        "Patients('path-1')/Documents                          | \"file_name\":\"scan.pdf\"",
        "Patients('path-1')/Documents/$count                   | 1",
        "Patients('path-1')/Documents('{doc}')                 | \"file_name\":\"scan.pdf\"",
        "Patients('path-1')/Documents('{doc}')/file_name       | \"value\":\"scan.pdf\"",
        "Documents('{doc}')/Patient                            | \"last_name\":\"Pathway\"",
        "Documents/PatientDocs.Document/$count                 | 1",
        "Documents('{doc}')/$value                             | %PDF-",
        "Patients('path-1')/Documents('{doc}')/Patient         | \"last_name\":\"Pathway\"",
        "Documents('{doc}')/Patient/Documents                  | \"file_name\":\"scan.pdf\"",
        "Documents('{doc}')/Patient/Documents('{doc}')/file_name | \"value\":\"scan.pdf\"",
        "Patients('path-1')/Documents('{doc}')/Patient/$ref    | \"@odata.id\":\"Patients('path-1')\"",
        "Patients/path-1                                       | \"last_name\":\"Pathway\"",
        "Patients/path-1/Documents/{doc}/file_name             | \"value\":\"scan.pdf\"",
        "Patients/PatientDocs.Patient/path-1                   | \"last_name\":\"Pathway\"",
        "Documents/{doc}/$value                                | %PDF-",
        "Documents/{doc}/Patient/Documents/$count              | 1",
    })
    void aSupportedPathAddressesWhatItNames(String path, String expected) throws Exception {
        HttpResponse<String> response = service.get(path.replace("{doc}", document));
        assertEquals(200, response.statusCode(), path + ": " + response.body());
        assertTrue(response.body().contains(expected), path + ": " + response.body());
    }

    /**
     * A path of several navigation steps (4.0 Advanced 12) reaches each step's entity through the one before: a
     * document named under a patient it does not belong to is missing there, and so is what lies beyond it.
     */
    @Test
    void aPathOfSeveralStepsReachesOnlyWhatEachStepLeadsTo() throws Exception {
        assertEquals(201, service.postJson("/Patients", "{\"id\":\"path-3\"}").statusCode());
        for (String path : List.of("Patients('path-3')/Documents('{doc}')/Patient",
                "Patients('path-3')/Documents('{doc}')/Patient/Documents",
                "Patients('path-3')/Documents('{doc}')/Patient/$ref")) {
            HttpResponse<String> response = service.get(path.replace("{doc}", document));
            assertEquals(404, response.statusCode(), path + ": " + response.body());
        }
        Multipart form = new Multipart().file("file", "more.pdf", Samples.PDF, Samples.pdf(430));
        HttpResponse<String> uploaded = service.send(service.request("/Documents('" + document
                + "')/Patient/Documents").header("Content-Type", form.contentType()).POST(form.publisher()).build());
        assertEquals(201, uploaded.statusCode(), uploaded.body());
        assertEquals("path-1", TestService.json(uploaded).get("patient_id").asText());
        // the other paths count the patient's one document
        assertEquals(204, service.delete("/Documents('" + TestService.json(uploaded).get("id").asText() + "')")
                .statusCode());
        // a patient is changed at its own URL, as one step from a document is
        assertEquals(405, service.patchJson("/Patients('path-1')/Documents('" + document + "')/Patient",
                "{\"first_name\":\"Pat\"}").statusCode());
    }

    /** Keys as segments (announced by Capabilities.KeyAsSegmentSupported) work in both batch formats too. */
    @Test
    void keysAsSegmentsWorkInsideBothBatchFormats() throws Exception {
        BatchCalls batches = new BatchCalls(service);
        HttpResponse<String> json = batches.json("{\"requests\":["
                + "{\"id\":\"1\",\"method\":\"get\",\"url\":\"Patients/path-1/Documents/" + document + "\"},"
                + "{\"id\":\"2\",\"method\":\"get\",\"url\":\"Documents/" + document + "/$value\"}]}");
        assertEquals(200, json.statusCode(), json.body());
        JsonNode responses = TestService.json(json).get("responses");
        assertEquals(200, responses.get(0).get("status").asInt(), json.body());
        assertEquals("scan.pdf", responses.get(0).get("body").get("file_name").asText());
        assertEquals(400, responses.get(1).get("status").asInt(), "document content stays out of batches: "
                + json.body());
        HttpResponse<String> multipart = batches.multipart(BatchCalls.changeSet(BatchCalls.request("1", "PATCH",
                "Patients/path-1", "{\"first_name\":\"Segment\"}")));
        assertEquals(200, multipart.statusCode(), multipart.body());
        assertTrue(multipart.body().contains("HTTP/1.1 200") || multipart.body().contains("HTTP/1.1 204"),
                multipart.body());
        assertEquals("Segment", TestService.json(service.get("/Patients('path-1')")).get("first_name").asText());
    }

    /** 4.01 Minimal 25: a POST to a collection URL ending in a type cast creates an entity of that type. */
    @Test
    void anEntityIsCreatedThroughATypeCastSegment() throws Exception {
        HttpResponse<String> created = service.postJson("/Patients/PatientDocs.Patient",
                "{\"id\":\"path-2\",\"last_name\":\"Cast\"}");
        assertEquals(201, created.statusCode(), created.body());
        assertEquals("Cast", TestService.json(service.get("/Patients('path-2')")).get("last_name").asText());
    }
}
