package org.patientdocs.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The spec's upload form byte for byte as its Python and Node.js examples send it, and forms that say one thing
 * twice: refused, since which one counts would be a guess another reader of the same form may guess otherwise.
 */
class UploadFormsIT {

    private static final String PATIENT = "forms-1";
    private static final String BOUNDARY = "b7a81424e9ab2df3bff84a97450282ea";
    private static final String FILE_HEADERS = "Content-Disposition: form-data; name=\"file\"; filename=\"a.pdf\"\r\n"
            + "Content-Type: application/pdf\r\n";
    private static TestService service;
    private static byte[] pdf;
    private long filesBefore;

    @BeforeAll
    static void start() throws Exception {
        service = TestService.start(Map.of());
        assertEquals(201, service.postJson("/Patients", "{\"id\":\"" + PATIENT + "\"}").statusCode());
        pdf = Samples.pdf(3000);
    }

    @AfterAll
    static void stop() throws Exception {
        service.close();
    }

    @BeforeEach
    void countFiles() throws Exception {
        filesBefore = service.storedFiles();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[]... pieces) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] piece : pieces) {
            out.writeBytes(piece);
        }
        return out.toByteArray();
    }

    private static HttpResponse<String> post(String contentTypeHeader, String contentType,
                                             HttpRequest.BodyPublisher body) throws Exception {
        return service.send(service.request("/Patients(" + PATIENT + ")/Documents")
                .header(contentTypeHeader, contentType).POST(body).build());
    }

    private static HttpResponse<String> post(String contentType, byte[] body) throws Exception {
        return post("Content-Type", contentType, HttpRequest.BodyPublishers.ofByteArray(body));
    }

    private static void assertSpecDocument(HttpResponse<String> response) throws Exception {
        assertEquals(201, response.statusCode(), response.body());
        JsonNode body = TestService.json(response);
        assertEquals("document.pdf", body.get("file_name").asText());
        assertEquals("application/pdf", body.get("content_type").asText());
        assertEquals("Referral", body.get("document_type").asText());
        assertEquals("Referral from Dr. Smith", body.get("description").asText());
        HttpResponse<byte[]> download = service.getBytes("/Documents(" + body.get("id").asText() + ")/$value");
        assertArrayEquals(pdf, download.body());
    }

    /** The fields and then the file, with a Content-Length, as requests 2.34 (urllib3 2.7) writes them. */
    @Test
    void theSpecsPythonRequestsFormIsAccepted() throws Exception {
        byte[] body = concat(bytes("--" + BOUNDARY + "\r\n"
                        + "Content-Disposition: form-data; name=\"document_type\"\r\n\r\n"
                        + "Referral\r\n"
                        + "--" + BOUNDARY + "\r\n"
                        + "Content-Disposition: form-data; name=\"description\"\r\n\r\n"
                        + "Referral from Dr. Smith\r\n"
                        + "--" + BOUNDARY + "\r\n"
                        + "Content-Disposition: form-data; name=\"file\"; filename=\"document.pdf\"\r\n"
                        + "Content-Type: application/pdf\r\n\r\n"),
                pdf, bytes("\r\n--" + BOUNDARY + "--\r\n"));
        assertSpecDocument(post("multipart/form-data; boundary=" + BOUNDARY, body));
    }

    /**
     * The file and then the fields, as form-data 4.0 writes them; axios sends the stream chunked, with the header
     * names of {@code form.getHeaders()} in lower case.
     */
    @Test
    void theSpecsNodeFormDataFormIsAccepted() throws Exception {
        String boundary = "--------------------------05031c7d48eaa2d4f258ab22";
        List<byte[]> chunks = List.of(bytes("--" + boundary + "\r\n"
                        + "Content-Disposition: form-data; name=\"file\"; filename=\"document.pdf\"\r\n"
                        + "Content-Type: application/pdf\r\n\r\n"),
                pdf, bytes("\r\n"),
                bytes("--" + boundary + "\r\n"
                        + "Content-Disposition: form-data; name=\"document_type\"\r\n\r\n"
                        + "Referral\r\n"),
                bytes("--" + boundary + "\r\n"
                        + "Content-Disposition: form-data; name=\"description\"\r\n\r\n"
                        + "Referral from Dr. Smith\r\n"),
                bytes("--" + boundary + "--\r\n"));
        assertSpecDocument(post("content-type", "multipart/form-data; boundary=" + boundary,
                HttpRequest.BodyPublishers.ofByteArrays(chunks)));
    }

    private static byte[] form(String fileHeaders, String... fields) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(bytes("--" + BOUNDARY + "\r\n" + fileHeaders + "\r\n"));
        out.writeBytes(pdf);
        out.writeBytes(bytes("\r\n"));
        for (String field : fields) {
            out.writeBytes(bytes("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + field
                    + "\"\r\n\r\nvalue of " + field + "\r\n"));
        }
        out.writeBytes(bytes("--" + BOUNDARY + "--\r\n"));
        return out.toByteArray();
    }

    private void assertRefused(HttpResponse<String> response, String target, String named) throws Exception {
        assertEquals(400, response.statusCode(), response.body());
        JsonNode error = TestService.json(response).get("error");
        assertEquals("INVALID_BODY", error.get("code").asText(), response.body());
        if (target != null) {
            assertEquals(target, error.get("target").asText(), response.body());
        }
        assertTrue(error.get("message").asText().contains(named), response.body());
        assertEquals(filesBefore, service.storedFiles(), "nothing may stay in the document store");
        String stored = "/Patients(" + PATIENT + ")/Documents?$filter=file_name eq 'a.pdf'";
        assertEquals(0, TestService.json(service.get(stored)).get("@odata.count").asInt());
    }

    @ParameterizedTest
    @ValueSource(strings = {"document_type", "description"})
    void aFieldSentTwiceIsRefusedAndNothingIsStored(String field) throws Exception {
        HttpResponse<String> response = post("multipart/form-data; boundary=" + BOUNDARY,
                form(FILE_HEADERS, field, "document_type".equals(field) ? "description" : "document_type", field));
        assertRefused(response, field, "more than one '" + field + "'");
    }

    @Test
    void twoFilesAreRefusedAndNothingIsStored() throws Exception {
        byte[] twoFiles = concat(bytes("--" + BOUNDARY + "\r\n" + FILE_HEADERS + "\r\n"), pdf, bytes("\r\n"),
                form(FILE_HEADERS));
        assertRefused(post("multipart/form-data; boundary=" + BOUNDARY, twoFiles), "file", "more than one 'file'");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "Content-Disposition: form-data; name=\"file\"; filename=\"a.pdf\"; filename=\"b.exe\"\r\n",
        "Content-Disposition: form-data; name=\"file\"; filename=\"a.pdf\"; FILENAME=\"b.exe\"\r\n",
        "Content-Disposition: form-data; name=\"file\"; filename*=UTF-8''a.pdf; filename*=UTF-8''b.exe\r\n",
        "Content-Disposition: form-data; name=\"file\"; name=\"document_type\"; filename=\"a.pdf\"\r\n",
    })
    void aPartHeaderNamingAParameterTwiceIsRefused(String headers) throws Exception {
        HttpResponse<String> response = post("multipart/form-data; boundary=" + BOUNDARY, form(headers));
        assertRefused(response, null, "Content-Disposition header names the parameter");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "Content-Disposition: form-data; name=\"file\"; filename=\"a.pdf\"\r\n"
            + "Content-Disposition: form-data; name=\"file\"; filename=\"b.exe\"\r\n",
        "Content-Disposition: form-data; name=\"file\"; filename=\"a.pdf\"\r\n"
            + "Content-Type: application/pdf\r\ncontent-type: image/png\r\n",
    })
    void aPartHeaderSentTwiceIsRefused(String headers) throws Exception {
        HttpResponse<String> response = post("multipart/form-data; boundary=" + BOUNDARY, form(headers));
        assertRefused(response, null, "more than one");
    }

    @Test
    void aBoundaryNamedTwiceIsRefused() throws Exception {
        HttpResponse<String> response = post("multipart/form-data; boundary=" + BOUNDARY + "; boundary=other",
                form(FILE_HEADERS));
        assertRefused(response, null, "Content-Type header names the parameter 'boundary' twice");
    }

    @Test
    void aRawUploadWhoseFileNameIsNamedTwiceIsRefused() throws Exception {
        HttpResponse<String> response = service.send(service.request("/Patients(" + PATIENT + ")/Documents")
                .header("Content-Type", Samples.PDF)
                .header("Content-Disposition", "attachment; filename=\"a.pdf\"; filename=\"b.pdf\"")
                .POST(HttpRequest.BodyPublishers.ofByteArray(pdf)).build());
        assertRefused(response, null, "Content-Disposition header names the parameter 'filename' twice");
    }

    @Test
    void otherFieldsAndHeadersMayRepeat() throws Exception {
        String headers = "Content-Disposition: form-data; name=\"file\"; filename=\"kept.pdf\"\r\n"
                + "X-Note: one\r\nX-Note: two\r\n";
        HttpResponse<String> response = post("multipart/form-data; boundary=" + BOUNDARY,
                form(headers, "note", "note", "document_type"));
        assertEquals(201, response.statusCode(), response.body());
        assertEquals("value of document_type", TestService.json(response).get("document_type").asText());
    }

    /** A text field is stored as sent or refused: never with U+FFFD in place of bytes it could not read. */
    @Test
    void aTextFieldThatIsNotUtf8IsRefused() throws Exception {
        byte[] latin1 = concat(bytes("--" + BOUNDARY + "\r\n" + FILE_HEADERS + "\r\n"), pdf, bytes("\r\n--" + BOUNDARY
                + "\r\nContent-Disposition: form-data; name=\"description\"\r\n\r\n"),
                "Überweisung".getBytes(StandardCharsets.ISO_8859_1), bytes("\r\n--" + BOUNDARY + "--\r\n"));
        assertRefused(post("multipart/form-data; boundary=" + BOUNDARY, latin1), "description", "not valid UTF-8");

        byte[] declared = concat(bytes("--" + BOUNDARY + "\r\n" + FILE_HEADERS + "\r\n"), pdf, bytes("\r\n--"
                + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"document_type\"\r\nContent-Type: text/plain;"
                + " charset=iso-8859-1\r\n\r\nReferral\r\n--" + BOUNDARY + "--\r\n"));
        assertRefused(post("multipart/form-data; boundary=" + BOUNDARY, declared), "document_type", "iso-8859-1");
    }

    /** RFC 6266 4.3: an unreadable filename* falls back to filename; with none, the upload is refused. */
    @Test
    void aFileNameStarThatCannotBeReadIsRefusedWhenNoFileNameBacksItUp() throws Exception {
        for (String bad : List.of("UTF-8''%FF%FE.pdf", "KOI8-R''a.pdf", "a.pdf")) {
            HttpResponse<String> response = post("multipart/form-data; boundary=" + BOUNDARY, concat(bytes("--"
                    + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename*=" + bad
                    + "\r\nContent-Type: application/pdf\r\n\r\n"), pdf, bytes("\r\n--" + BOUNDARY + "--\r\n")));
            assertEquals(400, response.statusCode(), bad + ": " + response.body());
            assertEquals("INVALID_FILE_NAME", TestService.json(response).get("error").get("code").asText(), bad);
            assertEquals(filesBefore, service.storedFiles(), "nothing may stay in the document store");
        }
        HttpResponse<String> fallback = post("multipart/form-data; boundary=" + BOUNDARY, concat(bytes("--"
                + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename*=KOI8-R''b.pdf;"
                + " filename=\"fallback.pdf\"\r\nContent-Type: application/pdf\r\n\r\n"), pdf,
                bytes("\r\n--" + BOUNDARY + "--\r\n")));
        assertEquals(201, fallback.statusCode(), fallback.body());
        assertEquals("fallback.pdf", TestService.json(fallback).get("file_name").asText());
    }
}
