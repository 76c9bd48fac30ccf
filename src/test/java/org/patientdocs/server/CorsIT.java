package org.patientdocs.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Browser clients of the origins in {@code http.cors.allowed-origins}: their preflights are answered without
 * credentials, their requests carry the credentials in headers the preflight allows, and their scripts may read the
 * service's answers and its headers. Another origin gets no CORS headers; without the setting no origin gets any.
 */
class CorsIT {

    private static final String APP = "https://app.example.org";

    private static TestService service;

    @BeforeAll
    static void start() throws Exception {
        service = TestService.start(Map.of("http.cors.allowed-origins", APP + ", http://localhost:3000"));
        assertEquals(201, service.postJson("/Patients", "{\"id\":\"c-1\"}").statusCode());
    }

    @AfterAll
    static void stop() throws Exception {
        service.close();
    }

    private static HttpResponse<String> preflight(TestService target, String origin, String method, String headers)
            throws Exception {
        return target.send(HttpRequest.newBuilder(target.uri("/Patients('c-1')")).header("Origin", origin)
                .header("Access-Control-Request-Method", method).header("Access-Control-Request-Headers", headers)
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).build());
    }

    private static Set<String> list(HttpHeaders headers, String name) {
        return headers.allValues(name).stream().flatMap(value -> Arrays.stream(value.split(",")))
                .map(value -> value.trim().toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
    }

    private static void assertNoCors(HttpResponse<String> response) {
        response.headers().map().keySet().forEach(name -> assertFalse(
                name.toLowerCase(Locale.ROOT).startsWith("access-control-"), name + " in " + response.headers()));
    }

    @Test
    void aPreflightFromAnAllowedOriginIsAnsweredWithoutCredentials() throws Exception {
        String requested = "authorization,x-api-key,content-type,if-match,if-none-match,prefer,odata-version,"
                + "odata-maxversion,accept,slug";
        for (String method : List.of("PATCH", "PUT", "DELETE", "POST")) {
            HttpResponse<String> preflight = preflight(service, APP, method, requested);
            assertEquals(200, preflight.statusCode(), preflight.body());
            assertEquals(APP, preflight.headers().firstValue("Access-Control-Allow-Origin").orElseThrow());
            assertTrue(list(preflight.headers(), "Access-Control-Allow-Methods").contains(method.toLowerCase(
                    Locale.ROOT)), preflight.headers().toString());
            assertTrue(list(preflight.headers(), "Access-Control-Allow-Headers").containsAll(
                    Arrays.asList(requested.split(","))), preflight.headers().toString());
            assertFalse(preflight.headers().firstValue("Access-Control-Allow-Credentials").isPresent());
        }
        assertEquals("http://localhost:3000", preflight(service, "http://localhost:3000", "PATCH", "authorization")
                .headers().firstValue("Access-Control-Allow-Origin").orElseThrow());
    }

    @Test
    void tusJsClientInABrowserMaySendAndReadTheResumableUploadHeaders() throws Exception {
        String requested = "authorization,x-api-key,tus-resumable,upload-length,upload-metadata,upload-offset,"
                + "upload-checksum,content-type,x-http-method-override";
        HttpResponse<String> preflight = preflight(service, APP, "PATCH", requested);
        assertEquals(200, preflight.statusCode(), preflight.body());
        assertTrue(list(preflight.headers(), "Access-Control-Allow-Headers").containsAll(
                Arrays.asList(requested.split(","))), preflight.headers().toString());
        HttpResponse<String> created = service.send(service.request("/uploads").header("Origin", APP)
                .header("Tus-Resumable", "1.0.0").header("Upload-Length", "100")
                .header("Upload-Metadata", "patient_id " + Base64.getEncoder().encodeToString(
                        "c-tus".getBytes(StandardCharsets.UTF_8)))
                .POST(HttpRequest.BodyPublishers.noBody()).build());
        assertEquals(404, created.statusCode(), "no such patient: " + created.body());
        assertTrue(list(created.headers(), "Access-Control-Expose-Headers").containsAll(List.of("location",
                "tus-resumable", "tus-version", "tus-extension", "tus-max-size", "tus-checksum-algorithm",
                "upload-offset", "upload-length", "upload-expires")), created.headers().toString());
    }

    @Test
    void scriptsOfAnAllowedOriginReadAnswersAndTheirHeaders() throws Exception {
        HttpResponse<String> created = service.send(service.request("/Patients").header("Origin", APP)
                .header("Content-Type", "application/json").header("Prefer", "return=minimal")
                .POST(HttpRequest.BodyPublishers.ofString("{\"id\":\"c-2\"}")).build());
        assertEquals(204, created.statusCode(), created.body());
        assertEquals(APP, created.headers().firstValue("Access-Control-Allow-Origin").orElseThrow());
        assertTrue(list(created.headers(), "Access-Control-Expose-Headers").containsAll(List.of("location", "etag",
                "odata-entityid", "preference-applied", "odata-version", "content-disposition", "x-request-id",
                "www-authenticate")), created.headers().toString());
        assertTrue(list(created.headers(), "Vary").contains("origin"), created.headers().toString());

        HttpResponse<String> refused = service.send(HttpRequest.newBuilder(service.uri("/Patients"))
                .header("Origin", APP).GET().build());
        assertEquals(401, refused.statusCode());
        assertEquals(APP, refused.headers().firstValue("Access-Control-Allow-Origin").orElseThrow());
    }

    @Test
    void anotherOriginGetsNoCorsHeaders() throws Exception {
        HttpResponse<String> preflight = preflight(service, "https://evil.example.com", "DELETE", "authorization");
        assertNoCors(preflight);
        assertNoCors(preflight(service, "https://app.example.org.evil.com", "DELETE", "authorization"));
        HttpResponse<String> read = service.send(service.request("/Patients('c-1')")
                .header("Origin", "https://evil.example.com").GET().build());
        assertEquals(200, read.statusCode());
        assertNoCors(read);
    }

    @Test
    void withoutTheSettingThereIsNoCorsAndOptionsNeedsCredentials() throws Exception {
        try (TestService plain = TestService.start(Map.of())) {
            plain.postJson("/Patients", "{\"id\":\"c-1\"}");
            HttpResponse<String> preflight = preflight(plain, APP, "PATCH", "authorization");
            assertEquals(401, preflight.statusCode());
            assertNoCors(preflight);
            HttpResponse<String> read = plain.send(plain.request("/Patients('c-1')").header("Origin", APP).GET()
                    .build());
            assertEquals(200, read.statusCode());
            assertNoCors(read);
            assertFalse(list(read.headers(), "Vary").contains("origin"));
        }
    }

    @Test
    void aStarAllowsEveryOrigin() throws Exception {
        try (TestService open = TestService.start(Map.of("http.cors.allowed-origins", "*"))) {
            open.postJson("/Patients", "{\"id\":\"c-1\"}");
            HttpResponse<String> preflight = preflight(open, "https://anywhere.example", "PATCH", "x-api-key");
            assertEquals(200, preflight.statusCode());
            assertEquals("https://anywhere.example", preflight.headers().firstValue("Access-Control-Allow-Origin")
                    .orElseThrow());
        }
    }
}
