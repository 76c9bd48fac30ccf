package org.patientdocs.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.patientdocs.url.PercentCoding;

/**
 * Odd bodies, keys and headers, sent with every method to patients and documents: each answer is a success or a
 * clear OData error, never a server failure, and never shows a stack trace or SQL.
 */
class OddRequestsIT {

    private static final List<String> METHODS = List.of("GET", "DELETE", "PATCH", "PUT", "POST");

    private static TestService service;
    private static String document;

    @BeforeAll
    static void start() throws Exception {
        service = TestService.start(Map.of());
        service.postJson("/Patients", "{\"id\":\"odd-1\",\"last_name\":\"X\"}");
        Multipart form = new Multipart().file("file", "a.pdf", Samples.PDF, Samples.pdf(500));
        HttpResponse<String> uploaded = service.send(service.request("/Patients(odd-1)/Documents")
                .header("Content-Type", form.contentType()).POST(form.publisher()).build());
        assertEquals(201, uploaded.statusCode(), uploaded.body());
        document = TestService.json(uploaded).get("id").asText();
    }

    @AfterAll
    static void stop() throws Exception {
        service.close();
    }

    /** Each odd body named by what is odd about it. */
    static Stream<Named<String>> oddBodies() {
        return Stream.of(
                Named.of("an empty object", "{}"),
                Named.of("an array", "[]"),
                Named.of("null", "null"),
                Named.of("a number", "1"),
                Named.of("a string", "\"x\""),
                Named.of("a null key", "{\"id\":null}"),
                Named.of("a number for the key", "{\"id\":1}"),
                Named.of("a number for a string", "{\"id\":\"a\",\"last_name\":1}"),
                Named.of("a thirteenth month", "{\"id\":\"a\",\"birth_date\":\"2026-13-01\"}"),
                Named.of("a date that is no date", "{\"id\":\"a\",\"birth_date\":\"x\"}"),
                Named.of("an unknown property", "{\"id\":\"a\",\"unknown\":1}"),
                Named.of("a key of 300 characters", "{\"id\":\"" + "a".repeat(300) + "\"}"),
                Named.of("a name of 5000 characters",
                        "{\"id\":\"a\",\"last_name\":\"" + "b".repeat(5000) + "\"}"),
                Named.of("a NUL in the key", "{\"id\":\"a\\u0000\"}"),
                Named.of("an empty deep insert", "{\"id\":\"a\",\"Documents\":[]}"),
                Named.of("another entity type", "{\"id\":\"a\",\"@odata.type\":\"#PatientDocs.Document\"}"),
                Named.of("an unclosed object", "{"),
                Named.of("a trailing comma", "{\"id\":\"a\",}"),
                Named.of("an object for a string", "{\"id\":\"a\",\"last_name\":{\"x\":1}}"),
                Named.of("an array for a string", "{\"id\":\"a\",\"last_name\":[1]}"),
                Named.of("an empty key", "{\"id\":\"\",\"last_name\":\"x\"}"),
                Named.of("a slash in the key", "{\"id\":\"a/b\"}"),
                Named.of("a quote in the key", "{\"id\":\"a'b\"}"),
                Named.of("an encoded slash in the key", "{\"id\":\"%2F\"}"),
                Named.of("a program's name and a number for a type", "{\"file_name\":\"x.exe\",\"document_type\":1}"),
                Named.of("a content type of HTML", "{\"content_type\":\"text/html\"}"),
                Named.of("a negative size", "{\"file_size_bytes\":-1}"),
                Named.of("a time that is no time", "{\"uploaded_at\":\"yesterday\"}"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("oddBodies")
    void oddBodiesAreRefusedClearly(String body) throws Exception {
        List<String> failures = new ArrayList<>();
        check(failures, "POST", "/Patients", body, Map.of("Content-Type", "application/json"));
        for (String method : List.of("PATCH", "PUT")) {
            check(failures, method, "/Patients(odd-2)", body, Map.of("Content-Type", "application/json"));
            check(failures, method, "/Patients(odd-1)/Documents(" + document + ")", body,
                    Map.of("Content-Type", "application/json"));
        }
        assertEquals("", String.join("\n", failures));
    }

    @Test
    void aByteOrderMarkReadAsLatin1IsRefusedClearly() throws Exception {
        List<String> failures = new ArrayList<>();
        check(failures, "POST", "/Patients", "\u00ff\u00fe", Map.of("Content-Type", "application/json"));
        assertEquals("", String.join("\n", failures));
    }

    @Test
    void oddKeysAndPathsAreRefusedClearly() throws Exception {
        List<String> keys = List.of("()", "('')", "(')", "(''')", "(1,2)", "(id='odd-1')", "(id=odd-1)",
                "('odd-1')/Documents('x')", "('odd-1')/$count", "('odd-1')/$value", "('odd-1')/Documents/$value",
                "('odd-1')/last_name", "('odd-1')/last_name/$value", "('odd-1')/nope",
                "('odd-1')/Documents(" + document + ")/Patient", "('odd-1')/Documents(" + document + ")/file_name/$value",
                "('odd-1')/Documents(" + document + ")/$value/x", "('odd-1')/Documents/$ref", "('odd-1')/$ref",
                "('" + "x".repeat(5000) + "')", "('%00')", "('é')");
        List<String> failures = new ArrayList<>();
        for (String key : keys) {
            for (String method : METHODS) {
                check(failures, method, "/Patients" + PercentCoding.encode(key).replace("%25", "%"), "{}",
                        Map.of("Content-Type", "application/json"));
            }
        }
        assertEquals("", String.join("\n", failures));
    }

    /**
     * A key that no row can hold, which PostgreSQL refuses to even compare (a NUL character: its text holds none), is
     * refused clearly by every request that reads the entity, never a server failure.
     */
    @Test
    void aKeyNoRowCanHoldIsRefusedClearly() throws Exception {
        List<String> failures = new ArrayList<>();
        for (String path : List.of("/Patients(@k)", "/Patients(@k)/first_name", "/Patients(@k)/first_name/$value",
                "/Patients(@k)/Documents", "/Patients(@k)/Documents/$count", "/Documents(@k)", "/Documents(@k)/$value",
                "/Documents(@k)/Patient", "/Patients(odd-1)/Documents(@k)")) {
            for (String method : METHODS) {
                check(failures, method, path + "?@k='a%00b'", "{}", Map.of("Content-Type", "application/json"));
            }
        }
        assertEquals("", String.join("\n", failures));
    }

    @Test
    void oddHeadersAreRefusedClearly() throws Exception {
        List<Map<String, String>> headers = List.of(Map.of("Prefer", "odata.maxpagesize=0"),
                Map.of("Prefer", "odata.maxpagesize=-1"), Map.of("Prefer", "odata.maxpagesize=abc"),
                Map.of("Prefer", "odata.maxpagesize=99999999999999"), Map.of("Prefer", "return=minimal"),
                Map.of("Prefer", "respond-async"), Map.of("If-Match", "garbage"), Map.of("If-None-Match", "*"),
                Map.of("If-None-Match", "W/\"x"), Map.of("Accept", "text/html"),
                Map.of("Accept", "application/json;odata.metadata=bogus"),
                Map.of("Accept", "application/json;charset=latin1"), Map.of("Accept-Charset", "latin1"),
                Map.of("OData-MaxVersion", "3.0"), Map.of("OData-Version", "5.0"), Map.of("Content-Type", "text/plain"),
                Map.of("Accept", ""), Map.of("Range", "bytes=5-1"), Map.of("Range", "bytes=999999-"),
                Map.of("Range", "lines=1-2"));
        List<String> failures = new ArrayList<>();
        for (Map<String, String> header : headers) {
            check(failures, "GET", "/Patients", null, header);
            check(failures, "GET", "/Patients(odd-1)", null, header);
            check(failures, "GET", "/Patients(odd-1)/Documents(" + document + ")/$value", null, header);
            Map<String, String> json = new HashMap<>(Map.of("Content-Type", "application/json"));
            json.putAll(header);
            check(failures, "PATCH", "/Patients(odd-1)", "{\"last_name\":\"Y\"}", json);
        }
        assertEquals("", String.join("\n", failures));
    }

    /**
     * The Range headers of {@link #oddHeadersAreRefusedClearly}, which the service once ignored everywhere: on a
     * download, one it cannot read ({@code lines=}, a last byte before the first) is still ignored, as RFC 9110 §14.2
     * says (the whole document, 200), and one past the document's end is 416 naming its size; elsewhere, where no
     * ranges are served, every Range is ignored.
     */
    @Test
    void oddRangeHeadersAreIgnoredOrAnsweredAsRfc9110Says() throws Exception {
        String value = "/Patients(odd-1)/Documents(" + document + ")/$value";
        long size = Long.parseLong(service.get(value).headers().firstValue("Content-Length").orElseThrow());
        Map<String, String> expected = Map.of("bytes=5-1", "200 null", "lines=1-2", "200 null",
                "bytes=999999-", "416 bytes */" + size);
        for (Map.Entry<String, String> range : expected.entrySet()) {
            HttpResponse<String> answer = service.send(service.request(value).header("Range", range.getKey()).GET()
                    .build());
            assertEquals(range.getValue(), answer.statusCode() + " " + answer.headers().firstValue("Content-Range")
                    .orElse(null), range.getKey());
            HttpResponse<String> patient = service.send(service.request("/Patients(odd-1)")
                    .header("Range", range.getKey()).GET().build());
            assertEquals(200, patient.statusCode(), range.getKey());
        }
    }

    /**
     * A refusal of a request with a body says {@code Connection: close}: the service refuses before reading the body
     * (Jetty, a NUL in the path; the service, a wrong key or an unknown patient), the connection is then closed, and
     * a client not told so sends its next request into it and gets no answer. A refusal without a body keeps it.
     */
    @Test
    void aRefusedRequestWithABodySaysItsConnectionCloses() throws Exception {
        String credentials = "Authorization: Bearer " + service.token("user-456") + "\r\n";
        String key = "x-api-key: " + TestService.API_KEY + "\r\n";
        // the uploads declare 2 MB and send none of it: the answer can only come before the body is read
        String upload = "Content-Type: application/pdf\r\nContent-Length: 2000000\r\n\r\n";
        assertEquals(List.of("HTTP/1.1 400 Bad Request", "close"), answerHead("PATCH /Patients('%00')",
                credentials + key + "Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"));
        assertEquals(List.of("HTTP/1.1 401 Unauthorized", "close"), answerHead("POST /Patients(odd-1)/Documents",
                credentials + "x-api-key: wrong\r\n" + upload));
        assertEquals(List.of("HTTP/1.1 404 Not Found", "close"), answerHead("POST /Patients(nobody)/Documents",
                credentials + key + upload));
        assertEquals(List.of("HTTP/1.1 404 Not Found", "keep-alive"), answerHead("GET /Patients(nobody)",
                credentials + key + "\r\n"));
    }

    /**
     * A malformed escape in the name of a query option is read as the parser reads it: refused as the client's error,
     * or, for a trailing {@code %} the parser drops, a custom option like any other; never a server failure.
     */
    @Test
    void malformedEscapesInOptionNamesAreReadAsTheParserReadsThem() throws Exception {
        String headers = "Authorization: Bearer " + service.token("user-456") + "\r\n"
                + "x-api-key: " + TestService.API_KEY + "\r\n\r\n";
        Map<String, String> answers = Map.of("%zz=1", "HTTP/1.1 400 Bad Request",
                "%4=1&$top=1", "HTTP/1.1 400 Bad Request", "a%=1", "HTTP/1.1 200 OK");
        for (Map.Entry<String, String> answer : answers.entrySet()) {
            assertEquals(answer.getValue(), answerHead("GET /Patients?" + answer.getKey(), headers).get(0),
                    answer.getKey());
        }
    }

    /**
     * The status line of the answer to a request sent over a socket, and whether it closes the connection.
     *
     * @param rest the request after its Host header: the other headers, the blank line and any body
     */
    private static List<String> answerHead(String requestLine, String rest) throws Exception {
        try (Socket socket = new Socket(service.base.getHost(), service.base.getPort())) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write((requestLine + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + rest)
                    .getBytes(StandardCharsets.UTF_8));
            BufferedReader answer = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.ISO_8859_1));
            String status = answer.readLine();
            String connection = "keep-alive";
            for (String line = answer.readLine(); line != null && !line.isEmpty(); line = answer.readLine()) {
                if (line.toLowerCase(Locale.ROOT).equals("connection: close")) {
                    connection = "close";
                }
            }
            return List.of(status, connection);
        }
    }

    private static void check(List<String> failures, String method, String path, String body,
                              Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = service.request(path).method(method, body == null
                || method.equals("GET") || method.equals("DELETE") ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        headers.forEach(request::setHeader);
        HttpResponse<String> response = service.send(request.build());
        String problem = ClearAnswers.problem(response);
        if (problem != null) {
            failures.add(ClearAnswers.describe(response, problem, method + " " + path + " " + headers + " "
                    + (body == null ? "" : body.substring(0, Math.min(60, body.length())))));
        }
    }
}
