package org.patientdocs.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URLDecoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.patientdocs.auth.ApiKeys;
import org.patientdocs.auth.Scope;
import org.patientdocs.auth.ScopeNames;
import org.patientdocs.error.RequestIds;

/**
 * The audit trail of every access to PHI, on this run's store: what each kind of request records, that the trail is
 * read with the query language, only in the caller's tenant and with {@code audit.read}, that it is never changed,
 * that {@code audit-verify} finds a changed or removed event, and that a request whose audit cannot be written fails
 * (503) without answering PHI or keeping its change.
 */
class AuditIT {

    private static final String OTHER_TENANT = "clinic-b";
    private static final String OTHER_KEY = "other-api-key-" + System.nanoTime();
    private static TestService service;

    @BeforeAll
    static void start() throws Exception {
        service = TestService.start(Map.of("auth.api-key-sha256", ApiKeys.sha256Hex(TestService.API_KEY) + ","
                + ApiKeys.sha256Hex(OTHER_KEY) + ":" + OTHER_TENANT));
    }

    @AfterAll
    static void stop() throws Exception {
        service.close();
    }

    private static String keyId(String key) {
        return ApiKeys.sha256Hex(key).substring(0, 12);
    }

    private static HttpResponse<String> upload(TestService on, String patient, byte[] content) throws Exception {
        Multipart form = new Multipart().file("file", "scan.pdf", Samples.PDF, content);
        return on.send(on.request("/Patients('" + patient + "')/Documents")
                .header("Content-Type", form.contentType()).POST(form.publisher()).build());
    }

    private static TestService.Credentials without(Scope missing) {
        EnumSet<Scope> scopes = EnumSet.allOf(Scope.class);
        scopes.remove(missing);
        return new TestService.Credentials(TestService.API_KEY,
                service.token("user-456", "default", ScopeNames.DEFAULT.claimOf(scopes)));
    }

    private static TestService.Credentials otherTenant() {
        return new TestService.Credentials(OTHER_KEY, service.token("b-user", OTHER_TENANT, ScopeNames.DEFAULT.all()));
    }

    private static String requestId(HttpResponse<?> response) {
        return response.headers().firstValue(RequestIds.HEADER).orElseThrow();
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asText()));
        return values;
    }

    @Test
    void everyAccessToADocumentIsRecordedWithWhoWhatWhenAndTheOutcome() throws Exception {
        Instant before = Instant.now().minusSeconds(1);
        assertEquals(201, service.postJson("/Patients", "{\"id\":\"au-1\",\"last_name\":\"Audited\"}").statusCode());
        HttpResponse<String> uploaded = upload(service, "au-1", Samples.pdf(Samples.MIN_PDF));
        assertEquals(201, uploaded.statusCode(), uploaded.body());
        String doc = TestService.json(uploaded).get("id").asText();
        List<HttpResponse<?>> answers = new ArrayList<>();
        answers.add(uploaded);
        answers.add(service.get("/Patients('au-1')/Documents?$select=file_name"));
        answers.add(service.get("/Documents('" + doc + "')"));
        answers.add(service.getBytes("/Documents('" + doc + "')/$value"));
        // a range is a download too; a HEAD and a 416 send no content: reads
        answers.add(service.send(service.request("/Documents('" + doc + "')/$value").header("Range", "bytes=0-9")
                .GET().build()));
        answers.add(service.send(service.request("/Documents('" + doc + "')/$value")
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build()));
        answers.add(service.send(service.request("/Documents('" + doc + "')/$value").header("Range", "bytes=-0")
                .GET().build()));
        answers.add(service.patchJson("/Documents('" + doc + "')", "{\"description\":\"seen\"}"));
        answers.add(service.send(service.request("/Documents('" + doc + "')", without(Scope.DOCUMENTS_READ)).GET()
                .build()));
        answers.add(service.delete("/Documents('" + doc + "')"));
        answers.add(service.get("/Documents('" + doc + "')"));
        Instant after = Instant.now().plusSeconds(1);

        JsonNode events = TestService.json(service.get("/AuditEvents?$filter=document_ids/any(d: d eq '" + doc
                + "')&$orderby=id")).get("value");
        List<String> actions = new ArrayList<>();
        events.forEach(e -> actions.add(e.get("action").asText() + " " + e.get("status").asInt()));
        assertEquals(List.of("upload 201", "list 200", "read 200", "download 200", "download 206", "read 200",
                "read 416", "update 200", "denied 403",
                "delete 204", "denied 404"), actions);
        for (int i = 0; i < events.size(); i++) {
            JsonNode event = events.get(i);
            assertEquals(answers.get(i).statusCode(), event.get("status").asInt(), event.toString());
            assertEquals(requestId(answers.get(i)), event.get("request_id").asText(), event.toString());
            assertEquals("user-456", event.get("subject").asText());
            assertEquals(keyId(TestService.API_KEY), event.get("api_key_id").asText());
            assertEquals("127.0.0.1", event.get("client_address").asText());
            // a refusal names what the path names: the scope is refused before the document is read
            assertEquals(event.get("action").asText().equals("denied") ? List.of() : List.of("au-1"),
                    strings(event.get("patient_ids")), event.toString());
            assertEquals(List.of(doc), strings(event.get("document_ids")), event.toString());
            Instant at = Instant.parse(event.get("at").asText());
            assertTrue(at.isAfter(before) && at.isBefore(after), event.toString());
        }
        assertEquals("Patients('au-1')/Documents", events.get(1).get("resource").asText());
        assertEquals("$select=file_name", events.get(1).get("query").asText());
        assertEquals(1, events.get(1).get("entity_count").asLong());

        JsonNode created = TestService.json(service.get("/AuditEvents?$filter=action eq 'create' and "
                + "patient_ids/any(p: p eq 'au-1')")).get("value");
        assertEquals(1, created.size());
        assertEquals(201, created.get(0).get("status").asInt());
    }

    @Test
    void aListRecordsEveryIdItAnswered() throws Exception {
        assertEquals(201, service.postJson("/Patients", "{\"id\":\"au-list\"}").statusCode());
        List<String> docs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            docs.add(TestService.json(upload(service, "au-list", Samples.pdf(Samples.MIN_PDF + i))).get("id").asText());
        }
        HttpResponse<String> list = service.get("/Documents?$filter=patient_id eq 'au-list'&$expand=Patient");
        assertEquals(200, list.statusCode());
        JsonNode event = TestService.json(service.get("/AuditEvents?$filter=request_id eq '" + requestId(list) + "'"))
                .get("value").get(0);
        assertEquals("list", event.get("action").asText());
        assertEquals(docs.stream().sorted().toList(), strings(event.get("document_ids")).stream().sorted().toList());
        assertEquals(List.of("au-list"), strings(event.get("patient_ids")));
        assertEquals(6, event.get("entity_count").asLong(), "three documents and their patient three times");
        assertEquals("$filter=patient_id eq 'au-list'&$expand=Patient",
                URLDecoder.decode(event.get("query").asText(), StandardCharsets.UTF_8));

        // each document comes back twice, on the page and expanded under its patient: the event names it once
        HttpResponse<String> twice = service.get(
                "/Documents?$filter=patient_id eq 'au-list'&$expand=Patient($expand=Documents)");
        assertEquals(200, twice.statusCode());
        JsonNode repeated = TestService.json(service.get("/AuditEvents?$filter=request_id eq '" + requestId(twice)
                + "'")).get("value").get(0);
        assertEquals(docs.stream().sorted().toList(), strings(repeated.get("document_ids")).stream().sorted()
                .toList());
        assertEquals(List.of("au-list"), strings(repeated.get("patient_ids")));

        HttpResponse<String> count = service.get("/Documents/$count?$filter=patient_id eq 'au-list'");
        JsonNode counted = TestService.json(service.get("/AuditEvents?$filter=request_id eq '" + requestId(count)
                + "'")).get("value").get(0);
        assertEquals(3, counted.get("entity_count").asLong());
    }

    @Test
    void eachOperationOfABatchIsRecordedOnItsOwnUnderTheBatchsRequestId() throws Exception {
        assertEquals(201, service.postJson("/Patients", "{\"id\":\"au-batch\"}").statusCode());
        HttpResponse<String> batch = new BatchCalls(service).json("{\"requests\":["
                + "{\"id\":\"1\",\"method\":\"get\",\"url\":\"Patients('au-batch')\"},"
                + "{\"id\":\"2\",\"method\":\"patch\",\"url\":\"Patients('au-batch')\","
                + "\"headers\":{\"content-type\":\"application/json\"},\"body\":{\"last_name\":\"B\"}},"
                + "{\"id\":\"3\",\"method\":\"get\",\"url\":\"Patients('au-batch-missing')\"}]}");
        assertEquals(200, batch.statusCode(), batch.body());
        JsonNode events = TestService.json(service.get("/AuditEvents?$filter=request_id eq '" + requestId(batch)
                + "'&$orderby=id")).get("value");
        List<String> actions = new ArrayList<>();
        events.forEach(e -> actions.add(e.get("action").asText() + " " + e.get("status").asInt() + " "
                + strings(e.get("patient_ids"))));
        assertEquals(List.of("read 200 [au-batch]", "update 200 [au-batch]", "denied 404 [au-batch-missing]"),
                actions);
    }

    @Test
    void theTrailIsReadWithFilterOrderByPagingAndCount() throws Exception {
        for (int i = 0; i < 3; i++) {
            assertEquals(404, service.get("/Patients('au-nobody')").statusCode());
        }
        JsonNode page = TestService.json(service.get("/AuditEvents?$filter=patient_ids/any(p: p eq 'au-nobody')"
                + "&$orderby=at desc&$top=2&$count=true"));
        assertEquals(3, page.get("@odata.count").asLong());
        assertEquals(2, page.get("value").size());
        long newest = page.get("value").get(0).get("id").asLong();
        assertTrue(newest > page.get("value").get(1).get("id").asLong(), "newest first");
        JsonNode rest = TestService.json(service.get("/AuditEvents?$filter=patient_ids/any(p: p eq 'au-nobody')"
                + "&$orderby=at desc&$skip=2"));
        assertEquals(1, rest.get("value").size());
        assertEquals("denied", rest.get("value").get(0).get("action").asText());
        assertEquals("3", service.get("/AuditEvents/$count?$filter=patient_ids/any(p: p eq 'au-nobody')").body());
        JsonNode one = TestService.json(service.get("/AuditEvents(" + newest + ")"));
        assertEquals(404, one.get("status").asInt());
    }

    @Test
    void theTrailCannotBeChangedThroughTheService() throws Exception {
        assertEquals(200, service.get("/Patients?$top=1").statusCode());
        long count = Long.parseLong(service.get("/AuditEvents/$count").body());
        JsonNode first = TestService.json(service.get("/AuditEvents(1)"));
        assertEquals(405, service.postJson("/AuditEvents", "{\"id\":999999,\"action\":\"read\"}").statusCode());
        assertEquals(405, service.patchJson("/AuditEvents(1)", "{\"subject\":\"someone\"}").statusCode());
        assertEquals(405, service.delete("/AuditEvents(1)").statusCode());
        assertEquals(first, TestService.json(service.get("/AuditEvents(1)")));
        assertTrue(Long.parseLong(service.get("/AuditEvents/$count").body()) >= count);
    }

    @Test
    void eachTenantSeesOnlyItsOwnTrailAndOnlyWithTheAuditScope() throws Exception {
        TestService.Credentials b = otherTenant();
        HttpResponse<String> created = service.send(service.request("/Patients", b)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"id\":\"au-b\"}")).build());
        assertEquals(201, created.statusCode());
        assertEquals(200, service.send(service.request("/Patients('au-b')", b).GET().build()).statusCode());

        JsonNode mine = TestService.json(service.send(service.request("/AuditEvents?$orderby=id&$count=true", b)
                .GET().build()));
        assertTrue(mine.get("@odata.count").asLong() >= 2);
        assertEquals(1, mine.get("value").get(0).get("id").asLong(), "each tenant's chain starts at 1");
        mine.get("value").forEach(e -> assertEquals("b-user", e.get("subject").asText(), e.toString()));
        mine.get("value").forEach(e -> assertEquals(keyId(OTHER_KEY), e.get("api_key_id").asText()));

        JsonNode theirs = TestService.json(service.get("/AuditEvents?$filter=subject eq 'b-user'&$count=true"));
        assertEquals(0, theirs.get("@odata.count").asLong(), "tenant A does not see tenant B's events");
        long bCount = Long.parseLong(service.send(service.request("/AuditEvents/$count", b).GET().build()).body());
        for (int i = 0; i <= bCount + 1; i++) {
            assertEquals(200, service.get("/Patients?$top=1").statusCode());
        }
        long last = Long.parseLong(service.get("/AuditEvents/$count").body());
        assertTrue(last > bCount + 1, last + " events of tenant A, " + bCount + " of B");
        assertEquals(200, service.get("/AuditEvents(" + last + ")").statusCode());
        assertEquals(404, service.send(service.request("/AuditEvents(" + last + ")", b).GET().build())
                .statusCode(), "tenant A's event is not tenant B's, even by key");

        HttpResponse<String> refused = service.send(service.request("/AuditEvents", without(Scope.AUDIT_READ))
                .GET().build());
        assertEquals(403, refused.statusCode());
        assertTrue(refused.headers().firstValue("WWW-Authenticate").orElse("").contains("scope=\"audit.read\""));
        assertEquals(403, service.send(service.request("/AuditEvents/$count", without(Scope.AUDIT_READ)).GET()
                .build()).statusCode());
        assertEquals(403, service.send(service.request("/AuditEvents(1)/subject", without(Scope.AUDIT_READ)).GET()
                .build()).statusCode());
    }

    @Test
    void aChangedOrRemovedEventIsFoundByAuditVerify() throws Exception {
        try (TestService own = TestService.start(Map.of())) {
            assertEquals(201, own.postJson("/Patients", "{\"id\":\"au-v\"}").statusCode());
            for (int i = 0; i < 3; i++) {
                assertEquals(200, own.get("/Patients('au-v')").statusCode());
            }
            Result intact = verify(own);
            assertEquals(AuditVerifyCommand.INTACT, intact.exit(), intact.out());
            assertTrue(intact.out().startsWith("tenant default: 4 events, intact; last chain value "), intact.out());

            try (Connection connection = own.connect(); Statement sql = connection.createStatement()) {
                appendOnlyOff(sql);
                sql.executeUpdate("UPDATE audit_event SET subject = 'someone-else' WHERE id = 2");
            }
            Result changed = verify(own);
            assertEquals(AuditVerifyCommand.BROKEN, changed.exit());
            assertEquals("tenant default: BROKEN: event 2 does not match its chain value (it was changed)"
                    + " (events 1 to 1 are intact)", changed.out().strip());

            try (Connection connection = own.connect(); Statement sql = connection.createStatement()) {
                sql.executeUpdate("UPDATE audit_event SET subject = 'user-456' WHERE id = 2");
                assertEquals(AuditVerifyCommand.INTACT, verify(own).exit(), "restored");
                sql.executeUpdate("DELETE FROM audit_event WHERE id = 3");
            }
            Result removed = verify(own);
            assertEquals(AuditVerifyCommand.BROKEN, removed.exit());
            assertEquals("tenant default: BROKEN: event 3 is missing (removed) (events 1 to 2 are intact)",
                    removed.out().strip());

            try (Connection connection = own.connect(); Statement sql = connection.createStatement()) {
                sql.executeUpdate("DELETE FROM audit_event WHERE id = 4");
            }
            Result newestRemoved = verify(own);
            assertEquals(AuditVerifyCommand.BROKEN, newestRemoved.exit());
            assertEquals("tenant default: BROKEN: events 3 to 4 are missing (removed) (events 1 to 2 are intact)",
                    newestRemoved.out().strip(), "the newest event removed too: the chain row still names it");
        }
    }

    @Test
    void theJarsAuditVerifyCommandChecksTheConfiguredDatabase() throws Exception {
        try (TestDatabase database = TestDatabase.isPostgres() ? TestDatabase.fresh() : H2Databases.overTcp();
             TestService own = TestService.start(database, Map.of())) {
            assertEquals(200, own.get("/Patients?$top=1").statusCode());
            own.runtime.awaitAudit();
            Map<String, String> settings = Map.of("db.url", database.url(), "db.user", database.user(),
                    "db.password", database.password(), "data.dir", own.dataDir.toString());
            try (JarProcess verify = JarProcess.start(own.dataDir, settings, Map.of(), "audit-verify")) {
                List<String> out = verify.remainingLines();
                assertEquals(AuditVerifyCommand.INTACT, verify.exitCode(), String.join("\n", out));
                assertTrue(out.stream().anyMatch(l -> l.startsWith("tenant default: 1 events, intact; last chain"
                        + " value ")), String.join("\n", out));
            }
            try (Connection connection = own.connect(); Statement sql = connection.createStatement()) {
                appendOnlyOff(sql);
                sql.executeUpdate("UPDATE audit_event SET status = 201 WHERE id = 1");
            }
            try (JarProcess verify = JarProcess.start(own.dataDir, settings, Map.of(), "audit-verify")) {
                List<String> out = verify.remainingLines();
                assertEquals(AuditVerifyCommand.BROKEN, verify.exitCode(), String.join("\n", out));
                assertTrue(out.contains("tenant default: BROKEN: event 1 does not match its chain value (it was"
                        + " changed)"), String.join("\n", out));
            }
        }
    }

    /** On PostgreSQL a trigger lets a role that owns the table skip it only by turning it off first. */
    private static void appendOnlyOff(Statement sql) throws SQLException {
        if (TestDatabase.isPostgres()) {
            sql.execute("ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only");
        }
    }

    private record Result(int exit, String out) {
    }

    private static Result verify(TestService on) {
        on.runtime.awaitAudit();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = AuditVerifyCommand.run(on.config, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals("", err.toString(StandardCharsets.UTF_8));
        return new Result(exit, out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void onPostgresTheDatabaseRefusesToChangeOrDeleteEvents() throws Exception {
        assumeTrue(TestDatabase.isPostgres(), "the trigger is PostgreSQL's; on H2 the hash chain is the guard");
        assertEquals(200, service.get("/Patients?$top=1").statusCode());
        try (Connection connection = service.connect(); Statement sql = connection.createStatement()) {
            assertTrue(assertThrows(SQLException.class, () -> sql.executeUpdate(
                    "UPDATE audit_event SET subject = 'x'")).getMessage().contains("append-only"));
            assertTrue(assertThrows(SQLException.class, () -> sql.executeUpdate("DELETE FROM audit_event"))
                    .getMessage().contains("append-only"));
            assertTrue(assertThrows(SQLException.class, () -> sql.execute("TRUNCATE audit_event"))
                    .getMessage().contains("append-only"));
        }
        Result intact = verify(service);
        assertEquals(AuditVerifyCommand.INTACT, intact.exit(), intact.out());
    }

    @Test
    void withoutAnAuditTrailNoPhiIsServedAndNoChangeIsKept() throws Exception {
        try (TestService own = TestService.start(Map.of())) {
            assertEquals(201, own.postJson("/Patients", "{\"id\":\"au-x\",\"last_name\":\"Secretname\"}")
                    .statusCode());
            String doc = TestService.json(upload(own, "au-x", Samples.pdf(Samples.MIN_PDF))).get("id").asText();
            try (Connection connection = own.connect(); Statement sql = connection.createStatement()) {
                sql.execute("ALTER TABLE audit_event RENAME TO audit_event_away");
            }
            // a read is served once its event is in the journal; reading the trail moves what the journal holds, and
            // finds the table refuses it: from then on nothing is served until it can be moved
            assertEquals(200, own.get("/Patients('au-x')").statusCode());
            assertEquals(503, own.get("/AuditEvents").statusCode());
            HttpResponse<String> read = own.get("/Patients('au-x')");
            assertEquals(503, read.statusCode());
            assertFalse(read.body().contains("Secretname"), read.body());
            assertEquals(503, own.get("/Patients?$filter=last_name eq 'Secretname'").statusCode());
            HttpResponse<byte[]> download = own.getBytes("/Documents('" + doc + "')/$value");
            assertEquals(503, download.statusCode());
            // the answer was held while the trail was tried: none of its headers left with the refusal
            assertTrue(download.headers().firstValue("ETag").isEmpty(), download.headers().toString());
            assertTrue(download.headers().firstValue("Content-Disposition").isEmpty(), download.headers().toString());
            HttpResponse<String> document = own.get("/Documents('" + doc + "')");
            assertEquals(503, document.statusCode());
            assertTrue(document.headers().firstValue("ETag").isEmpty(), document.headers().toString());
            assertTrue(document.headers().firstValue("X-Request-Id").isPresent(), document.headers().toString());
            assertEquals(503, own.patchJson("/Patients('au-x')", "{\"last_name\":\"Changed\"}").statusCode());
            assertEquals(503, own.delete("/Documents('" + doc + "')").statusCode());
            assertEquals(503, upload(own, "au-x", Samples.pdf(400)).statusCode());
            try (Connection connection = own.connect(); Statement sql = connection.createStatement()) {
                sql.execute("ALTER TABLE audit_event_away RENAME TO audit_event");
            }
            // the writer tries again a second after each refusal, and at once for a request that arrives meanwhile
            assertEquals(200, own.get("/AuditEvents").statusCode());
            JsonNode patient = TestService.json(own.get("/Patients('au-x')"));
            assertEquals("Secretname", patient.get("last_name").asText(), "the change was not kept");
            assertEquals(200, own.get("/Documents('" + doc + "')/$value").statusCode(), "nor the delete");
            assertEquals(1, TestService.json(own.get("/Patients('au-x')/Documents")).get("value").size(),
                    "nor the upload");
            assertNotNull(verify(own));
            assertEquals(AuditVerifyCommand.INTACT, verify(own).exit());
        }
    }
}
