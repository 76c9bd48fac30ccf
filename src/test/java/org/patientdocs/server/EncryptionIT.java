package org.patientdocs.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.patientdocs.config.ConfigException;
import org.patientdocs.storage.Keyring;

/**
 * Encryption at rest ({@code documents.encryption=on}) over this run's document store, whichever it is: documents
 * round-trip with the sizes, digests and ETags of what was uploaded while the store holds only ciphertext; keys
 * rotate while the service serves; documents stored before encryption are encrypted in place; a missing key stops the
 * start naming it; and an altered byte at rest never reaches a client as content.
 */
class EncryptionIT {

    /** Spans several encrypted segments of 1 MiB, and ends in the middle of one. */
    private static final int LARGE = 3 * 1024 * 1024 + 517;

    @TempDir
    Path dir;

    @Test
    void encryptedDocumentsRoundTripAsUploadedWhileTheStoreHoldsCiphertext() throws Exception {
        Path keyring = keyring("k1", "k1");
        try (TestService service = TestService.start(encrypted(keyring))) {
            createPatient(service, "enc-1");
            byte[] large = Samples.pdf(LARGE);
            String largeId = upload(service, "enc-1", large);
            byte[] small = Samples.png(2000);
            String smallId = upload(service, "enc-1", small);

            for (Map.Entry<String, byte[]> document : Map.of(largeId, large, smallId, small).entrySet()) {
                HttpResponse<byte[]> download = service.getBytes("/Documents('" + document.getKey() + "')/$value");
                assertEquals(200, download.statusCode());
                assertArrayEquals(document.getValue(), download.body());
                assertEquals(String.valueOf(document.getValue().length),
                        download.headers().firstValue("Content-Length").orElseThrow());
                assertEquals("\"" + sha256(document.getValue()) + "\"",
                        download.headers().firstValue("ETag").orElseThrow());
                assertEquals(document.getValue().length, TestService.json(service.get("/Documents('"
                        + document.getKey() + "')")).get("file_size_bytes").asLong());
                assertEquals("k1", keyIdOf(service, document.getKey()));
            }
            byte[] stored = service.storedBytes(largeId);
            assertTrue(stored.length > large.length, "the store holds ciphertext with its tags");
            assertFalse(new String(stored, 0, 64, StandardCharsets.ISO_8859_1).contains("%PDF"),
                    "the stored bytes are not the document's");
            assertEquals(-1, indexOf(stored, Arrays.copyOfRange(large, 1000, 1064)),
                    "no run of the document's bytes is stored as it was");

            long storedFiles = service.storedFiles();
            assertEquals(204, service.delete("/Documents('" + largeId + "')").statusCode());
            assertEquals(storedFiles - 1, service.storedFiles(), "deleting an encrypted document removes its bytes");
        }
    }

    @Test
    void uploadsRefusedWhileOrAfterArrivingEncryptedLeaveNoFileAndNoRow() throws Exception {
        Map<String, String> settings = new HashMap<>(encrypted(keyring("k1", "k1")));
        settings.put("upload.max-bytes", Integer.toString(LARGE));
        try (TestService service = TestService.start(settings)) {
            createPatient(service, "enc-refused");
            long storedFiles = service.storedFiles();

            // cut off mid-way: more than the limit arrives, without a Content-Length announcing it
            Multipart tooLarge = new Multipart().file("file", "scan.pdf", Samples.PDF, Samples.pdf(LARGE + 1));
            HttpResponse<String> refused = service.send(service.request("/Patients(enc-refused)/Documents")
                    .header("Content-Type", tooLarge.contentType()).POST(tooLarge.chunkedPublisher()).build());
            assertEquals(413, refused.statusCode(), refused.body());

            // received whole, then refused by the checks of its content, which read it back decrypted
            Multipart mismatch = new Multipart().file("file", "scan.pdf", Samples.PDF, Samples.png(2000));
            refused = service.send(service.request("/Patients(enc-refused)/Documents")
                    .header("Content-Type", mismatch.contentType()).POST(mismatch.publisher()).build());
            assertEquals(400, refused.statusCode(), refused.body());
            assertTrue(refused.body().contains("CONTENT_TYPE_MISMATCH"), refused.body());
            Multipart broken = new Multipart().file("file", "scan.pdf", Samples.PDF,
                    Arrays.copyOf(Samples.pdf(LARGE), LARGE - 100));
            refused = service.send(service.request("/Patients(enc-refused)/Documents")
                    .header("Content-Type", broken.contentType()).POST(broken.publisher()).build());
            assertEquals(400, refused.statusCode(), refused.body());
            assertTrue(refused.body().contains("MALFORMED_FILE"), refused.body());

            assertEquals(storedFiles, service.storedFiles(), "no spool file and no stored bytes are left");
            assertEquals(0, TestService.json(service.get("/Patients(enc-refused)/Documents")).get("value").size(),
                    "no row");
            assertEquals(0, encryptedRows(service));
        }
    }

    @Test
    void aFlippedByteInStoredCiphertextAbortsTheDownloadBeforeItsSegment() throws Exception {
        Path keyring = keyring("k1", "k1");
        try (TestService service = TestService.start(encrypted(keyring)); CapturedLogs logs = new CapturedLogs()) {
            createPatient(service, "enc-2");
            byte[] large = Samples.pdf(LARGE);
            String laterSegment = upload(service, "enc-2", large);
            String firstSegment = upload(service, "enc-2", large);
            // the third of four segments, and the first
            service.flipStoredByte(laterSegment, 2L * 1024 * 1024 + 4321);
            service.flipStoredByte(firstSegment, 4321);

            HttpResponse<InputStream> download = service.http.send(
                    service.request("/Documents('" + laterSegment + "')/$value").GET().build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            assertEquals(200, download.statusCode(), "the headers left before the altered segment was read");
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            assertThrows(IOException.class, () -> {
                try (InputStream body = download.body()) {
                    body.transferTo(received);
                }
            }, "the connection is aborted: the client cannot take the answer for the whole document");
            assertTrue(received.size() <= 2 * 1024 * 1024, "no byte of the altered segment was sent, "
                    + received.size() + " were");
            assertArrayEquals(Arrays.copyOf(large, received.size()), received.toByteArray(),
                    "what was sent is the document's own beginning");

            HttpResponse<String> refused = service.get("/Documents('" + firstSegment + "')/$value");
            assertEquals(500, refused.statusCode(), "an altered first segment fails before the answer starts");
            assertFalse(refused.body().contains("%PDF"));

            String alteredKey = upload(service, "enc-2", Samples.png(900));
            try (Connection connection = service.connect();
                 PreparedStatement read = connection.prepareStatement("SELECT wrapped_key FROM document WHERE id = ?");
                 PreparedStatement write = connection.prepareStatement(
                         "UPDATE document SET wrapped_key = ? WHERE id = ?")) {
                read.setString(1, alteredKey);
                byte[] wrapped;
                try (ResultSet rs = read.executeQuery()) {
                    assertTrue(rs.next());
                    wrapped = rs.getBytes(1);
                }
                wrapped[wrapped.length / 2] ^= 1;
                write.setBytes(1, wrapped);
                write.setString(2, alteredKey);
                assertEquals(1, write.executeUpdate());
            }
            assertEquals(500, service.get("/Documents('" + alteredKey + "')/$value").statusCode(),
                    "an altered wrapped key fails before the answer starts");

            List<String> integrity = logs.lines().stream()
                    .filter(l -> l.startsWith("org.patientdocs.storage.TamperedContent ")).toList();
            assertEquals(3, integrity.size(), "each failure is logged once: " + integrity);
            for (String line : logs.lines()) {
                assertFalse(line.contains(laterSegment) || line.contains(firstSegment) || line.contains(alteredKey)
                        || line.contains("enc-2") || line.contains("scan."), "the log names no document: " + line);
            }
        }
    }

    @Test
    void keysRotateWhileTheServiceServesAndTheOldKeyCanThenBeRetired() throws Exception {
        Path shared = Files.createDirectories(dir.resolve("data"));
        Map<String, String> keys = Map.of("k1", Keyring.newKey(), "k2", Keyring.newKey());
        try (TestDatabase database = TestDatabase.fresh()) {
            Map<String, byte[]> documents = new LinkedHashMap<>();
            try (TestService before = TestService.start(database,
                    on(shared, keyring("before.json", "k1", Map.of("k1", keys.get("k1")))))) {
                createPatient(before, "enc-3");
                documents.put(upload(before, "enc-3", Samples.pdf(LARGE)), null);
                for (int i = 0; i < 4; i++) {
                    documents.put(upload(before, "enc-3", Samples.png(1000 + i)), null);
                }
                for (String id : documents.keySet()) {
                    documents.put(id, before.getBytes("/Documents('" + id + "')/$value").body());
                }
            }

            Map<String, String> etags = new HashMap<>();
            try (TestService rotating = TestService.start(database, on(shared, keyring("rotating.json", "k2", keys)))) {
                for (String id : documents.keySet()) {
                    etags.put(id, TestService.json(rotating.get("/Documents('" + id + "')")).get("@odata.etag")
                            .asText());
                }
                String added = upload(rotating, "enc-3", Samples.png(3000));
                assertEquals("k2", keyIdOf(rotating, added), "new documents take the new primary key");
                documents.put(added, rotating.getBytes("/Documents('" + added + "')/$value").body());
                etags.put(added, TestService.json(rotating.get("/Documents('" + added + "')")).get("@odata.etag")
                        .asText());

                AtomicInteger batches = new AtomicInteger();
                int exit = EncryptionCommand.run(EncryptionCommand.REWRAP_KEYS, rotating.config, quiet(), quiet(), 2,
                        done -> {
                            batches.incrementAndGet();
                            assertAllDownload(rotating, documents);
                        });
                assertEquals(EncryptionCommand.DONE, exit);
                assertEquals(3, batches.get(), "five data keys to move, two per batch, served between batches");
                for (String id : documents.keySet()) {
                    assertEquals("k2", keyIdOf(rotating, id));
                    assertEquals(etags.get(id), TestService.json(rotating.get("/Documents('" + id + "')"))
                            .get("@odata.etag").asText(), "a rewrap changes no document");
                }
                assertAllDownload(rotating, documents);
                assertEquals(EncryptionCommand.DONE, EncryptionCommand.run(EncryptionCommand.REWRAP_KEYS,
                        rotating.config, quiet(), quiet(), 2, done -> { }), "a second run finds nothing left");
            }

            try (TestService retired = TestService.start(database,
                    on(shared, keyring("retired.json", "k2", Map.of("k2", keys.get("k2")))))) {
                assertAllDownload(retired, documents);
            }
            ConfigException refused = assertThrows(ConfigException.class, () -> TestService.start(database,
                    on(shared, keyring("wrong.json", "k1", Map.of("k1", keys.get("k1"))))).close());
            assertTrue(refused.getMessage().contains("key k2"), refused.getMessage());
        }
    }

    @Test
    void aKeyringWithoutTheRightKeyOfStoredDocumentsRefusesToStartNamingIt() throws Exception {
        Path shared = Files.createDirectories(dir.resolve("data"));
        try (TestDatabase database = TestDatabase.fresh()) {
            try (TestService service = TestService.start(database, on(shared, keyring("clinic-2026", "clinic-2026")))) {
                createPatient(service, "enc-4");
                upload(service, "enc-4", Samples.png(500));
            }
            ConfigException otherKey = assertThrows(ConfigException.class, () -> TestService.start(database,
                    on(shared, keyring("other-key", "other-key"))).close());
            assertTrue(otherKey.getMessage().contains("key clinic-2026"), otherKey.getMessage());
            ConfigException wrongKey = assertThrows(ConfigException.class, () -> TestService.start(database,
                    on(shared, keyring("wrong-key", "clinic-2026"))).close());
            assertTrue(wrongKey.getMessage().startsWith("key clinic-2026 of the keyring does not unwrap"),
                    wrongKey.getMessage());

            Map<String, String> noKeyring = new HashMap<>(Map.of("data.dir", shared.toString()));
            ConfigException none = assertThrows(ConfigException.class,
                    () -> TestService.start(database, noKeyring).close());
            assertTrue(none.getMessage().contains("key clinic-2026"), none.getMessage());

            Path broken = Files.writeString(dir.resolve("broken.json"),
                    "{\"primary\":\"a\",\"keys\":{\"a\":\"c2hvcnQ=\"}}");
            ConfigException malformed = assertThrows(ConfigException.class, () -> TestService.start(database,
                    on(shared, broken)).close());
            assertTrue(malformed.getMessage().contains("key a must be the base64 text of 32 random bytes"),
                    malformed.getMessage());
            assertFalse(malformed.getMessage().contains("c2hvcnQ"), "the message never quotes a key");
        }
    }

    @Test
    void encryptDocumentsEncryptsDocumentsStoredBeforeInPlaceWhileServing() throws Exception {
        Path shared = Files.createDirectories(dir.resolve("data"));
        try (TestDatabase database = TestDatabase.fresh()) {
            Map<String, byte[]> documents = new LinkedHashMap<>();
            Map<String, String> plainOnly = new HashMap<>(Map.of("data.dir", shared.toString()));
            try (TestService before = TestService.start(database, plainOnly)) {
                createPatient(before, "enc-5");
                byte[] large = Samples.pdf(LARGE);
                documents.put(upload(before, "enc-5", large), large);
                for (int i = 0; i < 4; i++) {
                    byte[] png = Samples.png(700 + i);
                    documents.put(upload(before, "enc-5", png), png);
                }
            }

            try (TestService service = TestService.start(database, on(shared, keyring("k1", "k1")))) {
                assertAllDownload(service, documents);
                long storedBefore = service.storedFiles();
                List<String> etags = new ArrayList<>();
                for (String id : documents.keySet()) {
                    etags.add(service.getBytes("/Documents('" + id + "')/$value").headers().firstValue("ETag")
                            .orElseThrow());
                }

                // a crash after the first batch: the documents of that batch are done, the rest are not
                AtomicInteger batches = new AtomicInteger();
                int crashed = EncryptionCommand.run(EncryptionCommand.ENCRYPT_DOCUMENTS, service.config, quiet(),
                        quiet(), 2, done -> {
                            if (batches.incrementAndGet() == 1) {
                                throw new IllegalStateException("the process died");
                            }
                        });
                assertNotEquals(EncryptionCommand.DONE, crashed);
                assertEquals(2, encryptedRows(service), "the first batch is done");
                assertAllDownload(service, documents);

                int exit = EncryptionCommand.run(EncryptionCommand.ENCRYPT_DOCUMENTS, service.config, quiet(),
                        quiet(), 2, done -> assertAllDownload(service, documents));
                assertEquals(EncryptionCommand.DONE, exit);
                assertEquals(documents.size(), encryptedRows(service), "run again, it did the rest");
                assertAllDownload(service, documents);
                List<String> etagsAfter = new ArrayList<>();
                for (String id : documents.keySet()) {
                    assertEquals("k1", keyIdOf(service, id));
                    etagsAfter.add(service.getBytes("/Documents('" + id + "')/$value").headers().firstValue("ETag")
                            .orElseThrow());
                    assertFalse(Arrays.equals(documents.get(id), service.storedBytes(id)),
                            "the store holds ciphertext now");
                }
                assertEquals(etags, etagsAfter, "downloads are the same documents");
                assertEquals(storedBefore, service.storedFiles(), "the unencrypted bytes are gone");
            }
        }
    }

    /** Every document downloads as it was uploaded. */
    private static void assertAllDownload(TestService service, Map<String, byte[]> documents) {
        try {
            for (Map.Entry<String, byte[]> document : documents.entrySet()) {
                HttpResponse<byte[]> download = service.getBytes("/Documents('" + document.getKey() + "')/$value");
                assertEquals(200, download.statusCode());
                assertArrayEquals(document.getValue(), download.body());
            }
        } catch (IOException | InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    private static Map<String, String> encrypted(Path keyring) {
        return Map.of("documents.encryption", "on", "documents.encryption.keyring-file", keyring.toString());
    }

    private static Map<String, String> on(Path dataDir, Path keyring) {
        Map<String, String> settings = new HashMap<>(encrypted(keyring));
        settings.put("data.dir", dataDir.toString());
        return settings;
    }

    /** A keyring file with one new key, the primary. */
    private Path keyring(String name, String keyId) throws IOException {
        return Files.writeString(dir.resolve(name + ".json"), Keyring.newKeyring(keyId));
    }

    private Path keyring(String name, String primary, Map<String, String> keys) throws IOException {
        StringBuilder json = new StringBuilder("{\"primary\":\"" + primary + "\",\"keys\":{");
        keys.forEach((id, key) -> json.append(json.charAt(json.length() - 1) == '{' ? "" : ",")
                .append('"').append(id).append("\":\"").append(key).append('"'));
        return Files.writeString(dir.resolve(name), json.append("}}").toString());
    }

    private static void createPatient(TestService service, String id) throws Exception {
        assertEquals(201, service.postJson("/Patients", "{\"id\":\"" + id + "\"}").statusCode());
    }

    private static String upload(TestService service, String patient, byte[] content) throws Exception {
        boolean pdf = content[0] == '%';
        Multipart form = new Multipart().file("file", pdf ? "scan.pdf" : "scan.png", pdf ? Samples.PDF : Samples.PNG,
                content);
        HttpResponse<String> response = service.send(service.request("/Patients(" + patient + ")/Documents")
                .header("Content-Type", form.contentType()).POST(form.publisher()).build());
        assertEquals(201, response.statusCode(), response.body());
        return TestService.json(response).get("id").asText();
    }

    private static String keyIdOf(TestService service, String documentId) throws SQLException {
        try (Connection connection = service.connect();
             PreparedStatement statement = connection.prepareStatement("SELECT key_id FROM document WHERE id = ?")) {
            statement.setString(1, documentId);
            try (ResultSet rs = statement.executeQuery()) {
                assertTrue(rs.next());
                return rs.getString(1);
            }
        }
    }

    private static long encryptedRows(TestService service) throws SQLException {
        try (Connection connection = service.connect();
             PreparedStatement statement = connection.prepareStatement(
                     "SELECT COUNT(*) FROM document WHERE key_id IS NOT NULL");
             ResultSet rs = statement.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static PrintStream quiet() {
        return new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
