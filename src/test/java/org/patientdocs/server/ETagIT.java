package org.patientdocs.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every entity carries an ETag; a stale If-Match is 412, a matching If-None-Match is 304 on a read and 412 on a
 * change.
 */
class ETagIT {

    private static TestService service;

    @BeforeAll
    static void start() throws Exception {
        service = TestService.start(Map.of());
    }

    @AfterAll
    static void stop() throws Exception {
        service.close();
    }

    private static HttpResponse<String> send(String method, String path, String json, String header, String etag)
            throws Exception {
        HttpRequest.Builder request = service.request(path).header(header, etag);
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        return service.send(request.method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(json)).build());
    }

    @Test
    void everyEntityCarriesAnEtagAlsoInCollectionsAndProjections() throws Exception {
        service.postJson("/Patients", "{\"id\":\"e-list\"}");
        Multipart form = new Multipart().file("file", "a.pdf", Samples.PDF, Samples.pdf(500));
        HttpResponse<String> uploaded = service.send(service.request("/Patients(e-list)/Documents")
                .header("Content-Type", form.contentType()).header("Accept", "application/json;odata.metadata=minimal")
                .POST(form.publisher()).build());
        assertEquals("W/\"1\"", TestService.json(uploaded).get("@odata.etag").asText());
        for (String path : new String[] {"/Patients?$filter=id eq 'e-list'", "/Patients?$select=last_name",
                "/Patients(e-list)/Documents", "/Documents?$select=file_name", "/Patients?$expand=Documents"}) {
            JsonNode value = TestService.json(service.get(path)).get("value");
            assertTrue(value.size() > 0, path);
            value.forEach(entity -> assertTrue(entity.get("@odata.etag").asText().matches("W/\"\\d+\""),
                    path + ": " + entity));
        }
    }

    @Test
    void staleIfMatchIsRefusedAndLeavesThePatientAlone() throws Exception {
        service.postJson("/Patients", "{\"id\":\"e-1\",\"last_name\":\"First\"}");
        HttpResponse<String> read = service.get("/Patients('e-1')");
        String etag = read.headers().firstValue("ETag").orElseThrow();
        assertEquals(etag, TestService.json(read).get("@odata.etag").asText());

        HttpResponse<String> changed = send("PATCH", "/Patients('e-1')", "{\"last_name\":\"Second\"}",
                "If-Match", etag);
        assertEquals(200, changed.statusCode(), changed.body());
        String newer = changed.headers().firstValue("ETag").orElseThrow();
        assertNotEquals(etag, newer);

        HttpResponse<String> stale = send("PATCH", "/Patients('e-1')", "{\"last_name\":\"Third\"}", "If-Match", etag);
        assertEquals(412, stale.statusCode());
        assertEquals("PRECONDITION_FAILED", TestService.json(stale).get("error").get("code").asText());
        assertEquals(412, send("DELETE", "/Patients('e-1')", null, "If-Match", etag).statusCode());
        assertEquals("Second", TestService.json(service.get("/Patients('e-1')")).get("last_name").asText());

        assertEquals(204, send("DELETE", "/Patients('e-1')", null, "If-Match", newer).statusCode());
    }

    @Test
    void staleIfMatchIsRefusedForDocumentsToo() throws Exception {
        service.postJson("/Patients", "{\"id\":\"e-2\"}");
        Multipart form = new Multipart().file("file", "b.pdf", Samples.PDF, Samples.pdf(500));
        String id = TestService.json(service.send(service.request("/Patients(e-2)/Documents")
                .header("Content-Type", form.contentType()).POST(form.publisher()).build())).get("id").asText();
        String etag = service.get("/Documents('" + id + "')").headers().firstValue("ETag").orElseThrow();
        assertEquals(200, send("PATCH", "/Documents('" + id + "')", "{\"document_type\":\"Lab\"}", "If-Match", etag)
                .statusCode());
        assertEquals(412, send("PATCH", "/Documents('" + id + "')", "{\"document_type\":\"Other\"}", "If-Match",
                etag).statusCode());
        assertEquals(412, send("DELETE", "/Patients(e-2)/Documents(" + id + ")", null, "If-Match", etag)
                .statusCode());
        assertEquals("Lab", TestService.json(service.get("/Documents('" + id + "')")).get("document_type").asText());
        assertEquals(204, send("DELETE", "/Documents('" + id + "')", null, "If-Match", "*").statusCode());
    }

    @Test
    void matchingIfNoneMatchOnAReadIsNotModified() throws Exception {
        service.postJson("/Patients", "{\"id\":\"e-3\"}");
        String etag = service.get("/Patients('e-3')").headers().firstValue("ETag").orElseThrow();
        HttpResponse<String> again = send("GET", "/Patients('e-3')", null, "If-None-Match", etag);
        assertEquals(304, again.statusCode());
        assertEquals("", again.body());
        assertEquals(200, send("GET", "/Patients('e-3')", null, "If-None-Match", "W/\"999\"").statusCode());
    }

    @Test
    void ifNoneMatchNamingThePatientRefusesEveryChangeAndChangesNothing() throws Exception {
        service.postJson("/Patients", "{\"id\":\"e-4\",\"last_name\":\"Kept\"}");
        String etag = service.get("/Patients('e-4')").headers().firstValue("ETag").orElseThrow();
        for (String condition : new String[] {"*", etag, "W/\"999\", " + etag}) {
            for (String method : new String[] {"PATCH", "PUT"}) {
                HttpResponse<String> refused = send(method, "/Patients('e-4')", "{\"last_name\":\"Changed\"}",
                        "If-None-Match", condition);
                assertEquals(412, refused.statusCode(), method + " " + condition + ": " + refused.body());
                assertEquals("PRECONDITION_FAILED", TestService.json(refused).get("error").get("code").asText());
            }
            assertEquals(412, send("DELETE", "/Patients('e-4')", null, "If-None-Match", condition).statusCode());
        }
        HttpResponse<String> after = service.get("/Patients('e-4')");
        assertEquals("Kept", TestService.json(after).get("last_name").asText());
        assertEquals(etag, after.headers().firstValue("ETag").orElseThrow());

        HttpResponse<String> otherVersion = send("PATCH", "/Patients('e-4')", "{\"last_name\":\"Changed\"}",
                "If-None-Match", "W/\"999\"");
        assertEquals(200, otherVersion.statusCode(), otherVersion.body());
        assertEquals(204, send("DELETE", "/Patients('e-4')", null, "If-None-Match", etag).statusCode());
    }

    @Test
    void ifNoneMatchNamingTheDocumentRefusesEveryChangeAndChangesNothing() throws Exception {
        service.postJson("/Patients", "{\"id\":\"e-5\"}");
        Multipart form = new Multipart().file("file", "c.pdf", Samples.PDF, Samples.pdf(500))
                .field("document_type", "Kept");
        String id = TestService.json(service.send(service.request("/Patients(e-5)/Documents")
                .header("Content-Type", form.contentType()).POST(form.publisher()).build())).get("id").asText();
        String path = "/Patients(e-5)/Documents(" + id + ")";
        String etag = service.get(path).headers().firstValue("ETag").orElseThrow();
        for (String condition : new String[] {"*", etag}) {
            for (String method : new String[] {"PATCH", "PUT"}) {
                HttpResponse<String> refused = send(method, path, "{\"document_type\":\"Changed\"}",
                        "If-None-Match", condition);
                assertEquals(412, refused.statusCode(), method + " " + condition + ": " + refused.body());
            }
            assertEquals(412, send("DELETE", path, null, "If-None-Match", condition).statusCode());
        }
        HttpResponse<String> after = service.get(path);
        assertEquals("Kept", TestService.json(after).get("document_type").asText());
        assertEquals(etag, after.headers().firstValue("ETag").orElseThrow());
        assertEquals(200, service.getBytes(path + "/$value").statusCode());
        assertEquals(204, send("DELETE", path, null, "If-None-Match", "W/\"999\"").statusCode());
    }

    /** RFC 9110 13.1.1: If-Match is a condition of every method, a read's too. */
    @Test
    void aReadWhoseIfMatchNamesAnotherVersionIs412() throws Exception {
        service.postJson("/Patients", "{\"id\":\"e-read\",\"last_name\":\"First\"}");
        String etag = service.get("/Patients('e-read')").headers().firstValue("ETag").orElseThrow();
        HttpResponse<String> stale = send("GET", "/Patients('e-read')", null, "If-Match", "W/\"999\"");
        assertEquals(412, stale.statusCode(), stale.body());
        assertEquals("PRECONDITION_FAILED", TestService.json(stale).get("error").get("code").asText());
        assertFalse(stale.body().contains("First"), stale.body());
        assertEquals(200, send("GET", "/Patients('e-read')", null, "If-Match", etag).statusCode());
        assertEquals(200, send("GET", "/Patients('e-read')", null, "If-Match", "*").statusCode());

        Multipart form = new Multipart().file("file", "a.pdf", Samples.PDF, Samples.pdf(500));
        HttpResponse<String> uploaded = service.send(service.request("/Patients(e-read)/Documents")
                .header("Content-Type", form.contentType()).POST(form.publisher()).build());
        String content = "/Documents('" + TestService.json(uploaded).get("id").asText() + "')/$value";
        String contentTag = service.get(content).headers().firstValue("ETag").orElseThrow();
        for (String method : List.of("GET", "HEAD")) {
            HttpResponse<String> other = send(method, content, null, "If-Match", "\"0000\"");
            assertEquals(412, other.statusCode(), method + " " + other.body());
            assertFalse(other.headers().firstValue("Content-Disposition").isPresent(), method);
            assertEquals(200, send(method, content, null, "If-Match", contentTag).statusCode(), method);
        }
    }
}
