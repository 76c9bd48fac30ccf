package org.patientdocs.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * HEAD on every GET resource answers the GET's headers without its body (a download without reading the
 * document); OPTIONS names the methods of each resource in {@code Allow}, and so does every 405.
 */
class HttpMethodsIT {

    private static final List<String> SAME_HEADERS = List.of("content-type", "etag", "content-disposition",
            "odata-version", "cache-control", "x-content-type-options");

    private static TestService service;
    private static String document;

    @BeforeAll
    static void start() throws Exception {
        service = TestService.start(Map.of());
        service.postJson("/Patients", "{\"id\":\"m-1\",\"last_name\":\"Smith\"}");
        document = upload();
    }

    @AfterAll
    static void stop() throws Exception {
        service.close();
    }

    private static String upload() throws Exception {
        Multipart form = new Multipart().file("file", "scan é.pdf", Samples.PDF, Samples.pdf(70_000));
        HttpResponse<String> uploaded = service.send(service.request("/Patients(m-1)/Documents")
                .header("Content-Type", form.contentType()).POST(form.publisher()).build());
        assertEquals(201, uploaded.statusCode(), uploaded.body());
        return TestService.json(uploaded).get("id").asText();
    }

    private static HttpResponse<byte[]> send(String method, String path, String... headers) throws Exception {
        HttpRequest.Builder request = service.request(path).method(method, HttpRequest.BodyPublishers.noBody());
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return service.http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void headOnEveryGetResourceAnswersTheGetsHeadersWithoutABody() throws Exception {
        String doc = "/Patients(m-1)/Documents(" + document + ")";
        List<String> failures = new ArrayList<>();
        for (String path : List.of("/", "/$metadata", "/$metadata?$format=json", "/Patients", "/Patients(m-1)",
                "/Patients(m-1)/Documents?$top=1", doc, doc + "/$value", "/Documents('" + document + "')/$value",
                "/Documents('" + document + "')/Patient", "/Documents/$count", "/Patients(m-1)/last_name",
                "/Patients(m-1)/last_name/$value", "/Patients?$expand=Documents", "/Patients(nobody)",
                "/vocabularies/Org.OData.Core.V1.xml")) {
            HttpResponse<byte[]> get = send("GET", path);
            HttpResponse<byte[]> head = send("HEAD", path);
            if (head.statusCode() != get.statusCode() || head.body().length != 0) {
                failures.add(path + ": HEAD " + head.statusCode() + " with " + head.body().length + " bytes, GET "
                        + get.statusCode());
            }
            for (String name : SAME_HEADERS) {
                if (!head.headers().allValues(name).equals(get.headers().allValues(name))) {
                    failures.add(path + ": " + name + " " + head.headers().allValues(name) + " on HEAD, "
                            + get.headers().allValues(name) + " on GET");
                }
            }
            String length = head.headers().firstValue("Content-Length").orElse(null);
            if (length != null && Long.parseLong(length) != get.body().length) {
                failures.add(path + ": HEAD says Content-Length " + length + ", GET sent " + get.body().length);
            }
            if (length == null && get.headers().firstValue("Content-Length").isPresent()) {
                failures.add(path + ": HEAD without the GET's Content-Length");
            }
        }
        assertEquals("", String.join("\n", failures));
    }

    @Test
    void headOnADownloadAnswersFromTheRowWithoutReadingTheContent() throws Exception {
        String id = upload();
        service.loseContent(id);
        HttpResponse<byte[]> head = send("HEAD", "/Documents('" + id + "')/$value");
        assertEquals(200, head.statusCode());
        assertEquals("70000", head.headers().firstValue("Content-Length").orElseThrow());
        assertEquals(Samples.PDF, head.headers().firstValue("Content-Type").orElseThrow());
        assertTrue(head.headers().firstValue("ETag").orElseThrow().matches("\"[0-9a-f]{64}\""));
        // the bytes are gone, which only a read would notice
        assertEquals(500, send("GET", "/Documents('" + id + "')/$value").statusCode());
    }

    @Test
    void headHonoursConditionsLikeGet() throws Exception {
        String path = "/Documents('" + document + "')";
        String etag = send("GET", path).headers().firstValue("ETag").orElseThrow();
        assertEquals(304, send("HEAD", path, "If-None-Match", etag).statusCode());
        String contentTag = send("GET", path + "/$value").headers().firstValue("ETag").orElseThrow();
        assertEquals(304, send("HEAD", path + "/$value", "If-None-Match", contentTag).statusCode());
        assertEquals(401, service.http.send(HttpRequest.newBuilder(service.uri(path))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofByteArray()).statusCode());
    }

    @Test
    void optionsNamesTheMethodsOfEachResource() throws Exception {
        String read = "GET, HEAD, OPTIONS";
        Map<String, String> allowed = new LinkedHashMap<>();
        allowed.put("/", read);
        allowed.put("/$metadata", read);
        allowed.put("/$batch", "POST, OPTIONS");
        allowed.put("/Patients", "GET, HEAD, POST, OPTIONS");
        allowed.put("/Patients(m-1)", "GET, HEAD, PATCH, PUT, DELETE, OPTIONS");
        allowed.put("/Patients(m-1)/Documents", "GET, HEAD, POST, OPTIONS");
        allowed.put("/Patients(m-1)/Documents(" + document + ")", "GET, HEAD, PATCH, PUT, DELETE, OPTIONS");
        allowed.put("/Patients(m-1)/Documents(" + document + ")/$value", read);
        allowed.put("/Documents", read);
        allowed.put("/Documents('" + document + "')", "GET, HEAD, PATCH, PUT, DELETE, OPTIONS");
        allowed.put("/Documents('" + document + "')/Patient", read);
        // a reference is read only: changing one is refused by the model's rule
        allowed.put("/Patients(m-1)/Documents/$ref", read);
        allowed.put("/Documents('" + document + "')/Patient/$ref", read);
        allowed.put("/Documents/$count", read);
        allowed.put("/Patients(m-1)/last_name", read);
        allowed.put("/Patients(m-1)/last_name/$value", read);
        allowed.put("/vocabularies/Org.OData.Core.V1.xml", read);
        for (Map.Entry<String, String> resource : allowed.entrySet()) {
            HttpResponse<byte[]> options = send("OPTIONS", resource.getKey());
            assertEquals(200, options.statusCode(), resource.getKey());
            assertEquals(resource.getValue(), options.headers().firstValue("Allow").orElse(null), resource.getKey());
            assertEquals("4.0", options.headers().firstValue("OData-Version").orElse(null), resource.getKey());
            assertEquals(0, options.body().length, resource.getKey());
        }
        assertEquals(404, send("OPTIONS", "/Nothing").statusCode());
    }

    @Test
    void everyRefusedMethodNamesTheAllowedOnes() throws Exception {
        String doc = "/Documents('" + document + "')";
        Map<String, String> refusals = new LinkedHashMap<>();
        refusals.put("PUT " + doc + "/$value", "GET, HEAD, OPTIONS");
        refusals.put("DELETE " + doc + "/$value", "GET, HEAD, OPTIONS");
        refusals.put("POST /Documents", "GET, HEAD, OPTIONS");
        refusals.put("DELETE /$metadata", "GET, HEAD, OPTIONS");
        refusals.put("PATCH /Patients", "GET, HEAD, POST, OPTIONS");
        refusals.put("TRACE /Patients(m-1)", "GET, HEAD, PATCH, PUT, DELETE, OPTIONS");
        refusals.put("DELETE /Patients(m-1)/last_name", "GET, HEAD, OPTIONS");
        refusals.put("GET /$batch", "POST, OPTIONS");
        refusals.put("POST /vocabularies/Org.OData.Core.V1.xml", "GET, HEAD, OPTIONS");
        refusals.put("TRACE /vocabularies/Org.OData.Core.V1.xml", "GET, HEAD, OPTIONS");
        for (Map.Entry<String, String> refusal : refusals.entrySet()) {
            String[] request = refusal.getKey().split(" ");
            HttpResponse<byte[]> response = service.http.send(service.request(request[1])
                    .header("Content-Type", Samples.PDF)
                    .method(request[0], HttpRequest.BodyPublishers.ofByteArray(Samples.pdf(400))).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(405, response.statusCode(), refusal.getKey());
            assertEquals(refusal.getValue(), response.headers().firstValue("Allow").orElse(null), refusal.getKey());
            String body = new String(response.body(), StandardCharsets.UTF_8);
            assertTrue(body.contains("METHOD_NOT_ALLOWED"), refusal.getKey() + ": " + body);
            assertFalse(body.contains("x-api-key") || body.contains("Bearer"), refusal.getKey() + ": " + body);
        }
    }
}
