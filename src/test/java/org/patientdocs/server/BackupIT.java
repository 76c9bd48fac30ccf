package org.patientdocs.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.patientdocs.config.ConfigLoader;

/**
 * The {@code backup} command on the embedded default (H2 in a file, documents on the file system): a backup written
 * while the service runs, restored as the data directory of another service, holds every document of its moment and
 * nothing of what came after.
 */
class BackupIT {

    private static final String PATIENT = "backup-1";

    @TempDir
    Path dir;

    @Test
    void aBackupWrittenWhileTheServiceRunsRestoresEveryDocumentOfItsMoment() throws Exception {
        assumeFalse(TestDatabase.isPostgres(), "a backup of the H2 file database: the H2 pass runs it");
        Path backups = dir.resolve("backups");
        Map<String, String> settings = embeddedDefault(dir.resolve("data"), backups);
        Map<String, byte[]> atBackup = new LinkedHashMap<>();
        String deletedAfter;
        try (TestService service = TestService.start(settings)) {
            assertEquals(201, service.postJson("/Patients", "{\"id\":\"" + PATIENT + "\"}").statusCode());
            for (int i = 0; i < 4; i++) {
                byte[] pdf = Samples.pdf(50_000 + i * 1_000);
                atBackup.put(service.uploadPdf(PATIENT, pdf), pdf);
            }
            String deletedBefore = atBackup.keySet().iterator().next();
            assertEquals(204, service.delete("/Documents('" + deletedBefore + "')").statusCode());
            atBackup.remove(deletedBefore);
            // a read just before: its event waits in the audit journal, which the backup moves into the database first
            assertEquals(200, service.get("/Patients('" + PATIENT + "')").statusCode());

            Output command = backUp(settings, service.runtime.managementUri().getPort());
            assertEquals(BackupCommand.WRITTEN, command.exitCode(), command.err());
            assertTrue(command.out().contains("by the running service"), command.out());

            // after the backup: neither of these belongs in it
            service.uploadPdf(PATIENT, Samples.pdf(60_000));
            deletedAfter = atBackup.keySet().iterator().next();
            assertEquals(204, service.delete("/Documents('" + deletedAfter + "')").statusCode());
        }

        Path backup = onlyBackup(backups);
        assertFalse(backup.getFileName().toString().endsWith(".partial"));
        try (TestService restored = TestService.start(embeddedDefault(backup, dir.resolve("unused")))) {
            JsonNode list = TestService.json(restored.get("/Patients('" + PATIENT + "')/Documents?$select=id"));
            List<String> ids = new ArrayList<>();
            list.get("value").forEach(row -> ids.add(row.get("id").asText()));
            assertEquals(new ArrayList<>(atBackup.keySet()).stream().sorted().toList(),
                    ids.stream().sorted().toList(), "the documents of the backup's moment, and only those");
            assertEquals(1, readsOfThePatient(restored), "the read just before the backup");
            for (Map.Entry<String, byte[]> document : atBackup.entrySet()) {
                assertArrayEquals(document.getValue(),
                        restored.getBytes("/Documents('" + document.getKey() + "')/$value").body(),
                        "restored byte for byte, the one deleted after the backup too");
            }
        }
    }

    @Test
    void withTheServiceStoppedTheCommandWritesTheBackupItself() throws Exception {
        assumeFalse(TestDatabase.isPostgres(), "a backup of the H2 file database: the H2 pass runs it");
        Path backups = dir.resolve("backups");
        Map<String, String> settings = embeddedDefault(dir.resolve("data"), backups);
        String id;
        byte[] pdf = Samples.pdf(40_000);
        int port;
        try (TestService service = TestService.start(settings)) {
            assertEquals(201, service.postJson("/Patients", "{\"id\":\"" + PATIENT + "\"}").statusCode());
            id = service.uploadPdf(PATIENT, pdf);
            port = service.runtime.managementUri().getPort();
        }

        Output command = backUp(settings, port);
        assertEquals(BackupCommand.WRITTEN, command.exitCode(), command.err());
        assertTrue(command.out().contains("\"document_files\":1"), command.out());

        try (TestService restored = TestService.start(embeddedDefault(onlyBackup(backups), dir.resolve("unused")))) {
            assertArrayEquals(pdf, restored.getBytes("/Documents('" + id + "')/$value").body());
        }
    }

    /**
     * A backup holds no unfinished resumable upload's bytes; after a restore, the upload's next part is refused as
     * gone (404, tus's answer for an upload to start again) instead of being written after a hole of zeros.
     */
    @Test
    void anUnfinishedResumableUploadCannotGoOnAfterARestore() throws Exception {
        assumeFalse(TestDatabase.isPostgres(), "a backup of the H2 file database: the H2 pass runs it");
        Path backups = dir.resolve("backups");
        Map<String, String> settings = embeddedDefault(dir.resolve("data"), backups);
        byte[] pdf = Samples.pdf(40_000);
        String upload;
        try (TestService service = TestService.start(settings)) {
            assertEquals(201, service.postJson("/Patients", "{\"id\":\"" + PATIENT + "\"}").statusCode());
            HttpResponse<String> created = service.send(tus(service, service.base + "uploads")
                    .header("Upload-Length", Integer.toString(pdf.length))
                    .header("Upload-Metadata", "patient_id " + base64(PATIENT) + ",filename " + base64("scan.pdf"))
                    .header("Content-Type", "application/offset+octet-stream")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(Arrays.copyOf(pdf, 10_000))).build());
            assertEquals(201, created.statusCode(), created.body());
            upload = URI.create(created.headers().firstValue("Location").orElseThrow()).getPath();
            Output command = backUp(settings, service.runtime.managementUri().getPort());
            assertEquals(BackupCommand.WRITTEN, command.exitCode(), command.err());
        }

        try (TestService restored = TestService.start(embeddedDefault(onlyBackup(backups), dir.resolve("unused")))) {
            HttpResponse<String> next = restored.send(tus(restored, restored.base + upload.substring(1))
                    .header("Upload-Offset", "10000").header("Content-Type", "application/offset+octet-stream")
                    .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(Arrays.copyOfRange(pdf, 10_000,
                            pdf.length))).build());
            assertEquals(404, next.statusCode(), next.body());
            assertTrue(next.body().contains("start the upload again"), next.body());
            assertEquals(0, TestService.json(restored.get("/Patients('" + PATIENT + "')/Documents?$count=true"))
                    .get("@odata.count").asInt(), "no document made of a hole and the rest");
        }
    }

    private static HttpRequest.Builder tus(TestService service, String url) {
        return service.request("/").uri(URI.create(url)).header("Tus-Resumable", "1.0.0");
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * A backup holds every access before it, so while the audit trail cannot be written none is taken (503); once it
     * can, the next one is.
     */
    @Test
    void noBackupIsWrittenWhileTheAuditTrailCannotBe() throws Exception {
        assumeFalse(TestDatabase.isPostgres(), "a backup of the H2 file database: the H2 pass runs it");
        Path backups = dir.resolve("backups");
        try (TestService service = TestService.start(embeddedDefault(dir.resolve("data"), backups))) {
            assertEquals(201, service.postJson("/Patients", "{\"id\":\"" + PATIENT + "\"}").statusCode());
            try (Connection connection = service.connect(); Statement sql = connection.createStatement()) {
                sql.execute("ALTER TABLE audit_event RENAME TO audit_event_away");
            }
            // served once its event is in the journal, which the backup must move first
            assertEquals(200, service.get("/Patients('" + PATIENT + "')").statusCode());
            HttpResponse<String> refused = postBackup(service);
            assertEquals(503, refused.statusCode(), refused.body());
            assertTrue(refused.body().contains("audit trail"), refused.body());
            if (Files.exists(backups)) {
                try (Stream<Path> written = Files.list(backups)) {
                    assertEquals(List.of(), written.toList(), "nothing written");
                }
            }

            try (Connection connection = service.connect(); Statement sql = connection.createStatement()) {
                sql.execute("ALTER TABLE audit_event_away RENAME TO audit_event");
            }
            HttpResponse<String> written = postBackup(service);
            assertEquals(200, written.statusCode(), written.body());
        }
        try (TestService restored = TestService.start(embeddedDefault(onlyBackup(backups), dir.resolve("unused")))) {
            assertEquals(1, readsOfThePatient(restored));
        }
    }

    @Test
    void aServiceWhoseDatabaseIsNotAnH2FileRefusesToWriteABackup() throws Exception {
        try (TestService service = TestService.start(Map.of("management.port", "0"))) {
            URI management = service.runtime.managementUri();
            HttpResponse<String> refused = postBackup(service);
            assertEquals(501, refused.statusCode(), refused.body());
            assertTrue(refused.body().contains("pg_dump"), refused.body());

            HttpResponse<String> onTheServicePort = service.send(service.request("/backup")
                    .POST(HttpRequest.BodyPublishers.noBody()).build());
            assertFalse(onTheServicePort.statusCode() == 200 || onTheServicePort.statusCode() == 501,
                    "the service's own port never writes backups: " + onTheServicePort.statusCode());

            Output command = backUp(Map.of("db.url", service.config.database().url(), "data.dir",
                    service.dataDir.toString()), management.getPort());
            assertEquals(BackupCommand.CANNOT_RUN, command.exitCode());
            assertTrue(command.err().contains("pg_dump"), command.err());
        }
    }

    /** {@code POST /backup} on the service's management port. */
    private static HttpResponse<String> postBackup(TestService service) throws Exception {
        return service.http.send(HttpRequest.newBuilder(service.runtime.managementUri().resolve("/backup"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** How many reads of {@link #PATIENT} the service's audit trail holds. */
    private static int readsOfThePatient(TestService service) throws Exception {
        JsonNode reads = TestService.json(service.get("/AuditEvents?$filter=action eq 'read' and resource eq"
                + " 'Patients(''" + PATIENT + "'')'&$count=true&$top=0"));
        return reads.get("@odata.count").asInt();
    }

    /** The embedded default over a data directory: H2 in its file, documents on its file system. */
    private static Map<String, String> embeddedDefault(Path dataDir, Path backups) {
        Map<String, String> settings = new HashMap<>();
        settings.put("data.dir", dataDir.toString());
        settings.put("db.url", "jdbc:h2:file:" + dataDir.resolve("db").resolve("documents") + ";WRITE_DELAY=0");
        settings.put("documents.store", "filesystem");
        settings.put("management.port", "0");
        settings.put("backup.dir", backups.toString());
        return settings;
    }

    private record Output(int exitCode, String out, String err) {
    }

    /** Runs the command as an operator would, with the service's settings and its management port. */
    private static Output backUp(Map<String, String> settings, int managementPort) {
        Map<String, String> config = new HashMap<>(settings);
        config.put("management.port", Integer.toString(managementPort));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = BackupCommand.run(ConfigLoader.fromOverrides(config), new PrintStream(out, true,
                StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Output(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static Path onlyBackup(Path backups) throws IOException {
        try (Stream<Path> written = Files.list(backups)) {
            List<Path> all = written.toList();
            assertEquals(1, all.size(), all.toString());
            return all.get(0);
        }
    }
}
