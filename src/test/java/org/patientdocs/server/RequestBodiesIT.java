package org.patientdocs.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What an entity body in POST, PATCH and PUT may carry: an entity sent back exactly as it was read is accepted (its
 * computed values are ignored when unchanged), anything the service would otherwise drop (a relationship, a nested
 * entity, an unknown property, an instance annotation) is refused with 400 naming it, and nothing changes.
 */
class RequestBodiesIT {

    private static final List<String> FORMATS = List.of("application/json",
            "application/json;odata.metadata=full", "application/json;odata.metadata=none");

    private static TestService service;
    private static String document;

    @BeforeAll
    static void start() throws Exception {
        service = TestService.start(Map.of());
        assertEquals(201, service.postJson("/Patients",
                "{\"id\":\"b-1\",\"first_name\":\"Ada\",\"last_name\":\"Smith\",\"birth_date\":\"1980-02-03\"}")
                .statusCode());
        assertEquals(201, service.postJson("/Patients", "{\"id\":\"b-2\",\"last_name\":\"Other\"}").statusCode());
        Multipart form = new Multipart().file("file", "scan.pdf", Samples.PDF, Samples.pdf(400))
                .field("document_type", "Referral").field("description", "first");
        HttpResponse<String> uploaded = service.send(service.request("/Patients(b-1)/Documents")
                .header("Content-Type", form.contentType()).POST(form.publisher()).build());
        assertEquals(201, uploaded.statusCode(), uploaded.body());
        document = TestService.json(uploaded).get("id").asText();
    }

    @AfterAll
    static void stop() throws Exception {
        service.close();
    }

    private static HttpResponse<String> send(String method, String path, String json) throws Exception {
        return service.send(service.request(path).header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(json)).build());
    }

    private static HttpResponse<String> read(String path, String format) throws Exception {
        HttpResponse<String> read = service.send(service.request(path).header("Accept", format).GET().build());
        assertEquals(200, read.statusCode(), read.body());
        return read;
    }

    private static void assertRefused(HttpResponse<String> response, String code, String named) {
        assertEquals(400, response.statusCode(), response.body());
        JsonNode error = TestService.json(response).get("error");
        assertEquals(code, error.get("code").asText(), response.body());
        assertTrue(error.path("target").asText().equals(named) || error.get("message").asText().contains(named),
                "the error names " + named + ": " + response.body());
    }

    @Test
    void aDocumentSentBackExactlyAsReadIsAcceptedByPutAndPatch() throws Exception {
        String path = "/Patients(b-1)/Documents(" + document + ")";
        for (String format : FORMATS) {
            for (String method : List.of("PUT", "PATCH")) {
                String asRead = read(path, format).body();
                HttpResponse<String> written = send(method, path, asRead);
                assertEquals(200, written.statusCode(), method + " " + format + ": " + written.body());
                JsonNode after = TestService.json(read(path, "application/json"));
                assertEquals("Referral", after.get("document_type").asText());
                assertEquals("first", after.get("description").asText());
            }
        }
    }

    @Test
    void aPatientSentBackExactlyAsReadIsAcceptedByPutAndPatch() throws Exception {
        for (String format : FORMATS) {
            for (String method : List.of("PUT", "PATCH")) {
                String asRead = read("/Patients(b-1)", format).body();
                HttpResponse<String> written = send(method, "/Patients(b-1)", asRead);
                assertEquals(200, written.statusCode(), method + " " + format + ": " + written.body());
                JsonNode after = TestService.json(read("/Patients(b-1)", "application/json"));
                assertEquals("Ada", after.get("first_name").asText());
                assertEquals("1980-02-03", after.get("birth_date").asText());
            }
        }
    }

    @Test
    void aChangedComputedValueInABodyAsReadIsRefusedAndChangesNothing() throws Exception {
        String path = "/Documents('" + document + "')";
        ObjectNode asRead = (ObjectNode) TestService.json(read(path, "application/json"));
        Instant uploaded = Instant.parse(asRead.get("uploaded_at").asText());
        Map<String, ObjectNode> changes = Map.of(
                "uploaded_at", asRead.deepCopy().put("uploaded_at", uploaded.plusSeconds(1).toString()),
                "file_size_bytes", asRead.deepCopy().put("file_size_bytes", asRead.get("file_size_bytes").asLong() + 1),
                "patient_id", asRead.deepCopy().put("patient_id", "b-2"),
                "id", asRead.deepCopy().put("id", "doc-other"));
        for (Map.Entry<String, ObjectNode> change : changes.entrySet()) {
            change.getValue().put("document_type", "Changed");
            for (String method : List.of("PUT", "PATCH")) {
                assertRefused(send(method, path, change.getValue().toString()), "PROPERTY_NOT_WRITABLE",
                        change.getKey());
            }
        }
        assertEquals(asRead, TestService.json(read(path, "application/json")));
    }

    @Test
    void aLabelChangedInABodyAsReadIsApplied() throws Exception {
        service.postJson("/Patients", "{\"id\":\"b-3\"}");
        Multipart form = new Multipart().file("file", "x.pdf", Samples.PDF, Samples.pdf(500));
        String id = TestService.json(service.send(service.request("/Patients(b-3)/Documents")
                .header("Content-Type", form.contentType()).POST(form.publisher()).build())).get("id").asText();
        String path = "/Documents('" + id + "')";
        ObjectNode asRead = (ObjectNode) TestService.json(read(path, "application/json;odata.metadata=full"));
        asRead.put("document_type", "Insurance");
        HttpResponse<String> written = send("PATCH", path, asRead.toString());
        assertEquals(200, written.statusCode(), written.body());
        assertEquals("Insurance", TestService.json(written).get("document_type").asText());
    }

    @Test
    void bindingADocumentToItsOwnPatientChangesNothingElse() throws Exception {
        String path = "/Documents('" + document + "')";
        for (String binding : List.of("Patients('b-1')", service.uri("Patients('b-1')").toString())) {
            HttpResponse<String> written = send("PATCH", path, "{\"Patient@odata.bind\":\"" + binding + "\"}");
            assertEquals(200, written.statusCode(), binding + ": " + written.body());
            assertEquals("b-1", TestService.json(written).get("patient_id").asText());
        }
    }

    @Test
    void aDocumentCannotMoveToAnotherPatient() throws Exception {
        String path = "/Documents('" + document + "')";
        for (String method : List.of("PATCH", "PUT")) {
            HttpResponse<String> moved = send(method, path,
                    "{\"document_type\":\"Moved\",\"Patient@odata.bind\":\"Patients('b-2')\"}");
            assertRefused(moved, "RELATIONSHIP_NOT_WRITABLE", "Patient@odata.bind");
            assertTrue(TestService.json(moved).get("error").get("message").asText().contains("cannot move"),
                    moved.body());
            assertRefused(send(method, path, "{\"Patient@odata.bind\":\"Patients('nobody')\"}"),
                    "RELATIONSHIP_NOT_WRITABLE", "Patient@odata.bind");
            assertRefused(send(method, path, "{\"Patient@odata.bind\":\"Documents('" + document + "')\"}"),
                    "RELATIONSHIP_NOT_WRITABLE", "Patient@odata.bind");
            assertRefused(send(method, path, "{\"Patient\":{\"id\":\"b-2\"}}"), "RELATIONSHIP_NOT_WRITABLE",
                    "Patient");
        }
        JsonNode after = TestService.json(service.get(path));
        assertEquals("b-1", after.get("patient_id").asText());
        assertEquals(1, TestService.json(service.get("/Patients(b-1)/Documents?$select=id")).get("value").size());
        assertEquals(0, TestService.json(service.get("/Patients(b-2)/Documents?$select=id")).get("value").size());
    }

    @Test
    void aPatientWithNestedOrBoundDocumentsIsRefusedAndNotCreated() throws Exception {
        String nested = "{\"id\":\"b-deep\",\"Documents\":[{\"file_name\":\"a.pdf\",\"document_type\":\"Referral\"}]}";
        assertRefused(service.postJson("/Patients", nested), "RELATIONSHIP_NOT_WRITABLE", "Documents");
        String bound = "{\"id\":\"b-deep\",\"Documents@odata.bind\":[\"Documents('" + document + "')\"]}";
        assertRefused(service.postJson("/Patients", bound), "RELATIONSHIP_NOT_WRITABLE", "Documents@odata.bind");
        assertEquals(404, service.get("/Patients('b-deep')").statusCode());

        for (String method : List.of("PATCH", "PUT")) {
            assertRefused(send(method, "/Patients(b-2)", "{\"last_name\":\"Changed\","
                    + "\"Documents@odata.bind\":[\"Documents('" + document + "')\"]}"), "RELATIONSHIP_NOT_WRITABLE",
                    "Documents@odata.bind");
            assertRefused(send(method, "/Patients(b-2)", "{\"last_name\":\"Changed\",\"Documents\":[]}"),
                    "RELATIONSHIP_NOT_WRITABLE", "Documents");
        }
        assertEquals("Other", TestService.json(service.get("/Patients(b-2)")).get("last_name").asText());
        assertEquals("b-1", TestService.json(service.get("/Documents('" + document + "')")).get("patient_id")
                .asText());
    }

    @Test
    void unknownPropertiesAndInstanceAnnotationsAreRefusedByName() throws Exception {
        String path = "/Documents('" + document + "')";
        for (String method : List.of("PATCH", "PUT")) {
            assertRefused(send(method, path, "{\"document_type\":\"X\",\"colour\":\"red\"}"), "INVALID_BODY",
                    "colour");
            assertRefused(send(method, path, "{\"document_type\":\"X\",\"@Core.Description\":\"note\"}"),
                    "INVALID_BODY", "@Core.Description");
            assertRefused(send(method, path, "{\"document_type\":\"X\",\"document_type@Core.Description\":\"n\"}"),
                    "INVALID_BODY", "document_type@Core.Description");
            assertRefused(send(method, path, "{\"description@Core.Description\":\"note\"}"), "INVALID_BODY",
                    "description@Core.Description");
            assertRefused(send(method, "/Patients(b-2)", "{\"nickname\":\"x\"}"), "INVALID_BODY", "nickname");
            assertRefused(send(method, path, "{\"description@odata.mediaReadLink\":\"x\"}"), "INVALID_BODY",
                    "description@odata.mediaReadLink");
        }
        assertRefused(service.postJson("/Patients", "{\"id\":\"b-unknown\",\"nickname\":\"x\"}"), "INVALID_BODY",
                "nickname");
        assertRefused(service.postJson("/Patients", "{\"id\":\"b-unknown\",\"Doctor@odata.bind\":\"Patients('b-1')\"}"),
                "INVALID_BODY", "Doctor@odata.bind");
        assertRefused(service.postJson("/Patients", "{\"id\":\"b-unknown\",\"@Org.Example.Flag\":true}"),
                "INVALID_BODY", "@Org.Example.Flag");
        assertEquals(404, service.get("/Patients('b-unknown')").statusCode());
        assertEquals("Referral", TestService.json(service.get(path)).get("document_type").asText());
    }

    @Test
    void aStaleEtagInTheBodyOfAnOData401UpdateIsRefused() throws Exception {
        service.postJson("/Patients", "{\"id\":\"b-etag\",\"last_name\":\"First\"}");
        ObjectNode asRead = (ObjectNode) TestService.json(service.get("/Patients('b-etag')"));
        assertEquals(200, service.patchJson("/Patients('b-etag')", "{\"last_name\":\"Second\"}").statusCode());
        asRead.put("last_name", "Third");
        HttpResponse<String> stale = service.send(service.request("/Patients('b-etag')")
                .header("Content-Type", "application/json").header("OData-Version", "4.01")
                .method("PATCH", HttpRequest.BodyPublishers.ofString(asRead.toString())).build());
        assertEquals(412, stale.statusCode(), stale.body());
        assertEquals("Second", TestService.json(service.get("/Patients('b-etag')")).get("last_name").asText());
        // OData 4.0 requests ignore ETags in bodies
        HttpResponse<String> old = service.send(service.request("/Patients('b-etag')")
                .header("Content-Type", "application/json").header("OData-Version", "4.0")
                .method("PATCH", HttpRequest.BodyPublishers.ofString(asRead.toString())).build());
        assertEquals(200, old.statusCode(), old.body());
    }

    @Test
    void anOData401BodyMayWriteControlInformationWithoutItsPrefix() throws Exception {
        service.postJson("/Patients", "{\"id\":\"b-short\",\"last_name\":\"First\"}");
        String etag = TestService.json(service.get("/Patients('b-short')")).get("@odata.etag").asText();
        HttpResponse<String> shortForm = patch401("/Patients('b-short')", "{\"@type\":\"#PatientDocs.Patient\","
                + "\"@etag\":" + TestService.JSON.writeValueAsString(etag) + ",\"last_name\":\"Second\"}");
        assertEquals(200, shortForm.statusCode(), shortForm.body());
        assertEquals("Second", TestService.json(service.get("/Patients('b-short')")).get("last_name").asText());
        // the short @etag is checked like @odata.etag
        HttpResponse<String> stale = patch401("/Patients('b-short')",
                "{\"@etag\":" + TestService.JSON.writeValueAsString(etag) + ",\"last_name\":\"Third\"}");
        assertEquals(412, stale.statusCode(), stale.body());
        // in a 4.0 body the same names are instance annotations, which the service keeps none of
        HttpResponse<String> old = service.send(service.request("/Patients('b-short')")
                .header("Content-Type", "application/json").header("OData-Version", "4.0")
                .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"@type\":\"#PatientDocs.Patient\"}"))
                .build());
        assertEquals(400, old.statusCode(), old.body());
        assertTrue(old.body().contains("@type"), old.body());
    }

    /** A member given twice is refused, also where the service writes a 4.01 body anew for Olingo. */
    @Test
    void aMemberGivenTwiceIsRefusedAndChangesNothing() throws Exception {
        service.postJson("/Patients", "{\"id\":\"b-twice\",\"last_name\":\"Once\"}");
        String twice = "{\"@type\":\"#PatientDocs.Patient\",\"last_name\":\"A\",\"last_name\":\"B\"}";
        for (HttpResponse<String> refused : List.of(patch401("/Patients('b-twice')", twice),
                service.send(service.request("/Patients('b-twice')").header("Content-Type", "application/json")
                        .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"last_name\":\"A\",\"last_name\":"
                                + "\"B\"}")).build()))) {
            assertEquals(400, refused.statusCode(), refused.body());
            assertTrue(refused.body().contains("last_name"), refused.body());
        }
        assertEquals("Once", TestService.json(service.get("/Patients('b-twice')")).get("last_name").asText());
    }

    private HttpResponse<String> patch401(String path, String body) throws Exception {
        return service.send(service.request(path).header("Content-Type", "application/json")
                .header("OData-Version", "4.01").method("PATCH", HttpRequest.BodyPublishers.ofString(body)).build());
    }
}
