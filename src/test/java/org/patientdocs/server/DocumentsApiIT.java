package org.patientdocs.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The spec's endpoints end to end: the real server over HTTP with real tokens. */
class DocumentsApiIT {

    private static TestService service;

    @BeforeAll
    static void start() throws Exception {
        service = TestService.start(Map.of());
        assertEquals(201, service.postJson("/Patients",
                "{\"id\":\"12345\",\"first_name\":\"Ada\",\"last_name\":\"Smith\",\"birth_date\":\"1980-02-03\"}")
                .statusCode());
        assertEquals(201, service.postJson("/Patients", "{\"id\":\"777\",\"last_name\":\"Other\"}").statusCode());
    }

    @AfterAll
    static void stop() throws Exception {
        service.close();
    }

    static HttpResponse<String> upload(String patient, Multipart form) throws Exception {
        return service.send(service.request("/Patients(" + patient + ")/Documents")
                .header("Content-Type", form.contentType()).POST(form.publisher()).build());
    }

    static JsonNode uploadPdf(String patient, String fileName, String type, String description) throws Exception {
        Multipart form = new Multipart().file("file", fileName, Samples.PDF, Samples.pdf(2048));
        if (type != null) {
            form.field("document_type", type);
        }
        if (description != null) {
            form.field("description", description);
        }
        HttpResponse<String> response = upload(patient, form);
        assertEquals(201, response.statusCode(), response.body());
        return TestService.json(response);
    }

    @Test
    void specUploadAnswersWithExactlyTheSpecShape() throws Exception {
        byte[] pdf = Samples.pdf(204_800);
        Multipart form = new Multipart().file("file", "document.pdf", Samples.PDF, pdf)
                .field("document_type", "Referral").field("description", "Referral from Dr. Smith");
        HttpResponse<String> response = upload("12345", form);

        assertEquals(201, response.statusCode(), response.body());
        JsonNode body = TestService.json(response);
        Set<String> fields = new TreeSet<>();
        body.fieldNames().forEachRemaining(fields::add);
        assertEquals(new TreeSet<>(List.of("id", "patient_id", "file_name", "content_type", "file_size_bytes",
                "document_type", "description", "uploaded_by_id", "uploaded_at")), fields);
        String id = body.get("id").asText();
        assertTrue(id.matches("doc-[A-Za-z0-9_-]{16,}"), id);
        assertEquals("12345", body.get("patient_id").asText());
        assertEquals("document.pdf", body.get("file_name").asText());
        assertEquals("application/pdf", body.get("content_type").asText());
        assertEquals(204_800, body.get("file_size_bytes").asLong());
        assertTrue(body.get("file_size_bytes").isNumber());
        assertEquals("Referral", body.get("document_type").asText());
        assertEquals("Referral from Dr. Smith", body.get("description").asText());
        assertEquals("user-456", body.get("uploaded_by_id").asText());
        Instant uploadedAt = Instant.parse(body.get("uploaded_at").asText());
        assertTrue(body.get("uploaded_at").asText().endsWith("Z"));
        assertTrue(Math.abs(uploadedAt.toEpochMilli() - System.currentTimeMillis()) < 60_000);
        assertEquals(service.base + "Documents('" + id + "')", response.headers().firstValue("Location").orElseThrow());

        HttpResponse<byte[]> download = service.getBytes("/Patients(12345)/Documents(" + id + ")/$value");
        assertEquals(200, download.statusCode());
        assertArrayEquals(pdf, download.body());
    }

    @Test
    void listOfAPatientsDocumentsHasTheSpecShapeWithCount() throws Exception {
        service.postJson("/Patients", "{\"id\":\"list-1\"}");
        JsonNode referral = uploadPdf("list-1", "referral.pdf", "Referral", null);
        JsonNode card = uploadPdf("list-1", "insurance-card.pdf", "Insurance", "front side");

        HttpResponse<String> response = service.get("/Patients(list-1)/Documents");
        assertEquals(200, response.statusCode());
        JsonNode body = TestService.json(response);
        assertTrue(body.get("@odata.context").asText().startsWith(service.base.toString()));
        assertTrue(body.get("@odata.context").asText().endsWith("$metadata#Documents"), body.toString());
        assertEquals(2, body.get("@odata.count").asInt());
        assertEquals(2, body.get("value").size());
        Set<String> ids = new TreeSet<>();
        body.get("value").forEach(d -> ids.add(d.get("id").asText()));
        assertEquals(new TreeSet<>(List.of(referral.get("id").asText(), card.get("id").asText())), ids);
        body.get("value").forEach(d -> assertEquals("list-1", d.get("patient_id").asText()));
    }

    @Test
    void documentsCanBeFilteredByTypeAndDateAndShapedWithQueryOptions() throws Exception {
        service.postJson("/Patients", "{\"id\":\"query-1\"}");
        JsonNode a = uploadPdf("query-1", "a.pdf", "Referral", null);
        JsonNode b = uploadPdf("query-1", "b.pdf", "Insurance", null);
        JsonNode c = uploadPdf("query-1", "c.pdf", "Referral", null);
        String base = "/Patients(query-1)/Documents";

        JsonNode referrals = TestService.json(service.get(base + "?$filter=document_type eq 'Referral'"
                + "&$orderby=file_name desc"));
        assertEquals(2, referrals.get("@odata.count").asInt());
        assertEquals(c.get("id").asText(), referrals.get("value").get(0).get("id").asText());
        assertEquals(a.get("id").asText(), referrals.get("value").get(1).get("id").asText());

        String since = b.get("uploaded_at").asText();
        JsonNode recent = TestService.json(service.get(base + "?$filter=uploaded_at ge " + since
                + "&$orderby=uploaded_at,file_name"));
        List<String> names = new ArrayList<>();
        recent.get("value").forEach(d -> names.add(d.get("file_name").asText()));
        assertEquals(List.of("b.pdf", "c.pdf"), names);

        JsonNode page = TestService.json(service.get(base + "?$orderby=file_name&$top=1&$skip=1"
                + "&$select=file_name,file_size_bytes"));
        assertEquals(1, page.get("value").size());
        JsonNode only = page.get("value").get(0);
        assertEquals("b.pdf", only.get("file_name").asText());
        assertFalse(only.has("description"));
        assertFalse(only.has("document_type"));
        assertEquals(3, page.get("@odata.count").asInt(), "the count ignores $top and $skip");

        JsonNode notReferral = TestService.json(service.get(base + "?$filter=not (document_type eq 'Referral')"));
        assertEquals(1, notReferral.get("value").size());

        HttpResponse<String> count = service.get(base + "/$count?$filter=document_type ne 'Insurance'");
        assertEquals(200, count.statusCode());
        assertEquals("2", count.body());
    }

    @Test
    void theTopLevelCollectionCountsOnlyOnRequest() throws Exception {
        JsonNode plain = TestService.json(service.get("/Documents?$top=1"));
        assertFalse(plain.has("@odata.count"));
        JsonNode counted = TestService.json(service.get("/Documents?$top=1&$count=true"));
        assertTrue(counted.get("@odata.count").asInt() >= 1);
    }

    @Test
    void emptyListIsAnEmptyValueArray() throws Exception {
        service.postJson("/Patients", "{\"id\":\"empty-1\"}");
        JsonNode body = TestService.json(service.get("/Patients('empty-1')/Documents"));
        assertEquals(0, body.get("@odata.count").asInt());
        assertTrue(body.get("value").isArray());
        assertEquals(0, body.get("value").size());
    }

    @ParameterizedTest
    @CsvSource({
        "/Patients(12345)/Documents(%s)",
        "/Patients('12345')/Documents('%s')",
        "/Documents(%s)",
        "/Documents('%s')",
    })
    void singleDocumentMetadataIsReadInBothKeyForms(String template) throws Exception {
        JsonNode uploaded = uploadPdf("12345", "one.pdf", "Referral", null);
        String id = uploaded.get("id").asText();
        HttpResponse<String> response = service.get(String.format(template, id));
        assertEquals(200, response.statusCode(), response.body());
        JsonNode body = TestService.json(response);
        assertEquals(id, body.get("id").asText());
        assertEquals("one.pdf", body.get("file_name").asText());
        assertEquals(uploaded.get("uploaded_at").asText(), body.get("uploaded_at").asText());
    }

    @Test
    void downloadStreamsTheBytesWithSafeHeaders() throws Exception {
        byte[] pdf = Samples.pdf(100_000);
        JsonNode uploaded = TestService.json(upload("12345",
                new Multipart().file("file", "Überweisung \"Dr\" 50%.pdf", Samples.PDF, pdf)));
        String id = uploaded.get("id").asText();

        HttpResponse<byte[]> response = service.getBytes("/Patients(12345)/Documents(" + id + ")/$value");
        assertEquals(200, response.statusCode());
        assertArrayEquals(pdf, response.body());
        assertEquals("application/pdf", response.headers().firstValue("Content-Type").orElseThrow());
        assertEquals("100000", response.headers().firstValue("Content-Length").orElseThrow());
        assertEquals("nosniff", response.headers().firstValue("X-Content-Type-Options").orElseThrow());
        assertEquals("no-store", response.headers().firstValue("Cache-Control").orElseThrow());
        assertEquals("attachment; filename=\"_berweisung _Dr_ 50_.pdf\"; "
                        + "filename*=UTF-8''%C3%9Cberweisung%20%22Dr%22%2050%25.pdf",
                response.headers().firstValue("Content-Disposition").orElseThrow());
        String etag = response.headers().firstValue("ETag").orElseThrow();
        assertTrue(etag.matches("\"[0-9a-f]{64}\""), etag);

        HttpResponse<byte[]> again = service.http.send(service.request("/Documents(" + id + ")/$value")
                .header("If-None-Match", etag).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(304, again.statusCode());
        assertEquals(0, again.body().length);

        HttpResponse<byte[]> other = service.http.send(service.request("/Documents(" + id + ")/$value")
                .header("If-None-Match", "\"something-else\"").GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, other.statusCode());
    }

    @ParameterizedTest
    @CsvSource({
        "scan.pdf, application/pdf",
        "card.png, image/png",
        "photo.jpg, image/jpeg",
        "scan.tif, image/tiff",
        "letter.docx, application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    })
    void eachAcceptedTypeRoundTripsByteForByte(String fileName, String type) throws Exception {
        byte[] content = switch (type) {
            case Samples.PDF -> Samples.pdf(5000);
            case Samples.PNG -> Samples.png(5000);
            case Samples.JPEG -> Samples.jpeg(5000);
            case Samples.TIFF -> Samples.tiff(5000);
            default -> Samples.docx();
        };
        HttpResponse<String> created = upload("12345", new Multipart().file("file", fileName, type, content));
        assertEquals(201, created.statusCode(), created.body());
        JsonNode body = TestService.json(created);
        assertEquals(type, body.get("content_type").asText());

        HttpResponse<byte[]> download = service.getBytes("/Documents(" + body.get("id").asText() + ")/$value");
        assertArrayEquals(content, download.body());
        assertEquals(type, download.headers().firstValue("Content-Type").orElseThrow());
    }

    @Test
    void namesAndLabelsFitTheModelsMaxLengthCountedAsOlingoCountsIt() throws Exception {
        // 125 emoji and ".pdf" are 254 UTF-16 code units: within file_name's MaxLength of 255, which Olingo checks in
        // those; one emoji more is 256, refused whole rather than cut
        String emoji = "\uD83D\uDE00";
        HttpResponse<String> created = upload("12345",
                new Multipart().file("file", emoji.repeat(125) + ".pdf", Samples.PDF, Samples.pdf(400)));
        assertEquals(201, created.statusCode(), created.body());
        String id = TestService.json(created).get("id").asText();
        HttpResponse<String> read = service.get("/Documents('" + id + "')");
        assertEquals(200, read.statusCode(), read.body());
        assertEquals(emoji.repeat(125) + ".pdf", TestService.json(read).get("file_name").asText());
        HttpResponse<String> tooLongName = upload("12345",
                new Multipart().file("file", emoji.repeat(126) + ".pdf", Samples.PDF, Samples.pdf(400)));
        assertEquals(400, tooLongName.statusCode(), tooLongName.body());
        assertEquals("INVALID_FILE_NAME", TestService.json(tooLongName).get("error").get("code").asText());

        HttpResponse<String> tooLong = upload("12345", new Multipart().file("file", "a.pdf", Samples.PDF,
                Samples.pdf(400)).field("document_type", emoji.repeat(51)));
        assertEquals(400, tooLong.statusCode(), tooLong.body());
        assertEquals("INVALID_BODY", TestService.json(tooLong).get("error").get("code").asText());
    }

    @Test
    void aDocumentSpanningManyCopyBuffersAndChunksDownloadsByteForByte() throws Exception {
        // 3 MB and a few bytes: several 256 KiB copy buffers and 1 MiB database chunks, the last of each partial
        byte[] content = Samples.pdf(3_000_007);
        HttpResponse<String> created = upload("12345", new Multipart().file("file", "big.pdf", Samples.PDF, content));
        assertEquals(201, created.statusCode(), created.body());
        String id = TestService.json(created).get("id").asText();

        HttpResponse<byte[]> download = service.getBytes("/Patients('12345')/Documents('" + id + "')/$value");
        assertEquals(200, download.statusCode());
        assertEquals("3000007", download.headers().firstValue("Content-Length").orElseThrow());
        assertArrayEquals(content, download.body());
    }

    @Test
    void octetStreamTakesItsTypeFromTheBytes() throws Exception {
        HttpResponse<String> created = upload("12345",
                new Multipart().file("file", "card", "application/octet-stream", Samples.png(300)));
        assertEquals(201, created.statusCode(), created.body());
        assertEquals("image/png", TestService.json(created).get("content_type").asText());
    }

    @Test
    void rawBodyUploadIsTheStandardMediaEntityCreate() throws Exception {
        byte[] jpeg = Samples.jpeg(4000);
        HttpResponse<String> created = service.send(service.request("/Patients(12345)/Documents")
                .header("Content-Type", "image/jpeg").header("Slug", "wound%20photo.jpg")
                .POST(HttpRequest.BodyPublishers.ofByteArray(jpeg)).build());
        assertEquals(201, created.statusCode(), created.body());
        JsonNode body = TestService.json(created);
        assertEquals("wound photo.jpg", body.get("file_name").asText());
        assertTrue(body.get("@odata.context").asText().endsWith("$metadata#Documents/$entity"));
        assertArrayEquals(jpeg, service.getBytes("/Documents('" + body.get("id").asText() + "')/$value").body());
    }

    @Test
    void wrongLeadingBytesAreRejectedAndNothingIsStored() throws Exception {
        long before = service.storedFiles();
        HttpResponse<String> response = upload("12345",
                new Multipart().file("file", "fake.pdf", Samples.PDF, Samples.png(500)));
        assertEquals(400, response.statusCode());
        JsonNode error = TestService.json(response).get("error");
        assertEquals("CONTENT_TYPE_MISMATCH", error.get("code").asText());
        assertEquals(before, service.storedFiles());
    }

    @Test
    void unsupportedTypeIsRejected() throws Exception {
        HttpResponse<String> response = upload("12345",
                new Multipart().file("file", "notes.txt", "text/plain", "hello".getBytes()));
        assertEquals(400, response.statusCode());
        assertEquals("UNSUPPORTED_FILE_TYPE", TestService.json(response).get("error").get("code").asText());
    }

    @Test
    void formWithoutAFilePartIsRejected() throws Exception {
        HttpResponse<String> response = upload("12345", new Multipart().field("document_type", "Referral"));
        assertEquals(400, response.statusCode());
        JsonNode error = TestService.json(response).get("error");
        assertEquals("MISSING_FILE", error.get("code").asText());
        assertEquals("file", error.get("target").asText());
    }

    @Test
    void uploadToAnUnknownPatientIsNotFound() throws Exception {
        HttpResponse<String> response = upload("no-such-patient",
                new Multipart().file("file", "a.pdf", Samples.PDF, Samples.pdf(400)));
        assertEquals(404, response.statusCode());
        assertEquals("NOT_FOUND", TestService.json(response).get("error").get("code").asText());
    }

    @Test
    void aDocumentReadThroughAnotherPatientIsNotFound() throws Exception {
        String id = uploadPdf("12345", "mine.pdf", null, null).get("id").asText();
        assertEquals(404, service.get("/Patients(777)/Documents(" + id + ")").statusCode());
        assertEquals(404, service.get("/Patients(777)/Documents(" + id + ")/$value").statusCode());
        assertEquals(404, service.delete("/Patients(777)/Documents(" + id + ")").statusCode());
        assertEquals(200, service.get("/Patients(12345)/Documents(" + id + ")").statusCode());
    }

    @Test
    void deletedDocumentIsGoneWithItsBytes() throws Exception {
        long before = service.storedFiles();
        String id = uploadPdf("12345", "temp.pdf", null, null).get("id").asText();
        assertEquals(before + 1, service.storedFiles());

        HttpResponse<String> deleted = service.delete("/Patients(12345)/Documents(" + id + ")");
        assertEquals(204, deleted.statusCode());
        assertEquals("", deleted.body());

        HttpResponse<String> metadata = service.get("/Patients(12345)/Documents(" + id + ")");
        assertEquals(404, metadata.statusCode());
        assertEquals("NOT_FOUND", TestService.json(metadata).get("error").get("code").asText());
        assertEquals(404, service.get("/Patients(12345)/Documents(" + id + ")/$value").statusCode());
        assertEquals(404, service.delete("/Patients(12345)/Documents(" + id + ")").statusCode());
        assertEquals(before, service.storedFiles());
    }

    @Test
    void labelsCanBeChangedButServerSetPropertiesCannot() throws Exception {
        String id = uploadPdf("12345", "labels.pdf", "Referral", "old").get("id").asText();
        HttpResponse<String> patched = service.patchJson("/Patients(12345)/Documents(" + id + ")",
                "{\"document_type\":\"Insurance\",\"description\":\"new text\"}");
        assertEquals(200, patched.statusCode(), patched.body());
        JsonNode after = TestService.json(service.get("/Documents(" + id + ")"));
        assertEquals("Insurance", after.get("document_type").asText());
        assertEquals("new text", after.get("description").asText());
        assertEquals("labels.pdf", after.get("file_name").asText());

        HttpResponse<String> refused = service.patchJson("/Documents(" + id + ")", "{\"file_name\":\"other.pdf\"}");
        assertEquals(400, refused.statusCode());
        assertEquals("file_name", TestService.json(refused).get("error").get("target").asText());
        assertEquals(400, service.patchJson("/Documents(" + id + ")", "{\"file_size_bytes\":1}").statusCode());
        assertEquals("labels.pdf", TestService.json(service.get("/Documents(" + id + ")")).get("file_name").asText());
    }

    @Test
    void patientsCanBeCreatedReadUpdatedAndDeleted() throws Exception {
        HttpResponse<String> created = service.postJson("/Patients",
                "{\"id\":\"P-9\",\"first_name\":\"Grace\",\"last_name\":\"Hopper\",\"birth_date\":\"1906-12-09\"}");
        assertEquals(201, created.statusCode(), created.body());
        assertEquals(service.base + "Patients('P-9')", created.headers().firstValue("Location").orElseThrow());
        assertEquals(409, service.postJson("/Patients", "{\"id\":\"P-9\"}").statusCode());

        JsonNode read = TestService.json(service.get("/Patients(P-9)"));
        assertEquals("Hopper", read.get("last_name").asText());
        assertEquals("1906-12-09", read.get("birth_date").asText());

        assertEquals(200, service.patchJson("/Patients('P-9')", "{\"last_name\":\"Murray Hopper\"}").statusCode());
        JsonNode updated = TestService.json(service.get("/Patients('P-9')"));
        assertEquals("Murray Hopper", updated.get("last_name").asText());
        assertEquals("Grace", updated.get("first_name").asText());

        JsonNode all = TestService.json(service.get("/Patients?$filter=last_name eq 'Murray Hopper'"));
        assertEquals(1, all.get("value").size());

        uploadPdf("P-9", "x.pdf", null, null);
        HttpResponse<String> conflict = service.delete("/Patients(P-9)");
        assertEquals(409, conflict.statusCode());
        assertEquals("PATIENT_HAS_DOCUMENTS", TestService.json(conflict).get("error").get("code").asText());
        for (JsonNode d : TestService.json(service.get("/Patients(P-9)/Documents")).get("value")) {
            assertEquals(204, service.delete("/Documents(" + d.get("id").asText() + ")").statusCode());
        }
        assertEquals(204, service.delete("/Patients(P-9)").statusCode());
        assertEquals(404, service.get("/Patients(P-9)").statusCode());
    }

    @Test
    void patientWithoutAValidIdIsRejected() throws Exception {
        HttpResponse<String> response = service.postJson("/Patients", "{\"first_name\":\"Nobody\"}");
        assertEquals(400, response.statusCode());
        assertEquals("id", TestService.json(response).get("error").get("target").asText());
    }

    @Test
    void documentOfADocumentIsItsPatient() throws Exception {
        String id = uploadPdf("12345", "p.pdf", null, null).get("id").asText();
        JsonNode patient = TestService.json(service.get("/Documents(" + id + ")/Patient"));
        assertEquals("12345", patient.get("id").asText());
    }

    @Test
    void serviceDocumentAndMetadataAreServed() throws Exception {
        HttpResponse<String> root = service.get("/");
        assertEquals(200, root.statusCode());
        JsonNode sets = TestService.json(root).get("value");
        Set<String> names = new TreeSet<>();
        sets.forEach(s -> names.add(s.get("name").asText()));
        assertEquals(Set.of("AuditEvents", "Documents", "Patients"), names);

        HttpResponse<String> metadata = service.send(service.request("/$metadata")
                .header("Accept", "application/xml").GET().build());
        assertEquals(200, metadata.statusCode());
        assertTrue(metadata.headers().firstValue("Content-Type").orElseThrow().startsWith("application/xml"));
        assertTrue(metadata.body().contains("<EntityType Name=\"Document\" HasStream=\"true\">"));
        assertTrue(metadata.body().contains("Core.AcceptableMediaTypes"));
    }

    @Test
    void errorStatusesCarryTheODataErrorBody() throws Exception {
        HttpResponse<String> notFound = service.get("/Documents(doc-AAAAAAAAAAAAAAAAAAAAAA)");
        assertEquals(404, notFound.statusCode());
        assertError(notFound, "NOT_FOUND");

        HttpResponse<String> badFilter = service.get("/Documents?$filter=file_name eq");
        assertEquals(400, badFilter.statusCode());
        assertTrue(TestService.json(badFilter).get("error").has("message"));

        HttpResponse<String> unknownProperty = service.get("/Documents?$filter=nope eq 1");
        assertEquals(400, unknownProperty.statusCode());

        HttpResponse<String> notAllowed = service.send(service.request("/Documents")
                .header("Content-Type", "application/pdf")
                .POST(HttpRequest.BodyPublishers.ofByteArray(Samples.pdf(400))).build());
        assertEquals(405, notAllowed.statusCode());
        assertError(notAllowed, "METHOD_NOT_ALLOWED");

        HttpResponse<String> replaceContent = service.send(service.request("/Documents(doc-AAAAAAAAAAAAAAAAAAAAAA)/$value")
                .header("Content-Type", "application/pdf")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(Samples.pdf(400))).build());
        assertEquals(405, replaceContent.statusCode());

        HttpResponse<String> notAcceptable = service.send(service.request("/Patients(12345)")
                .header("Accept", "image/png").GET().build());
        assertEquals(406, notAcceptable.statusCode());

        HttpResponse<String> wrongBodyType = service.send(service.request("/Patients")
                .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString("id=1")).build());
        assertEquals(415, wrongBodyType.statusCode());

        HttpResponse<String> multipartMixed = service.send(service.request("/Patients(12345)/Documents")
                .header("Content-Type", "multipart/mixed; boundary=x")
                .POST(HttpRequest.BodyPublishers.ofString("--x--")).build());
        assertEquals(415, multipartMixed.statusCode());

        HttpResponse<String> override = service.send(service.request("/Documents")
                .header("X-HTTP-Method", "DELETE").POST(HttpRequest.BodyPublishers.noBody()).build());
        assertEquals(400, override.statusCode());
        assertError(override, "METHOD_OVERRIDE_REFUSED");
    }

    private static void assertError(HttpResponse<String> response, String code) {
        assertTrue(response.headers().firstValue("Content-Type").orElseThrow().startsWith("application/json"));
        JsonNode error = TestService.json(response).get("error");
        assertEquals(code, error.get("code").asText());
        assertFalse(error.get("message").asText().isBlank());
        assertFalse(response.body().contains("Exception"), response.body());
        assertFalse(response.body().toUpperCase().contains("SELECT "), response.body());
    }

    @Test
    void eachUploadGetsADifferentRandomId() throws Exception {
        Set<String> ids = new TreeSet<>();
        for (int i = 0; i < 5; i++) {
            ids.add(uploadPdf("12345", "same.pdf", null, null).get("id").asText());
        }
        assertEquals(5, ids.size());
        List<String> sorted = new ArrayList<>(ids);
        assertNotEquals(sorted.get(0).substring(0, 10), sorted.get(4).substring(0, 10));
    }
}
