package org.patientdocs.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
 * The service cannot answer a request, a batch or a result's pages from one snapshot, so {@code Isolation: snapshot}
 * (and OData 4.0's {@code OData-Isolation}) is refused with 412 as OData requires, on every kind of request and
 * inside batches, and the request is not processed.
 */
class IsolationIT {

    private static final List<String> HEADERS = List.of("Isolation", "OData-Isolation");

    private static TestService service;

    @BeforeAll
    static void start() throws Exception {
        service = TestService.start(Map.of());
        assertEquals(201, service.postJson("/Patients", "{\"id\":\"i-1\",\"last_name\":\"Before\"}").statusCode());
    }

    @AfterAll
    static void stop() throws Exception {
        service.close();
    }

    private static void assertRefused(HttpResponse<String> response, String what) {
        assertEquals(412, response.statusCode(), what + ": " + response.body());
        JsonNode error = TestService.json(response).get("error");
        assertEquals("PRECONDITION_FAILED", error.get("code").asText());
        assertTrue(error.get("message").asText().contains("Isolation"), response.body());
    }

    @Test
    void snapshotIsolationIsRefusedOnEveryRequestAndNothingHappens() throws Exception {
        for (String header : HEADERS) {
            for (String path : List.of("/", "/$metadata", "/Patients", "/Patients(i-1)", "/Patients/$count",
                    "/Patients(i-1)/last_name", "/Documents?$expand=Patient")) {
                assertRefused(service.send(service.request(path).header(header, "snapshot").GET().build()),
                        header + " GET " + path);
            }
            assertRefused(service.send(service.request("/Patients").header(header, "snapshot")
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"id\":\"i-new\"}")).build()), header + " POST");
            assertRefused(service.send(service.request("/Patients(i-1)").header(header, "snapshot")
                    .header("Content-Type", "application/json")
                    .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"last_name\":\"After\"}")).build()),
                    header + " PATCH");
            assertRefused(service.send(service.request("/Patients(i-1)").header(header, "snapshot").DELETE().build()),
                    header + " DELETE");
            assertRefused(service.send(service.request("/$batch").header(header, "snapshot")
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                            "{\"requests\":[{\"id\":\"1\",\"method\":\"post\",\"url\":\"Patients\","
                                    + "\"body\":{\"id\":\"i-new\"}}]}")).build()), header + " JSON batch");
            assertRefused(service.send(service.request("/$batch").header(header, "snapshot")
                    .header("Content-Type", "multipart/mixed;boundary=b").POST(HttpRequest.BodyPublishers.ofString(
                            "--b\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n\r\n"
                                    + "GET Patients HTTP/1.1\r\n\r\n\r\n--b--\r\n")).build()), header + " batch");
        }
        assertEquals("Before", TestService.json(service.get("/Patients(i-1)")).get("last_name").asText());
        assertEquals(404, service.get("/Patients(i-new)").statusCode());
    }

    @Test
    void snapshotIsolationOnAnOperationInsideABatchRefusesThatOperation() throws Exception {
        for (String header : HEADERS) {
            HttpResponse<String> json = service.send(service.request("/$batch").header("Content-Type",
                    "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"requests\":["
                    + "{\"id\":\"1\",\"method\":\"patch\",\"url\":\"Patients('i-1')\",\"headers\":{\"" + header
                    + "\":\"snapshot\"},\"body\":{\"last_name\":\"After\"}},"
                    + "{\"id\":\"2\",\"method\":\"get\",\"url\":\"Patients('i-1')\"}]}")).build());
            assertEquals(200, json.statusCode(), json.body());
            JsonNode responses = TestService.json(json).get("responses");
            assertEquals(412, responses.get(0).get("status").asInt(), json.body());
            assertEquals(200, responses.get(1).get("status").asInt(), json.body());
            assertEquals("Before", responses.get(1).get("body").get("last_name").asText());

            HttpResponse<String> multipart = service.send(service.request("/$batch")
                    .header("Content-Type", "multipart/mixed;boundary=b").POST(HttpRequest.BodyPublishers.ofString(
                            "--b\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n\r\n"
                                    + "GET Patients('i-1') HTTP/1.1\r\n" + header + ": snapshot\r\n\r\n\r\n--b--\r\n"))
                    .build());
            assertEquals(200, multipart.statusCode(), multipart.body());
            assertTrue(multipart.body().contains("HTTP/1.1 412"), multipart.body());
        }
    }
}
