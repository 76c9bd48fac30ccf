package org.patientdocs.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.patientdocs.error.ServiceException;

class FileDocumentStoreTest {

    private static final String TENANT = "clinic-1";
    private static final String OTHER_TENANT = "clinic-2";
    private static final String PATIENT = "p-1";

    @TempDir
    Path dataDir;

    private InstrumentedDataSource database;
    private Transactions transactions;
    private DocumentRecords records;
    private FileDocumentStore store;
    private DocumentFiles files;

    @BeforeEach
    void createStore() throws IOException {
        database = new InstrumentedDataSource();
        new PatientStore(database).insert(new PatientRecord(TENANT, PATIENT, null, null, null));
        transactions = new Transactions(database);
        records = new DocumentRecords(transactions.dataSource());
        store = new FileDocumentStore(dataDir.resolve("documents"), records, transactions);
        files = new DocumentFiles(dataDir.resolve("documents"));
    }

    @Test
    void createStoresTheFileAndTheRow() throws Exception {
        byte[] content = ContentSpoolTest.randomBytes(5000);
        DocumentRecord record = create(record(PATIENT, content.length), content);
        assertTrue(records.exists(TENANT, record.id()));
        assertTrue(Files.exists(files.pathOf(record.id())));
        try (InputStream in = store.openContent(record)) {
            assertArrayEquals(content, in.readAllBytes());
        }
        assertEquals(0, storedFileCount() - 1, "nothing but the document");
    }

    @Test
    void aRangeIsReadFromItsOffsetAndEndsWhereItEnds() throws Exception {
        byte[] content = ContentSpoolTest.randomBytes(5000);
        DocumentRecord record = create(record(PATIENT, content.length), content);
        for (long[] range : new long[][] {{0, 1}, {4999, 1}, {1000, 2000}, {3000, 2000}, {0, 5000}}) {
            try (InputStream in = store.openContent(record, range[0], range[1])) {
                assertArrayEquals(Arrays.copyOfRange(content, (int) range[0], (int) (range[0] + range[1])),
                        in.readAllBytes(), range[0] + "+" + range[1]);
            }
        }
        assertThrows(IllegalArgumentException.class, () -> store.openContent(record, 4000, 1001));
    }

    @Test
    void aFailedInsertTakesTheFileBackOut() throws Exception {
        DocumentRecord orphan = record("nobody", 10);
        assertThrows(ServiceException.NotFound.class, () -> create(orphan, new byte[10]));
        assertFalse(Files.exists(files.pathOf(orphan.id())));

        database.failAfter("INSERT INTO document", 0);
        DocumentRecord unreachable = record(PATIENT, 10);
        assertThrows(ServiceException.ServiceUnavailable.class, () -> create(unreachable, new byte[10]));
        assertFalse(Files.exists(files.pathOf(unreachable.id())));
        assertEquals(0, storedFileCount());
    }

    @Test
    void anotherTenantCannotFindChangeOrDeleteTheDocumentByItsId() throws Exception {
        DocumentRecord record = create(record(PATIENT, 3), new byte[] {1, 2, 3});
        assertTrue(records.find(OTHER_TENANT, record.id()).isEmpty());
        assertFalse(records.exists(OTHER_TENANT, record.id()));
        assertFalse(records.updateLabels(OTHER_TENANT, record.id(), "Referral", "changed", 1));
        assertFalse(store.delete(OTHER_TENANT, record.id()));

        assertEquals(record, records.find(TENANT, record.id()).orElseThrow());
        assertTrue(Files.exists(files.pathOf(record.id())));
    }

    @Test
    void deleteRemovesRowAndFile() throws Exception {
        DocumentRecord record = create(record(PATIENT, 3), new byte[] {1, 2, 3});
        assertTrue(store.delete(TENANT, record.id()));
        assertFalse(records.exists(TENANT, record.id()));
        assertThrows(NoSuchFileException.class, () -> store.openContent(record));
        assertFalse(store.delete(TENANT, record.id()));
    }

    @Test
    void aDeleteRolledBackKeepsRowAndFile() throws Exception {
        byte[] content = {1, 2, 3};
        DocumentRecord record = create(record(PATIENT, 3), content);
        transactions.inTransaction(() -> {
            assertTrue(store.delete(TENANT, record.id()));
            assertTrue(Files.exists(files.pathOf(record.id())), "the file waits for the commit");
            return new Transactions.Outcome<>(null, false);
        });
        assertTrue(records.exists(TENANT, record.id()));
        try (InputStream in = store.openContent(record)) {
            assertArrayEquals(content, in.readAllBytes());
        }
    }

    @Test
    void aDeleteCommittedRemovesTheFileAfterTheCommit() throws Exception {
        DocumentRecord record = create(record(PATIENT, 3), new byte[] {1, 2, 3});
        transactions.inTransaction(() -> {
            assertTrue(store.delete(TENANT, record.id()));
            assertTrue(Files.exists(files.pathOf(record.id())), "the file waits for the commit");
            return new Transactions.Outcome<>(null, true);
        });
        assertFalse(records.exists(TENANT, record.id()));
        assertFalse(Files.exists(files.pathOf(record.id())));
        assertEquals(0, storedFileCount());
    }

    @Test
    void aFileLeftByADeleteIsSweptAsAnOrphan() throws Exception {
        DocumentRecord record = create(record(PATIENT, 3), new byte[] {1, 2, 3});
        age(files.pathOf(record.id()));
        // the row's deletion committed, then the service stopped before it removed the file
        assertTrue(records.delete(TENANT, record.id()));
        assertEquals(1, store.deleteOrphans(Duration.ofHours(1)));
        assertEquals(0, storedFileCount());
    }

    @Test
    void deleteOrphansRemovesOldUnreferencedFilesAndStaleSpoolFiles() throws Exception {
        DocumentRecord kept = create(record(PATIENT, 1), new byte[] {1});
        age(files.pathOf(kept.id()));
        String orphan = DocumentIds.newId();
        try (PendingContent pending = store.receive(new ByteArrayInputStream(new byte[] {2}), 10)) {
            files.commit(pending, orphan);
        }
        age(files.pathOf(orphan));
        String young = DocumentIds.newId();
        try (PendingContent pending = store.receive(new ByteArrayInputStream(new byte[] {3}), 10)) {
            files.commit(pending, young);
        }
        PendingContent stale = store.receive(new ByteArrayInputStream(new byte[] {4}), 10);
        age(stale.tempFile());

        assertEquals(2, store.deleteOrphans(Duration.ofHours(1)));

        assertTrue(Files.exists(files.pathOf(kept.id())));
        assertFalse(Files.exists(files.pathOf(orphan)));
        assertTrue(Files.exists(files.pathOf(young)), "may be an upload still inserting its row");
        assertFalse(Files.exists(stale.tempFile()));
    }

    @Test
    void replacingContentSwitchesTheRowToTheNewFileAndRemovesTheOldOnly() throws Exception {
        DocumentRecord current = create(record(PATIENT, 3), new byte[] {1, 2, 3});
        WrappedKey key = new WrappedKey("k", new byte[] {9});
        InputStream reading = store.openContent(current);
        // what a run that crashed after writing the new file left under its name
        Files.writeString(files.pathOf(current.id(), 1), "left by a crashed run");

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
        assertFalse(Files.exists(files.pathOf(current.id())), "the old bytes are gone");
        try (reading) {
            assertArrayEquals(new byte[] {1, 2, 3}, reading.readAllBytes(), "a download already reading finishes");
        }
        try (PendingContent again = store.receive(new ByteArrayInputStream(new byte[] {6}), 100)) {
            assertFalse(store.replaceContent(again, current, current.withKey(key, 1)),
                    "the row no longer refers to the bytes this replacement was made from");
        }
        try (InputStream in = store.openContent(switched.withStoredSize(2))) {
            assertArrayEquals(new byte[] {4, 5}, in.readAllBytes(), "and the switched bytes are untouched");
        }
        assertTrue(store.delete(TENANT, current.id()));
        assertEquals(0, storedFileCount(), "deleting the document deletes the new version");
    }

    private DocumentRecord create(DocumentRecord record, byte[] content) throws IOException {
        try (PendingContent pending = store.receive(new ByteArrayInputStream(content), 1_000_000)) {
            store.create(pending, record);
        }
        return record;
    }

    private static DocumentRecord record(String patient, long size) {
        return new DocumentRecord(TENANT, DocumentIds.newId(), patient, "a.pdf", "application/pdf", size, null, null,
                "user-1", Instant.now().truncatedTo(ChronoUnit.MILLIS), "0".repeat(64));
    }

    private long storedFileCount() throws IOException {
        try (Stream<Path> all = Files.walk(dataDir.resolve("documents"))) {
            return all.filter(Files::isRegularFile).count();
        }
    }

    private static void age(Path file) throws IOException {
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().minus(Duration.ofHours(2))));
    }
}
