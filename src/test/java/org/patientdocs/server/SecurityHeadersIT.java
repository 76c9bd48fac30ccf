package org.patientdocs.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every kind of answer, success or error, from Olingo, the service's own code or Jetty, carries
 * {@code Cache-Control: no-store} and {@code X-Content-Type-Options: nosniff} exactly once: the documents are
 * health information, and a header given twice is one a client or cache may read either way.
 */
class SecurityHeadersIT {

    private static final Map<String, String> EXPECTED = Map.of("cache-control", "no-store",
            "x-content-type-options", "nosniff");

    private static TestService service;
    private static String document;

    @BeforeAll
    static void start() throws Exception {
        service = TestService.start(Map.of());
        service.postJson("/Patients", "{\"id\":\"h-1\",\"last_name\":\"Smith\"}");
        Multipart form = new Multipart().file("file", "a.pdf", Samples.PDF, Samples.pdf(500));
        HttpResponse<String> uploaded = service.send(service.request("/Patients(h-1)/Documents")
                .header("Content-Type", form.contentType()).POST(form.publisher()).build());
        assertEquals(201, uploaded.statusCode(), uploaded.body());
        document = TestService.json(uploaded).get("id").asText();
    }

    @AfterAll
    static void stop() throws Exception {
        service.close();
    }

    private static HttpRequest.Builder json(String path, String method, String body) {
        return service.request(path).header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body));
    }

    /** One request for each kind of answer, named by it; built after the service started, sent in this order. */
    static Stream<Named<HttpRequest>> answers() throws Exception {
        String doc = "/Patients(h-1)/Documents(" + document + ")";
        String entityTag = service.get(doc).headers().firstValue("ETag").orElseThrow();
        String contentTag = service.getBytes(doc + "/$value").headers().firstValue("ETag").orElseThrow();
        Multipart form = new Multipart().file("file", "b.pdf", Samples.PDF, Samples.pdf(400));
        String batch = "--b\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n\r\n"
                + "GET Patients('h-1') HTTP/1.1\r\n\r\n\r\n--b--\r\n";
        Map<String, HttpRequest> answers = new LinkedHashMap<>();
        answers.put("service document", service.request("/").GET().build());
        answers.put("metadata", service.request("/$metadata").GET().build());
        answers.put("collection", service.request("/Patients(h-1)/Documents").GET().build());
        answers.put("entity", service.request(doc).GET().build());
        answers.put("entity not modified", service.request(doc).header("If-None-Match", entityTag).GET().build());
        answers.put("property", service.request("/Patients(h-1)/last_name").GET().build());
        answers.put("property value", service.request("/Patients(h-1)/last_name/$value").GET().build());
        answers.put("count", service.request("/Documents/$count").GET().build());
        answers.put("download", service.request(doc + "/$value").GET().build());
        answers.put("download not modified", service.request(doc + "/$value").header("If-None-Match", contentTag)
                .GET().build());
        answers.put("head", service.request(doc).method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
        answers.put("head of download", service.request(doc + "/$value")
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
        answers.put("options", service.request(doc).method("OPTIONS", HttpRequest.BodyPublishers.noBody()).build());
        answers.put("upload", service.request("/Patients(h-1)/Documents").header("Content-Type", form.contentType())
                .POST(form.publisher()).build());
        answers.put("create", json("/Patients", "POST", "{\"id\":\"h-2\"}").build());
        answers.put("update", json("/Patients(h-2)", "PATCH", "{\"last_name\":\"x\"}").build());
        answers.put("delete", service.request("/Patients(h-2)").DELETE().build());
        answers.put("multipart batch", service.request("/$batch").header("Content-Type", "multipart/mixed;boundary=b")
                .POST(HttpRequest.BodyPublishers.ofString(batch)).build());
        answers.put("json batch", json("/$batch", "POST", "{\"requests\":[{\"id\":\"1\",\"method\":\"get\","
                + "\"url\":\"Patients('h-1')\"}]}").build());
        answers.put("vocabulary", HttpRequest.newBuilder(service.uri("/vocabularies/Org.OData.Core.V1.xml")).build());
        answers.put("unauthorized", HttpRequest.newBuilder(service.uri("/Patients")).build());
        answers.put("not found", service.request("/Patients(nobody)").GET().build());
        answers.put("bad query", service.request("/Patients?$filter=id eq").GET().build());
        answers.put("method not allowed", service.request(doc + "/$value").header("Content-Type", Samples.PDF)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(Samples.pdf(400))).build());
        answers.put("not acceptable", service.request(doc).header("Accept", "image/png").GET().build());
        answers.put("unsupported media type", json("/Patients", "POST", "x").header("Content-Type", "text/plain")
                .build());
        answers.put("precondition failed", service.request(doc).header("If-Match", "W/\"999\"").DELETE().build());
        answers.put("method override refused", service.request("/Patients").header("X-HTTP-Method", "DELETE")
                .GET().build());
        return answers.entrySet().stream().map(answer -> Named.of(answer.getKey(), answer.getValue()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("answers")
    void everyAnswerCarriesEachSecurityHeaderExactlyOnce(HttpRequest request) throws Exception {
        HttpResponse<String> response = service.send(request);
        List<String> failures = new ArrayList<>();
        check(failures, "the answer (" + response.statusCode() + ")", response.headers().map());
        assertEquals("", String.join("\n", failures));
    }

    /** Requests Jetty answers itself, before the service sees them, written on a socket as they are. */
    static Stream<Named<String>> requestsJettyRefuses() {
        return Stream.of(
                Named.of("rejected by Jetty", "GET /Patients('%00') HTTP/1.1\r\nHost: x\r\n\r\n"),
                Named.of("headers too large", "GET /Patients HTTP/1.1\r\nHost: x\r\nX-Big: " + "x".repeat(20_000)
                        + "\r\n\r\n"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("requestsJettyRefuses")
    void jettysOwnAnswersCarryEachSecurityHeaderExactlyOnce(String request) throws Exception {
        List<String> failures = new ArrayList<>();
        check(failures, "Jetty's answer", rawHeaders(request));
        assertEquals("", String.join("\n", failures));
    }

    private static void check(List<String> failures, String answer, Map<String, List<String>> headers) {
        Map<String, List<String>> lower = new LinkedHashMap<>();
        headers.forEach((name, values) -> lower.computeIfAbsent(name.toLowerCase(Locale.ROOT), n -> new ArrayList<>())
                .addAll(values));
        EXPECTED.forEach((name, value) -> {
            List<String> values = lower.getOrDefault(name, List.of());
            if (!values.equals(List.of(value))) {
                failures.add(answer + ": " + name + " " + values);
            }
        });
    }

    /** The headers of the answer to a request written on a socket as is. */
    private static Map<String, List<String>> rawHeaders(String request) throws Exception {
        try (Socket socket = new Socket(service.base.getHost(), service.base.getPort())) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
            BufferedReader answer = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.ISO_8859_1));
            Map<String, List<String>> headers = new LinkedHashMap<>();
            answer.readLine();
            for (String line = answer.readLine(); line != null && !line.isEmpty(); line = answer.readLine()) {
                int colon = line.indexOf(':');
                headers.computeIfAbsent(line.substring(0, colon), n -> new ArrayList<>())
                        .add(line.substring(colon + 1).trim());
            }
            return headers;
        }
    }
}
