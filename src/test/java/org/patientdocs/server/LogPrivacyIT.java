package org.patientdocs.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/** Logs carry request ids, route shapes and statuses, never ids, names, content, tokens or keys. */
class LogPrivacyIT {

    private static final String PATIENT = "privacy-patient-77";
    private static final String FILE_NAME = "secret-diagnosis-name.pdf";
    private static final String DESCRIPTION = "confidential description text";

    @Test
    void aWholeSessionIncludingFailuresLogsNothingIdentifying() throws Exception {
        try (TestService service = TestService.start(Map.of()); CapturedLogs logs = new CapturedLogs()) {
            service.postJson("/Patients", "{\"id\":\"" + PATIENT + "\",\"last_name\":\"Secretname\"}");
            String token = service.token("user-456");
            Multipart form = new Multipart().file("file", FILE_NAME, Samples.PDF, Samples.pdf(3000))
                    .field("description", DESCRIPTION);
            HttpResponse<String> created = service.send(service.request("/Patients(" + PATIENT + ")/Documents")
                    .header("Content-Type", form.contentType()).POST(form.publisher()).build());
            assertEquals(201, created.statusCode(), created.body());
            String id = TestService.json(created).get("id").asText();
            String path = "/Patients(" + PATIENT + ")/Documents(" + id + ")";

            assertEquals(200, service.get(path).statusCode());
            assertEquals(200, service.getBytes(path + "/$value").statusCode());
            assertEquals(200, service.get("/Documents?$filter=file_name eq '" + FILE_NAME + "'").statusCode());
            assertEquals(400, service.get("/Documents?$filter=file_name eq '" + FILE_NAME).statusCode());
            HttpResponse<String> missing = service.get("/Patients(" + PATIENT + ")/Documents(doc-missing" + id + ")");
            assertEquals(404, missing.statusCode(), missing.body());
            int unknownPath = service.get("/" + FILE_NAME).statusCode();
            assertTrue(unknownPath == 400 || unknownPath == 404, "status " + unknownPath);

            // Lose the bytes behind the service's back: the download fails with a 500 whose cause is logged.
            service.loseContent(id);
            HttpResponse<String> failed = service.get(path + "/$value");
            assertEquals(500, failed.statusCode());
            JsonNode error = TestService.json(failed).get("error");
            String requestId = failed.headers().firstValue("X-Request-Id").orElseThrow();
            assertTrue(error.get("message").asText().contains(requestId));
            assertFalse(failed.body().contains(id));

            // the audit trail names the patient; its failures are logged without it
            assertEquals(200, service.get("/AuditEvents?$filter=patient_ids/any(p: p eq '" + PATIENT + "')")
                    .statusCode());
            try (Connection connection = service.connect(); Statement sql = connection.createStatement()) {
                sql.execute("ALTER TABLE audit_event RENAME TO audit_event_away");
                assertEquals(503, service.get("/AuditEvents").statusCode());
                assertEquals(503, service.get(path).statusCode());
                assertEquals(503, service.patchJson("/Patients(" + PATIENT + ")", "{\"first_name\":\"Secretname\"}")
                        .statusCode());
                sql.execute("ALTER TABLE audit_event_away RENAME TO audit_event");
            }

            assertEquals(204, service.delete(path).statusCode());

            List<String> lines = logs.lines();
            String all = String.join("\n", lines);
            assertTrue(all.contains("GET /Patients({id})/Documents({id})/$value 200"), all);
            assertTrue(all.contains("POST /Patients({id})/Documents 201"), all);
            assertTrue(all.contains("GET /{?} " + unknownPath), all);
            assertTrue(all.contains("audit events could not be written"), all);
            assertTrue(lines.stream().anyMatch(l -> l.contains(requestId) && l.contains("NoSuchFileException")), all);
            for (String secret : List.of(id, PATIENT, FILE_NAME, "secret-diagnosis", DESCRIPTION, "Secretname",
                    token, TestService.API_KEY, "%PDF", service.dataDir.toString())) {
                assertFalse(all.contains(secret), "the log contains " + secret + ":\n" + all);
            }
        }
    }
}
