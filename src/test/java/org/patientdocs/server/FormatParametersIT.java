package org.patientdocs.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
 * The JSON format parameters of OData 4.01 in {@code Accept} and {@code $format}: {@code metadata} without its
 * {@code odata.} prefix is honoured like the prefixed one; {@code streaming} and {@code ExponentialDecimals}, which
 * only allow a representation, are accepted and answered in the plain one; an unknown parameter is still 406.
 */
class FormatParametersIT {

    private static TestService service;

    @BeforeAll
    static void start() throws Exception {
        service = TestService.start(Map.of());
        service.postJson("/Patients", "{\"id\":\"f-1\",\"last_name\":\"Smith\"}");
        Multipart form = new Multipart().file("file", "a.pdf", Samples.PDF, Samples.pdf(421));
        assertEquals(201, service.send(service.request("/Patients(f-1)/Documents")
                .header("Content-Type", form.contentType()).POST(form.publisher()).build()).statusCode());
    }

    @AfterAll
    static void stop() throws Exception {
        service.close();
    }

    private static HttpResponse<String> get(String path, String accept) throws Exception {
        return service.send(service.request(path).header("Accept", accept).GET().build());
    }

    private static JsonNode document(HttpResponse<String> response, String what) {
        assertEquals(200, response.statusCode(), what + ": " + response.body());
        assertTrue(response.headers().firstValue("Content-Type").orElseThrow().startsWith("application/json"), what);
        return TestService.json(response).get("value").get(0);
    }

    @Test
    void streamingAndExponentialDecimalsAreAcceptedAndAnsweredPlainly() throws Exception {
        for (String accept : List.of("application/json;odata.streaming=true", "application/json;streaming=true",
                "application/json;odata.streaming=false", "application/json;ExponentialDecimals=true",
                "application/json;exponentialdecimals=FALSE",
                "application/json;odata.metadata=minimal;odata.streaming=true;ExponentialDecimals=true",
                "application/json;metadata=minimal;streaming=true, application/xml;q=0.5")) {
            HttpResponse<String> response = get("/Documents", accept);
            JsonNode document = document(response, accept);
            assertEquals(421, document.get("file_size_bytes").asLong(), accept);
            assertTrue(document.get("file_size_bytes").isNumber(), accept);
            String contentType = response.headers().firstValue("Content-Type").orElseThrow();
            assertFalse(contentType.contains("streaming") || contentType.contains("xponential"), contentType);
        }
    }

    @Test
    void unprefixedMetadataIsHonouredLikeThePrefixedOne() throws Exception {
        JsonNode full = document(get("/Documents", "application/json;metadata=full"), "full");
        assertTrue(full.has("@odata.id") && full.has("@odata.type"), full.toString());
        JsonNode none = TestService.json(get("/Documents", "application/json;metadata=none"));
        assertFalse(none.has("@odata.context"), none.toString());
        assertFalse(none.get("value").get(0).has("@odata.etag"), none.toString());
        JsonNode minimal = TestService.json(get("/Patients('f-1')", "application/json;METADATA=minimal"));
        assertTrue(minimal.has("@odata.context") && !minimal.has("@odata.id"), minimal.toString());
        JsonNode strings = document(get("/Documents", "application/json;metadata=minimal;IEEE754Compatible=true"),
                "IEEE754Compatible");
        assertEquals("421", strings.get("file_size_bytes").textValue());
    }

    @Test
    void theSameParametersWorkInFormatAndOnCreates() throws Exception {
        JsonNode full = document(service.get("/Documents?$format=application/json;metadata=full;streaming=true"),
                "$format");
        assertTrue(full.has("@odata.id"), full.toString());
        HttpResponse<String> created = service.send(service.request("/Patients")
                .header("Accept", "application/json;metadata=none;streaming=true")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"id\":\"f-2\"}")).build());
        assertEquals(201, created.statusCode(), created.body());
        assertFalse(TestService.json(created).has("@odata.context"), created.body());
        HttpResponse<String> batch = service.send(service.request("/$batch").header("Content-Type",
                "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"requests\":[{\"id\":\"1\","
                + "\"method\":\"get\",\"url\":\"Patients('f-1')\",\"headers\":{\"accept\":"
                + "\"application/json;metadata=full;streaming=true\"}}]}")).build());
        JsonNode answer = TestService.json(batch).get("responses").get(0);
        assertEquals(200, answer.get("status").asInt(), batch.body());
        assertTrue(answer.get("body").has("@odata.id"), batch.body());
    }

    @Test
    void anUnknownFormatParameterIsStillNotAcceptable() throws Exception {
        for (String accept : List.of("application/json;bogus=1", "application/json;odata.streaming=maybe",
                "application/json;metadata=some")) {
            assertEquals(406, get("/Documents", accept).statusCode(), accept);
        }
    }
}
