package org.patientdocs.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.patientdocs.config.S3Config;
import org.patientdocs.error.ServiceException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/** The S3 store against a real S3-compatible server (S3Proxy, in this JVM) and an in-memory H2. */
class S3DocumentStoreTest {

    private static final String TENANT = "clinic-1";
    private static final String OTHER_TENANT = "clinic-2";
    private static final String PATIENT = "p-1";
    private static final S3ProxyServer S3 = S3ProxyServer.shared();

    @TempDir
    Path dataDir;

    private final String prefix = "unit-" + UUID.randomUUID() + "/";
    private final S3Client client = S3.client();
    private InstrumentedDataSource database;
    private Transactions transactions;
    private DocumentRecords records;
    private S3DocumentStore store;

    @BeforeEach
    void createStore() throws IOException {
        database = new InstrumentedDataSource();
        new PatientStore(database).insert(new PatientRecord(TENANT, PATIENT, null, null, null));
        transactions = new Transactions(database);
        records = new DocumentRecords(transactions.dataSource());
        store = new S3DocumentStore(S3.config(prefix, Duration.ofSeconds(10)), dataDir.resolve("spool"), records,
                transactions);
    }

    @AfterEach
    void closeStore() {
        store.close();
        S3.deleteAll(prefix);
        client.close();
    }

    @Test
    void createStoresTheObjectUnderThePrefixAndTheRow() throws Exception {
        byte[] content = ContentSpoolTest.randomBytes(5000);
        DocumentRecord record = create(record(PATIENT, content.length), content);
        assertTrue(records.exists(TENANT, record.id()));
        assertEquals(List.of(prefix + record.id()), S3.keys(prefix));
        try (InputStream in = store.openContent(record)) {
            assertArrayEquals(content, in.readAllBytes());
        }
    }

    @Test
    void aRangeIsARangedGetOfTheObjectPlainOrEncrypted() throws Exception {
        byte[] content = ContentSpoolTest.randomBytes(3 * ContentCipher.SEGMENT_BYTES);
        DocumentRecord plain = create(record(PATIENT, content.length), content);
        DocumentStore encrypted = EncryptedDocumentStore.over(store, Keyring.parse(Keyring.newKeyring("k"), "test"),
                true, records);
        DocumentRecord stored;
        try (PendingContent pending = encrypted.receive(new ByteArrayInputStream(content), 100_000_000)) {
            DocumentRecord sealed = record(pending.documentId(), PATIENT, content.length);
            encrypted.create(pending, sealed);
            stored = records.find(TENANT, sealed.id()).orElseThrow();
        }
        for (long[] range : new long[][] {{0, 1}, {content.length - 1, 1}, {ContentCipher.SEGMENT_BYTES - 30, 100},
                {2 * ContentCipher.SEGMENT_BYTES + 5, 1000}}) {
            byte[] expected = Arrays.copyOfRange(content, (int) range[0], (int) (range[0] + range[1]));
            try (InputStream in = store.openContent(plain, range[0], range[1])) {
                assertArrayEquals(expected, in.readAllBytes(), "plain " + range[0] + "+" + range[1]);
            }
            try (InputStream in = encrypted.openContent(stored, range[0], range[1])) {
                assertArrayEquals(expected, in.readAllBytes(), "encrypted " + range[0] + "+" + range[1]);
            }
        }
    }

    @Test
    void anUploadLargerThanAPartIsStoredInPartsAndReadBackWhole() throws Exception {
        byte[] content = ContentSpoolTest.randomBytes(11 * 1024 * 1024 + 17);
        DocumentRecord record = create(record(PATIENT, content.length), content);
        String etag = client.headObject(b -> b.bucket(S3ProxyServer.BUCKET).key(prefix + record.id())).eTag();
        assertTrue(etag.endsWith("-3\""), "a multipart object of three parts: " + etag);
        try (InputStream in = store.openContent(record)) {
            assertArrayEquals(content, in.readAllBytes());
        }
    }

    @Test
    void aFailedInsertTakesTheObjectBackOut() throws Exception {
        DocumentRecord orphan = record("nobody", 10);
        assertThrows(ServiceException.NotFound.class, () -> create(orphan, new byte[10]));

        database.failAfter("INSERT INTO document", 0);
        DocumentRecord unreachable = record(PATIENT, 10);
        assertThrows(ServiceException.ServiceUnavailable.class, () -> create(unreachable, new byte[10]));
        assertEquals(List.of(), S3.keys(prefix));
    }

    @Test
    void anUploadPreparedBeforeItsTransactionIsStoredOnceAndAbandonedWithoutTrace() throws Exception {
        byte[] content = ContentSpoolTest.randomBytes(3000);
        DocumentRecord record = record(PATIENT, content.length);
        try (PendingContent pending = store.receive(new ByteArrayInputStream(content), 10_000)) {
            store.prepare(pending, record.id());
            assertEquals(List.of(prefix + record.id()), S3.keys(prefix), "stored before the row");
            assertFalse(records.exists(TENANT, record.id()));
            store.create(pending, record);
        }
        try (InputStream in = store.openContent(record)) {
            assertArrayEquals(content, in.readAllBytes());
        }
        DocumentRecord abandoned = record(PATIENT, 10);
        try (PendingContent pending = store.receive(new ByteArrayInputStream(new byte[10]), 10_000)) {
            store.prepare(pending, abandoned.id());
            store.abandon(pending, abandoned.id());
        }
        assertEquals(List.of(prefix + record.id()), S3.keys(prefix));
    }

    @Test
    void withEncryptionOverItTheCiphertextIsPreparedBeforeTheTransactionAndTheStoreIsClosedThroughTheLayer()
            throws Exception {
        DocumentStore encrypted = EncryptedDocumentStore.over(store, Keyring.parse(Keyring.newKeyring("k"), "test"),
                true, records);
        byte[] content = ContentSpoolTest.randomBytes(3000);
        DocumentRecord record;
        try (PendingContent pending = encrypted.receive(new ByteArrayInputStream(content), 10_000)) {
            record = record(pending.documentId(), PATIENT, content.length);
            encrypted.prepare(pending, record.id());
            assertEquals(List.of(prefix + record.id()), S3.keys(prefix), "stored before the row");
            String prepared = client.headObject(b -> b.bucket(S3ProxyServer.BUCKET).key(prefix + record.id())).eTag();
            encrypted.create(pending, record);
            assertEquals(prepared, client.headObject(b -> b.bucket(S3ProxyServer.BUCKET).key(prefix + record.id()))
                    .eTag(), "the row refers to the ciphertext prepared, not to one encrypted anew");
        }
        byte[] stored = client.getObjectAsBytes(b -> b.bucket(S3ProxyServer.BUCKET).key(prefix + record.id()))
                .asByteArray();
        assertTrue(stored.length > content.length && !Arrays.equals(Arrays.copyOf(stored, 100),
                Arrays.copyOf(content, 100)), "the object is ciphertext");
        DocumentRecord created = records.find(TENANT, record.id()).orElseThrow();
        try (InputStream in = encrypted.openContent(created)) {
            assertArrayEquals(content, in.readAllBytes());
        }

        try (PendingContent pending = encrypted.receive(new ByteArrayInputStream(new byte[10]), 10_000)) {
            encrypted.prepare(pending, pending.documentId());
            encrypted.abandon(pending, pending.documentId());
        }
        assertEquals(List.of(prefix + record.id()), S3.keys(prefix), "the abandoned ciphertext is gone");
        try (var spooled = Files.list(dataDir.resolve("spool"))) {
            assertEquals(0, spooled.count(), "no spool file is left, plaintext or ciphertext");
        }

        encrypted.close();
        assertThrows(RuntimeException.class, () -> store.openContent(created), "the S3 client is closed");
    }

    @Test
    void anotherTenantCannotDeleteTheDocumentByItsId() throws Exception {
        DocumentRecord record = create(record(PATIENT, 3), new byte[] {1, 2, 3});
        assertFalse(store.delete(OTHER_TENANT, record.id()));
        assertEquals(List.of(prefix + record.id()), S3.keys(prefix));
    }

    @Test
    void aDeleteRemovesTheObjectOnlyOnceTheRowsDeletionCommitted() throws Exception {
        byte[] content = {1, 2, 3};
        DocumentRecord record = create(record(PATIENT, 3), content);
        transactions.inTransaction(() -> {
            assertTrue(store.delete(TENANT, record.id()));
            assertEquals(1, S3.keys(prefix).size(), "the object waits for the commit");
            return new Transactions.Outcome<>(null, false);
        });
        try (InputStream in = store.openContent(record)) {
            assertArrayEquals(content, in.readAllBytes(), "a rollback keeps the document whole");
        }
        transactions.inTransaction(() -> {
            assertTrue(store.delete(TENANT, record.id()));
            return new Transactions.Outcome<>(null, true);
        });
        assertFalse(records.exists(TENANT, record.id()));
        assertEquals(List.of(), S3.keys(prefix));
        assertThrows(NoSuchFileException.class, () -> store.openContent(record));
    }

    @Test
    void theSweepRemovesObjectsWithoutRowsAndUnfinishedUploadsButKeepsTheRest() throws Exception {
        DocumentRecord kept = create(record(PATIENT, 1), new byte[] {1});
        String orphan = DocumentIds.newId();
        client.putObject(b -> b.bucket(S3ProxyServer.BUCKET).key(prefix + orphan),
                RequestBody.fromBytes(new byte[] {2}));
        String notADocument = prefix + "notes/readme.txt";
        client.putObject(b -> b.bucket(S3ProxyServer.BUCKET).key(notADocument),
                RequestBody.fromBytes(new byte[] {3}));
        client.createMultipartUpload(b -> b.bucket(S3ProxyServer.BUCKET).key(prefix + DocumentIds.newId()));

        assertEquals(0, store.deleteOrphans(Duration.ofHours(1)), "young leftovers may belong to uploads in flight");
        assertEquals(2, store.deleteOrphans(Duration.ZERO));

        assertEquals(List.of(notADocument, prefix + kept.id()).stream().sorted().toList(), S3.keys(prefix));
        assertEquals(0, client.listMultipartUploads(b -> b.bucket(S3ProxyServer.BUCKET).prefix(prefix)).uploads()
                .size());
    }

    @Test
    void replacingContentSwitchesTheRowToTheNextVersionsObjectAndRemovesTheOldOnly() throws Exception {
        DocumentRecord current = create(record(PATIENT, 3), new byte[] {1, 2, 3});
        WrappedKey key = new WrappedKey("k", new byte[] {9});
        // what a run that crashed after putting the new object left under its key
        put(prefix + current.id() + ".v1", new byte[] {7, 7, 7, 7});

        try (PendingContent next = store.receive(new ByteArrayInputStream(new byte[] {4, 5}), 100)) {
            assertTrue(store.replaceContent(next, current, current.withKey(key, 1)));
        }

        DocumentRecord switched = records.find(TENANT, current.id()).orElseThrow();
        assertEquals(1, switched.contentVersion());
        assertEquals("k", switched.key().keyId());
        assertEquals(3, switched.fileSizeBytes(), "the row keeps the size of the document as uploaded");
        try (InputStream in = store.openContent(switched.withStoredSize(2))) {
            assertArrayEquals(new byte[] {4, 5}, in.readAllBytes());
        }
        assertEquals(List.of(prefix + current.id() + ".v1"), S3.keys(prefix), "the old object is gone");
        try (PendingContent again = store.receive(new ByteArrayInputStream(new byte[] {6}), 100)) {
            assertFalse(store.replaceContent(again, current, current.withKey(key, 1)),
                    "the row no longer refers to the bytes this replacement was made from");
        }
        try (InputStream in = store.openContent(switched.withStoredSize(2))) {
            assertArrayEquals(new byte[] {4, 5}, in.readAllBytes(), "and the switched bytes are untouched");
        }
        assertTrue(store.delete(TENANT, current.id()));
        assertEquals(List.of(), S3.keys(prefix), "deleting the document deletes the new version");
    }

    @Test
    void theSweepKeepsTheVersionARowNamesAndRemovesTheOthers() throws Exception {
        DocumentRecord current = create(record(PATIENT, 1), new byte[] {1});
        try (PendingContent next = store.receive(new ByteArrayInputStream(new byte[] {2}), 100)) {
            assertTrue(store.replaceContent(next, current, current.withKey(new WrappedKey("k", new byte[] {9}), 1)));
        }
        DocumentRecord unversioned = create(record(PATIENT, 1), new byte[] {3});
        // the old version of one left by a crash after the switch, the next version of the other by a crash before
        put(prefix + current.id(), new byte[] {1});
        put(prefix + unversioned.id() + ".v1", new byte[] {4});

        assertEquals(2, store.deleteOrphans(Duration.ZERO));
        assertEquals(List.of(prefix + current.id() + ".v1", prefix + unversioned.id()).stream().sorted().toList(),
                S3.keys(prefix));

        // the objects of an id that begins with the deleted one's belong to another document
        String longer = prefix + unversioned.id() + "x";
        put(longer, new byte[] {5});
        assertTrue(store.delete(TENANT, unversioned.id()));
        assertEquals(List.of(prefix + current.id() + ".v1", longer).stream().sorted().toList(), S3.keys(prefix));
    }

    @Test
    void anUnreachableS3ServiceIsUnavailableAndLeavesNoRow() throws Exception {
        URI closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = URI.create("http://127.0.0.1:" + socket.getLocalPort());
        }
        S3Config config = new S3Config(closed, S3ProxyServer.REGION, S3ProxyServer.BUCKET, prefix, true,
                Duration.ofSeconds(2), 2, 5L * 1024 * 1024);
        try (S3DocumentStore unreachable = new S3DocumentStore(S3DocumentStore.client(config), config,
                dataDir.resolve("spool"), records, transactions)) {
            DocumentRecord record = record(PATIENT, 3);
            try (PendingContent pending = unreachable.receive(new ByteArrayInputStream(new byte[] {1, 2, 3}), 10)) {
                assertThrows(ServiceException.ServiceUnavailable.class, () -> unreachable.create(pending, record));
            }
            assertFalse(records.exists(TENANT, record.id()));
            assertThrows(ServiceException.ServiceUnavailable.class, () -> unreachable.openContent(record));
        }
    }

    @Test
    void aBucketThatCannotBeReachedStopsTheStartNamingIt() {
        S3Config config = new S3Config(S3.endpoint(), S3ProxyServer.REGION, "no-such-bucket", prefix, true,
                Duration.ofSeconds(5), 2, 5L * 1024 * 1024);
        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> new S3DocumentStore(config, dataDir.resolve("spool"), records, transactions));
        assertEquals("s3.bucket no-such-bucket cannot be reached at " + S3.endpoint() + " (s3.region us-east-1):"
                + " S3 answered 404 NoSuchBucket", refused.getMessage());
    }

    private void put(String key, byte[] content) {
        client.putObject(b -> b.bucket(S3ProxyServer.BUCKET).key(key), RequestBody.fromBytes(content));
    }

    private DocumentRecord create(DocumentRecord record, byte[] content) throws IOException {
        try (PendingContent pending = store.receive(new ByteArrayInputStream(content), 100_000_000)) {
            store.create(pending, record);
        }
        return record;
    }

    private static DocumentRecord record(String patient, long size) {
        return record(DocumentIds.newId(), patient, size);
    }

    private static DocumentRecord record(String id, String patient, long size) {
        return new DocumentRecord(TENANT, id, patient, "a.pdf", "application/pdf", size, null, null,
                "user-1", Instant.now().truncatedTo(ChronoUnit.MILLIS), "0".repeat(64));
    }
}
