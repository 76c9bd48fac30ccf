package org.patientdocs.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Uploads that are not what they claim to be (issue 13, part 5), each of which the service once answered 201: each is
 * refused with a 400 that names the rule, and nothing is stored (no row, no bytes, no temporary file), and the log
 * names none of the refused names. Real documents written by real tools still go through.
 */
class UploadChecksIT {

    private static final String PATIENT = "checks-1";
    private static final String DOCUMENTS = "/Patients(" + PATIENT + ")/Documents";

    private static TestService service;
    private long rowsBefore;
    private long patientDocumentsBefore;
    private long filesBefore;
    private CapturedLogs logs;

    @BeforeAll
    static void start() throws Exception {
        service = TestService.start(Map.of());
        assertEquals(201, service.postJson("/Patients", "{\"id\":\"" + PATIENT + "\"}").statusCode());
    }

    @AfterAll
    static void stop() throws Exception {
        service.close();
    }

    @BeforeEach
    void countWhatIsStored() throws Exception {
        rowsBefore = documentRows();
        patientDocumentsBefore = Long.parseLong(service.get(DOCUMENTS + "/$count").body());
        filesBefore = service.storedFiles();
        logs = new CapturedLogs();
    }

    @AfterEach
    void detachLogs() {
        logs.close();
    }

    private static long documentRows() throws Exception {
        try (Connection connection = service.connect();
             PreparedStatement statement = connection.prepareStatement("SELECT COUNT(*) FROM document");
             ResultSet rs = statement.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static HttpResponse<String> upload(Multipart form) throws Exception {
        return service.send(service.request(DOCUMENTS).header("Content-Type", form.contentType())
                .POST(form.publisher()).build());
    }

    private static HttpResponse<String> uploadRaw(String contentType, String header, String value, byte[] content,
                                                  String slug) throws Exception {
        return service.send(service.request(DOCUMENTS).header("Content-Type", contentType).header(header, value)
                .header("Slug", slug).POST(HttpRequest.BodyPublishers.ofByteArray(content)).build());
    }

    /** The RFC 9530 sha-256 field of the bytes. */
    private static String digest(byte[] bytes) throws Exception {
        return "sha-256=:" + Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(bytes))
                + ":";
    }

    private static HttpResponse<String> uploadRaw(String contentType, String header, String value, byte[] content)
            throws Exception {
        return service.send(service.request(DOCUMENTS).header("Content-Type", contentType).header(header, value)
                .POST(HttpRequest.BodyPublishers.ofByteArray(content)).build());
    }

    /** A 400 with the code and target, nothing stored, and none of the given text in the log. */
    private void assertRefused(HttpResponse<String> response, String code, String target, String... unlogged)
            throws Exception {
        assertEquals(400, response.statusCode(), response.body());
        JsonNode error = TestService.json(response).get("error");
        assertEquals(code, error.get("code").asText(), response.body());
        assertEquals(target, error.get("target").asText(), response.body());
        assertEquals(rowsBefore, documentRows(), "no document row");
        assertEquals(String.valueOf(patientDocumentsBefore), service.get(DOCUMENTS + "/$count").body(),
                "the patient's documents");
        assertEquals(filesBefore, service.storedFiles(), "no bytes, not even a temporary file");
        String logged = String.join("\n", logs.lines());
        for (String text : unlogged) {
            assertFalse(logged.contains(text), "the log names " + text + ":\n" + logged);
        }
    }

    private static byte[] fixture(String name) {
        try (InputStream in = UploadChecksIT.class.getResourceAsStream("/uploads/" + name)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void aPngSignatureAloneIsRefused() throws Exception {
        byte[] signature = Arrays.copyOf(Samples.png(Samples.MIN_PNG), 8);
        assertRefused(upload(new Multipart().file("file", "card.png", Samples.PNG, signature)), "MALFORMED_FILE",
                "file");
        assertRefused(uploadRaw("application/octet-stream", "Slug", "card.png", signature), "MALFORMED_FILE", "file");
    }

    @Test
    void anUploadWhoseDigestDoesNotMatchWhatArrivedIsRefusedAndNothingIsStored() throws Exception {
        byte[] pdf = Samples.pdf(Samples.MIN_PDF + 5000);
        byte[] other = Samples.pdf(Samples.MIN_PDF + 5001);
        assertRefused(uploadRaw(Samples.PDF, "Repr-Digest", digest(other), pdf, "scan.pdf"), "DIGEST_MISMATCH",
                "Repr-Digest");
        assertRefused(uploadRaw(Samples.PDF, "Content-Digest", digest(other), pdf, "scan.pdf"), "DIGEST_MISMATCH",
                "Content-Digest");
        assertRefused(upload(new Multipart().file("file", "scan.pdf", Samples.PDF, pdf).field("digest", digest(other))),
                "DIGEST_MISMATCH", "digest");
        // the field may come first, before the file
        assertRefused(upload(new Multipart().field("digest", digest(other)).file("file", "scan.pdf", Samples.PDF,
                pdf)), "DIGEST_MISMATCH", "digest");
        Multipart form = new Multipart().file("file", "scan.pdf", Samples.PDF, pdf);
        // a header digest of a form is of the whole form, as sent
        assertRefused(service.send(service.request(DOCUMENTS).header("Content-Type", form.contentType())
                .header("Content-Digest", digest(pdf)).POST(form.publisher()).build()), "DIGEST_MISMATCH",
                "Content-Digest");
    }

    @Test
    void anUploadWhoseDigestMatchesIsStored() throws Exception {
        byte[] pdf = Samples.pdf(Samples.MIN_PDF + 6000);
        List<HttpResponse<String>> answers = new ArrayList<>();
        answers.add(uploadRaw(Samples.PDF, "Repr-Digest", digest(pdf), pdf, "a.pdf"));
        answers.add(uploadRaw(Samples.PDF, "Content-Digest", "sha-512=:AAAA:, " + digest(pdf), pdf, "b.pdf"));
        answers.add(upload(new Multipart().file("file", "c.pdf", Samples.PDF, pdf).field("digest", digest(pdf))));
        Multipart form = new Multipart().file("file", "d.pdf", Samples.PDF, pdf).field("description", "signed");
        answers.add(service.send(service.request(DOCUMENTS).header("Content-Type", form.contentType())
                .header("Repr-Digest", digest(form.bytes())).header("Content-Digest", digest(form.bytes()))
                .POST(form.publisher()).build()));
        for (HttpResponse<String> answer : answers) {
            assertEquals(201, answer.statusCode(), answer.body());
            HttpResponse<byte[]> stored = service.getBytes("/Documents('" + TestService.json(answer).get("id").asText()
                    + "')/$value");
            assertArrayEquals(pdf, stored.body());
            assertEquals(digest(pdf), stored.headers().firstValue("Repr-Digest").orElseThrow());
        }
        assertEquals(rowsBefore + answers.size(), documentRows());
    }

    @Test
    void anUploadWithDigestsOnlyInAlgorithmsTheServiceLacksOrMalformedIsRefused() throws Exception {
        byte[] pdf = Samples.pdf(Samples.MIN_PDF + 7000);
        HttpResponse<String> sha512 = uploadRaw(Samples.PDF, "Repr-Digest", "sha-512=:" + Base64.getEncoder()
                .encodeToString(new byte[64]) + ":", pdf, "scan.pdf");
        assertRefused(sha512, "UNSUPPORTED_DIGEST_ALGORITHM", "Repr-Digest");
        assertTrue(TestService.json(sha512).get("error").get("message").asText().contains("sha-512"));
        for (String malformed : List.of("sha-256=abc", "sha-256=:not base64!:", "sha-256=:AAAA:", "")) {
            assertRefused(uploadRaw(Samples.PDF, "Content-Digest", malformed, pdf, "scan.pdf"), "BAD_REQUEST",
                    "Content-Digest");
        }
    }

    @Test
    void aThreeByteJpegIsRefused() throws Exception {
        byte[] jpeg = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF};
        assertRefused(upload(new Multipart().file("file", "photo.jpg", Samples.JPEG, jpeg)), "MALFORMED_FILE", "file");
    }

    @Test
    void aDocxZipBombIsRefusedWithoutUnpackingIt(@TempDir Path dir) throws Exception {
        // a gibibyte of zeros as a Word document's main part, deflated as it is made into a file of a few MB: neither
        // the test nor the service ever holds it, and the service does not unpack it
        Path bomb = dir.resolve("bomb.docx");
        try (ZipOutputStream zip = new ZipOutputStream(new BufferedOutputStream(Files.newOutputStream(bomb)))) {
            zip.setLevel(Deflater.BEST_COMPRESSION);
            zip.putNextEntry(new ZipEntry("[Content_Types].xml"));
            zip.write(Samples.contentTypes().getBytes(StandardCharsets.UTF_8));
            zip.putNextEntry(new ZipEntry("word/document.xml"));
            byte[] zeros = new byte[1024 * 1024];
            for (int i = 0; i < 1024; i++) {
                zip.write(zeros);
            }
        }
        assertTrue(Files.size(bomb) < 25 * 1024 * 1024, "under the upload limit: " + Files.size(bomb));
        assertRefused(service.send(service.request(DOCUMENTS).header("Content-Type", Samples.DOCX)
                .header("Slug", "letter.docx").POST(HttpRequest.BodyPublishers.ofFile(bomb)).build()),
                "ARCHIVE_LIMIT_EXCEEDED", "file");
        Multipart form = new Multipart().field("document_type", "Letter");
        assertRefused(service.send(service.request(DOCUMENTS).header("Content-Type", form.contentType())
                .POST(form.publisherWithFile("file", "letter.docx", Samples.DOCX, bomb)).build()),
                "ARCHIVE_LIMIT_EXCEEDED", "file");
    }

    @Test
    void aZipOfAHundredThousandEntriesIsRefused() throws Exception {
        ByteArrayOutputStream many = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(many)) {
            zip.putNextEntry(new ZipEntry("[Content_Types].xml"));
            zip.write(Samples.contentTypes().getBytes(StandardCharsets.UTF_8));
            zip.putNextEntry(new ZipEntry("word/document.xml"));
            for (int i = 2; i < 100_000; i++) {
                zip.putNextEntry(new ZipEntry("e" + i));
            }
        }
        assertRefused(upload(new Multipart().file("file", "letter.docx", Samples.DOCX, many.toByteArray())),
                "ARCHIVE_LIMIT_EXCEEDED", "file");
        assertRefused(uploadRaw(Samples.DOCX, "Slug", "letter.docx", many.toByteArray()), "ARCHIVE_LIMIT_EXCEEDED",
                "file");
    }

    @Test
    void aDocxWithMacrosIsRefused() throws Exception {
        ByteArrayOutputStream docm = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(docm)) {
            zip.putNextEntry(new ZipEntry("[Content_Types].xml"));
            zip.write(Samples.contentTypes().getBytes(StandardCharsets.UTF_8));
            zip.putNextEntry(new ZipEntry("word/document.xml"));
            zip.write("<w:document/>".getBytes(StandardCharsets.UTF_8));
            zip.putNextEntry(new ZipEntry("word/vbaProject.bin"));
            zip.write(new byte[] {(byte) 0xD0, (byte) 0xCF, 0x11, (byte) 0xE0});
        }
        assertRefused(upload(new Multipart().file("file", "letter.docx", Samples.DOCX, docm.toByteArray())),
                "MACROS_NOT_ALLOWED", "file");
    }

    @Test
    void aRealPdfNamedAsAProgramIsRefused() throws Exception {
        byte[] pdf = fixture("referral.pdf");
        assertRefused(upload(new Multipart().file("file", "secret-x.pdf.exe", Samples.PDF, pdf)),
                "CONTENT_TYPE_MISMATCH", "file_name", "secret-x");
        assertRefused(uploadRaw(Samples.PDF, "Slug", "secret-x.pdf.exe", pdf), "CONTENT_TYPE_MISMATCH", "file_name",
                "secret-x");
    }

    @Test
    void anEmptyFileNameIsRefused() throws Exception {
        assertRefused(upload(new Multipart().file("file", "", Samples.PDF, Samples.pdf(1000))), "INVALID_FILE_NAME",
                "file_name");
        assertRefused(uploadRaw(Samples.PDF, "Content-Disposition", "attachment; filename=\"\"", Samples.pdf(1000)),
                "INVALID_FILE_NAME", "file_name");
    }

    @Test
    void aRightToLeftOverrideInTheNameIsRefused() throws Exception {
        // shown as "secret-rexe.pdf": a program dressed as a PDF
        String name = "secret-r\u202Efdp.exe";
        assertRefused(upload(new Multipart().file("file", name, Samples.PDF, Samples.pdf(1000))), "INVALID_FILE_NAME",
                "file_name", "secret-r", name);
        assertRefused(uploadRaw(Samples.PDF, "Slug", "secret-r%E2%80%AEfdp.exe", Samples.pdf(1000)),
                "INVALID_FILE_NAME", "file_name", "secret-r");
    }

    @Test
    void aNulInTheNameIsRefusedNotStripped() throws Exception {
        Multipart form = new Multipart().part("Content-Disposition: form-data; name=\"file\"; "
                + "filename*=UTF-8''secret-a%00.pdf\r\nContent-Type: application/pdf\r\n", Samples.pdf(1000));
        assertRefused(upload(form), "INVALID_FILE_NAME", "file_name", "secret-a");
        assertRefused(uploadRaw(Samples.PDF, "Slug", "secret-a%00.pdf", Samples.pdf(1000)), "INVALID_FILE_NAME",
                "file_name", "secret-a");
    }

    @Test
    void aThousandCharacterNameIsRefusedNotCut() throws Exception {
        String name = "secret".repeat(166) + "abcd.pdf";
        assertEquals(1004, name.length());
        assertRefused(upload(new Multipart().file("file", name, Samples.PDF, Samples.pdf(1000))), "INVALID_FILE_NAME",
                "file_name", "secret");
    }

    @Test
    void realDocumentsFromRealToolsAreStoredUnderTheirNameInNormalisationFormC() throws Exception {
        String[][] documents = {
            {"referral.docx", Samples.DOCX}, {"referral-incremental.pdf", Samples.PDF},
            {"progressive.jpg", Samples.JPEG}, {"big-endian.tif", Samples.TIFF}, {"scan.png", Samples.PNG},
        };
        for (String[] document : documents) {
            byte[] content = fixture(document[0]);
            // "é" as e and a combining accent, as macOS writes names: stored as the one character
            HttpResponse<String> created = upload(new Multipart().file("file", "e\u0301-" + document[0], null,
                    content));
            assertEquals(201, created.statusCode(), created.body());
            JsonNode body = TestService.json(created);
            assertEquals("\u00e9-" + document[0], body.get("file_name").asText());
            assertEquals(document[1], body.get("content_type").asText());
            assertArrayEquals(content, service.getBytes("/Documents('" + body.get("id").asText() + "')/$value")
                    .body());
        }
        assertEquals(rowsBefore + documents.length, documentRows());
    }
}
