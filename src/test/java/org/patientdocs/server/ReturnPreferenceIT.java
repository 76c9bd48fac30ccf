package org.patientdocs.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code Prefer: return=minimal} and {@code return=representation} follow one rule on every create (a patient, a
 * document uploaded raw or as a form) and every change (PATCH, PUT): minimal is 204 with the entity's URL and ETag
 * in headers, representation the entity in the body, each confirmed in {@code Preference-Applied}.
 */
class ReturnPreferenceIT {

    private static TestService service;

    @BeforeAll
    static void start() throws Exception {
        service = TestService.start(Map.of());
        assertEquals(201, service.postJson("/Patients", "{\"id\":\"r-1\"}").statusCode());
    }

    @AfterAll
    static void stop() throws Exception {
        service.close();
    }

    private static HttpRequest.Builder raw(String prefer) {
        return service.request("/Patients(r-1)/Documents").header("Prefer", prefer)
                .header("Content-Type", Samples.PDF).header("Slug", "raw.pdf")
                .POST(HttpRequest.BodyPublishers.ofByteArray(Samples.pdf(400)));
    }

    private static HttpRequest.Builder form(String prefer) {
        Multipart form = new Multipart().file("file", "form.pdf", Samples.PDF, Samples.pdf(400));
        return service.request("/Patients(r-1)/Documents").header("Prefer", prefer)
                .header("Content-Type", form.contentType()).POST(form.publisher());
    }

    private static HttpRequest.Builder patient(String prefer, String id) {
        return service.request("/Patients").header("Prefer", prefer).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"id\":\"" + id + "\"}"));
    }

    private static void assertMinimalCreate(HttpResponse<String> response, String what) throws Exception {
        assertEquals(204, response.statusCode(), what + ": " + response.body());
        assertEquals("", response.body(), what);
        String location = response.headers().firstValue("Location").orElseThrow();
        assertEquals(location, response.headers().firstValue("OData-EntityId").orElseThrow(), what);
        assertEquals("return=minimal", response.headers().firstValue("Preference-Applied").orElseThrow(), what);
        HttpResponse<String> created = service.send(service.request("/").uri(URI.create(location)).GET()
                .build());
        assertEquals(200, created.statusCode(), what + ": " + location);
        assertEquals(response.headers().firstValue("ETag").orElseThrow(),
                created.headers().firstValue("ETag").orElseThrow(), what);
    }

    @Test
    void returnMinimalOnEveryCreateIs204WithTheEntitysUrl() throws Exception {
        assertMinimalCreate(service.send(raw("return=minimal").build()), "raw upload");
        assertMinimalCreate(service.send(form("return=minimal").build()), "form upload");
        assertMinimalCreate(service.send(patient("return=minimal", "r-2").build()), "patient");
        assertMinimalCreate(service.send(raw("odata.maxpagesize=5, return=minimal").build()), "among others");
    }

    @Test
    void returnRepresentationOnEveryCreateIs201WithTheEntity() throws Exception {
        for (HttpRequest request : List.of(raw("return=representation").build(),
                form("return=representation").build(), patient("return=representation", "r-3").build())) {
            HttpResponse<String> response = service.send(request);
            assertEquals(201, response.statusCode(), request.uri() + ": " + response.body());
            assertEquals("return=representation", response.headers().firstValue("Preference-Applied").orElseThrow());
            assertTrue(response.headers().firstValue("Location").isPresent());
            assertTrue(TestService.json(response).has("id"), response.body());
        }
        HttpResponse<String> plain = service.send(raw("odata.maxpagesize=5").build());
        assertEquals(201, plain.statusCode(), plain.body());
        assertFalse(plain.headers().firstValue("Preference-Applied").isPresent());
    }

    @Test
    void returnPreferenceOnChangesToDocumentsAndPatients() throws Exception {
        HttpResponse<String> uploaded = service.send(raw("return=representation").build());
        String document = "/Documents('" + TestService.json(uploaded).get("id").asText() + "')";
        for (String path : List.of(document, "/Patients(r-1)")) {
            String body = path.equals(document) ? "{\"description\":\"x\"}" : "{\"last_name\":\"x\"}";
            for (String method : List.of("PATCH", "PUT")) {
                HttpResponse<String> minimal = service.send(service.request(path).header("Prefer", "return=minimal")
                        .header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofString(body)).build());
                assertEquals(204, minimal.statusCode(), method + " " + path + ": " + minimal.body());
                assertEquals("return=minimal", minimal.headers().firstValue("Preference-Applied").orElseThrow());
                assertEquals(service.get(path).headers().firstValue("ETag").orElseThrow(),
                        minimal.headers().firstValue("ETag").orElseThrow());

                HttpResponse<String> full = service.send(service.request(path)
                        .header("Prefer", "return=representation").header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofString(body)).build());
                assertEquals(200, full.statusCode(), method + " " + path + ": " + full.body());
                assertEquals("return=representation", full.headers().firstValue("Preference-Applied").orElseThrow());
                assertEquals("x", TestService.json(full).get(path.equals(document) ? "description" : "last_name")
                        .asText());
            }
        }
    }

    @Test
    void returnPreferenceInsideABatchOperation() throws Exception {
        HttpResponse<String> uploaded = service.send(raw("return=representation").build());
        String id = TestService.json(uploaded).get("id").asText();
        HttpResponse<String> batch = service.send(service.request("/$batch").header("Content-Type",
                "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"requests\":["
                + "{\"id\":\"1\",\"method\":\"patch\",\"url\":\"Documents('" + id + "')\",\"headers\":"
                + "{\"prefer\":\"return=minimal\"},\"body\":{\"description\":\"in batch\"}},"
                + "{\"id\":\"2\",\"method\":\"post\",\"url\":\"Patients\",\"headers\":"
                + "{\"prefer\":\"return=minimal\"},\"body\":{\"id\":\"r-batch\"}}]}")).build());
        JsonNode responses = TestService.json(batch).get("responses");
        assertEquals(204, responses.get(0).get("status").asInt(), batch.body());
        assertEquals(204, responses.get(1).get("status").asInt(), batch.body());
        assertEquals("in batch", TestService.json(service.get("/Documents('" + id + "')")).get("description")
                .asText());
        assertEquals(200, service.get("/Patients('r-batch')").statusCode());
    }

    @Test
    void aReturnPreferenceOnAReadOrADeleteIsRefusedInEverySpelling() throws Exception {
        for (String prefer : List.of("return=minimal", "RETURN=Minimal", "return=\"representation\"",
                "odata.maxpagesize=5, return=minimal")) {
            for (String method : List.of("GET", "DELETE")) {
                HttpResponse<String> refused = service.send(service.request("/Patients(r-1)").header("Prefer", prefer)
                        .method(method, HttpRequest.BodyPublishers.noBody()).build());
                assertEquals(400, refused.statusCode(), method + " " + prefer + ": " + refused.body());
                assertTrue(TestService.json(refused).get("error").get("message").asText().contains("return"),
                        refused.body());
            }
        }
        assertEquals(200, service.get("/Patients('r-1')").statusCode(), "the DELETEs were refused, not run");
    }

    @Test
    void aRepresentationAnswered204BecauseOfSelectIsNotClaimed() throws Exception {
        HttpResponse<String> changed = service.send(service.request("/Patients(r-1)?$select=last_name")
                .header("Prefer", "return=representation").header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"last_name\":\"y\"}")).build());
        assertEquals(204, changed.statusCode(), changed.body());
        assertFalse(changed.headers().firstValue("Preference-Applied").isPresent(),
                changed.headers().map().toString());

        HttpResponse<String> created = service.send(service.request("/Patients?$expand=Documents")
                .header("Prefer", "return=representation").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"id\":\"r-expand\"}")).build());
        assertEquals(204, created.statusCode(), created.body());
        assertFalse(created.headers().firstValue("Preference-Applied").isPresent(),
                created.headers().map().toString());
    }

    /** Olingo's validator lets any option through on a change when $select or $expand comes after it. */
    @Test
    void readOptionsOnACreateOrChangeAreRefusedByName() throws Exception {
        record Call(String method, String path, String body, String option) {
        }
        for (Call call : List.of(
                new Call("PATCH", "/Patients(r-1)?$filter=last_name eq 'nobody'&$select=id",
                        "{\"last_name\":\"filtered\"}", "$filter"),
                new Call("PUT", "/Patients(r-1)?$orderby=id&$expand=Documents", "{\"last_name\":\"ordered\"}",
                        "$orderby"),
                new Call("POST", "/Patients?$count=true&$select=id", "{\"id\":\"r-counted\"}", "$count"),
                new Call("POST", "/Patients?$search=x&$select=id", "{\"id\":\"r-searched\"}", "$search"))) {
            HttpResponse<String> refused = service.send(service.request(call.path())
                    .header("Content-Type", "application/json")
                    .method(call.method(), HttpRequest.BodyPublishers.ofString(call.body())).build());
            assertEquals(400, refused.statusCode(), call + ": " + refused.body());
            assertTrue(refused.body().contains(call.option()), call + ": " + refused.body());
        }
        HttpResponse<String> upload = service.send(service.request("/Patients(r-1)/Documents?$top=1&$select=id")
                .header("Content-Type", Samples.PDF).header("Slug", "topped.pdf")
                .POST(HttpRequest.BodyPublishers.ofByteArray(Samples.pdf(400))).build());
        assertEquals(400, upload.statusCode(), upload.body());
        assertTrue(upload.body().contains("$top"), upload.body());
        JsonNode patient = TestService.json(service.get("/Patients('r-1')"));
        assertFalse(patient.get("last_name").asText().matches("filtered|ordered"), patient.toString());
        assertEquals(404, service.get("/Patients('r-counted')").statusCode());
        assertEquals(404, service.get("/Patients('r-searched')").statusCode());
        assertEquals(0, TestService.json(service.get("/Patients('r-1')/Documents?$filter=file_name eq 'topped.pdf'"))
                .get("value").size());
    }
}
