package org.patientdocs.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.patientdocs.storage.Keyring;

/**
 * {@code verify-documents} on this run's document store (a corrupted file on the file system, a corrupted chunk in
 * the database, a corrupted object in S3), unencrypted and encrypted at rest: it reads every document, shows its
 * progress, names the corrupted one on the console and never in the log, and exits non-zero.
 */
class VerifyDocumentsIT {

    @TempDir
    Path dir;

    @Test
    void aCorruptedDocumentIsNamedAndTheCommandFails() throws Exception {
        try (TestService service = TestService.start(Map.of())) {
            check(service);
        }
    }

    @Test
    void aCorruptedEncryptedDocumentIsNamedAndTheCommandFails() throws Exception {
        Path keyring = Files.writeString(dir.resolve("keyring.json"), Keyring.newKeyring("k1"));
        try (TestService service = TestService.start(Map.of("documents.encryption", "on",
                "documents.encryption.keyring-file", keyring.toString()))) {
            check(service);
        }
    }

    private static void check(TestService service) throws Exception {
        assertEquals(201, service.postJson("/Patients", "{\"id\":\"scrub-1\"}").statusCode());
        String small = upload(service, Samples.pdf(Samples.MIN_PDF + 100));
        String large = upload(service, Samples.pdf(2 * 1024 * 1024 + 99));
        upload(service, Samples.png(3000));

        Run intact = run(service);
        assertEquals(VerifyDocumentsCommand.INTACT, intact.exit, intact.out + intact.err);
        assertEquals("verified 3 documents: 3 intact, 0 mismatching", intact.out.strip());
        assertTrue(intact.err.contains("verified 3 of 3 documents (100%)"), intact.err);

        // in the second chunk / segment of the large one: the whole document is read
        service.flipStoredByte(large, 1024 * 1024 + 4321);
        service.flipStoredByte(small, 200);
        try (CapturedLogs logs = new CapturedLogs()) {
            Run corrupted = run(service);
            assertEquals(VerifyDocumentsCommand.MISMATCH, corrupted.exit, corrupted.out + corrupted.err);
            List<String> lines = corrupted.out.strip().lines().toList();
            assertEquals(3, lines.size(), corrupted.out);
            assertTrue(lines.stream().anyMatch(l -> l.startsWith("MISMATCH: document " + large + " of tenant ")),
                    corrupted.out);
            assertTrue(lines.stream().anyMatch(l -> l.startsWith("MISMATCH: document " + small + " of tenant ")),
                    corrupted.out);
            assertEquals("verified 3 documents: 1 intact, 2 mismatching", lines.get(2));
            String logged = String.join("\n", logs.lines());
            assertFalse(logged.contains(large) || logged.contains(small), "the log names a document:\n" + logged);
        }
    }

    private record Run(int exit, String out, String err) {
    }

    private static Run run(TestService service) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = VerifyDocumentsCommand.run(service.config, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), false);
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static String upload(TestService service, byte[] content) throws Exception {
        boolean pdf = content[0] == '%';
        Multipart form = new Multipart().file("file", pdf ? "scan.pdf" : "scan.png", pdf ? Samples.PDF : Samples.PNG,
                content);
        HttpResponse<String> response = service.send(service.request("/Patients(scrub-1)/Documents")
                .header("Content-Type", form.contentType()).POST(form.publisher()).build());
        assertEquals(201, response.statusCode(), response.body());
        return TestService.json(response).get("id").asText();
    }
}
