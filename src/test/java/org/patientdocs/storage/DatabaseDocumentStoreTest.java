package org.patientdocs.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.patientdocs.error.ServiceException;

class DatabaseDocumentStoreTest {

    private static final int CHUNK = 1000;
    private static final String TENANT = "clinic-1";
    private static final String PATIENT = "p-1";

    @TempDir
    Path spoolDir;

    private InstrumentedDataSource database;
    private DocumentRecords records;
    private DatabaseDocumentStore store;

    @BeforeEach
    void createStore() throws IOException {
        database = new InstrumentedDataSource();
        new PatientStore(database).insert(new PatientRecord(TENANT, PATIENT, null, null, null));
        records = new DocumentRecords(database);
        store = new DatabaseDocumentStore(spoolDir, database, records, CHUNK);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 999, 1000, 1001, 3500, 5000})
    void contentRoundTripsInChunksByteForByte(int size) throws Exception {
        byte[] content = ContentSpoolTest.randomBytes(size);
        DocumentRecord record = create(content);

        assertEquals((size + CHUNK - 1) / CHUNK, chunkCount(record.id()));
        try (InputStream in = store.openContent(record)) {
            assertArrayEquals(content, in.readAllBytes());
        }
        assertEquals(0, spoolFileCount(), "the spool file goes once the bytes are in the database");
    }

    @Test
    void aRangeReadsOnlyTheChunksHoldingIt() throws Exception {
        byte[] content = ContentSpoolTest.randomBytes(5500);
        DocumentRecord record = create(content);
        for (long[] range : new long[][] {{0, 1}, {5499, 1}, {999, 2}, {2100, 500}, {1000, 1000}, {3999, 1501}}) {
            int before = database.connectionsTaken();
            try (InputStream in = store.openContent(record, range[0], range[1])) {
                assertArrayEquals(Arrays.copyOfRange(content, (int) range[0], (int) (range[0] + range[1])),
                        in.readAllBytes(), range[0] + "+" + range[1]);
            }
            long chunks = (range[0] + range[1] - 1) / CHUNK - range[0] / CHUNK + 1;
            assertEquals(chunks, database.connectionsTaken() - before, "one query per chunk holding the range "
                    + range[0] + "+" + range[1]);
        }
    }

    @Test
    void aDownloadHoldsNoConnectionBetweenReads() throws Exception {
        byte[] content = ContentSpoolTest.randomBytes(3500);
        DocumentRecord record = create(content);
        int before = database.connectionsTaken();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream in = store.openContent(record)) {
            assertEquals(0, database.openConnections(), "after the first chunk");
            byte[] buffer = new byte[300];
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                out.write(buffer, 0, n);
                assertEquals(0, database.openConnections(), "between reads");
            }
        }
        assertArrayEquals(content, out.toByteArray());
        assertEquals(4, database.connectionsTaken() - before, "one short query per chunk");
    }

    @Test
    void rowAndChunksAppearTogether() throws Exception {
        DocumentRecord record = create(ContentSpoolTest.randomBytes(2500));
        assertTrue(records.exists(TENANT, record.id()));
        assertEquals(3, chunkCount(record.id()));
    }

    @Test
    void aDatabaseFailureAmidTheChunksLeavesNeitherRowNorBytes() throws Exception {
        database.failAfter("INSERT INTO document_chunk", 2);
        DocumentRecord record = record(3500);
        try (PendingContent pending = store.receive(new ByteArrayInputStream(ContentSpoolTest.randomBytes(3500)),
                10_000)) {
            assertThrows(ServiceException.ServiceUnavailable.class, () -> store.create(pending, record));
        }
        assertFalse(records.exists(TENANT, record.id()));
        assertEquals(0, chunkCount(record.id()));
        assertEquals(0, totalChunks());
        assertEquals(0, spoolFileCount());
        assertEquals(0, database.openConnections());
    }

    @Test
    void anUnknownPatientIsNotFoundAndStoresNothing() throws Exception {
        DocumentRecord record = new DocumentRecord(TENANT, DocumentIds.newId(), "nobody", "a.pdf", "application/pdf",
                10, null, null, "user-1", Instant.now(), "0".repeat(64));
        try (PendingContent pending = store.receive(new ByteArrayInputStream(new byte[10]), 100)) {
            assertThrows(ServiceException.NotFound.class, () -> store.create(pending, record));
        }
        assertEquals(0, totalChunks());
    }

    @Test
    void deleteRemovesTheRowAndItsChunks() throws Exception {
        DocumentRecord record = create(ContentSpoolTest.randomBytes(2500));
        assertTrue(store.delete(TENANT, record.id()));
        assertFalse(records.exists(TENANT, record.id()));
        assertEquals(0, chunkCount(record.id()));
        assertFalse(store.delete(TENANT, record.id()));
        assertThrows(NoSuchFileException.class, () -> store.openContent(record));
    }

    @Test
    void contentWithoutChunksIsMissing() throws Exception {
        DocumentRecord record = create(ContentSpoolTest.randomBytes(10));
        execute("DELETE FROM document_chunk WHERE document_id = ?", record.id());
        assertThrows(NoSuchFileException.class, () -> store.openContent(record));
    }

    @Test
    void aChunkVanishingMidwayEndsTheStreamWithAnError() throws Exception {
        DocumentRecord record = create(ContentSpoolTest.randomBytes(3500));
        try (InputStream in = store.openContent(record)) {
            assertEquals(CHUNK, in.readNBytes(CHUNK).length);
            execute("DELETE FROM document_chunk WHERE document_id = ? AND seq = 1", record.id());
            assertThrows(IOException.class, () -> in.read(new byte[10]));
        }
    }

    @Test
    void contentLongerThanRecordedIsAnError() throws Exception {
        DocumentRecord stored = create(ContentSpoolTest.randomBytes(2500));
        DocumentRecord shorter = new DocumentRecord(TENANT, stored.id(), stored.patientId(), stored.fileName(),
                stored.contentType(), 1500, null, null, stored.uploadedById(), stored.uploadedAt(),
                stored.contentSha256());
        try (InputStream in = store.openContent(shorter)) {
            assertThrows(IOException.class, in::readAllBytes);
        }
    }

    @Test
    void orphansCanOnlyBeStaleSpoolFiles() throws Exception {
        DocumentRecord kept = create(ContentSpoolTest.randomBytes(1500));
        PendingContent stale = store.receive(new ByteArrayInputStream(new byte[] {1}), 10);
        PendingContent fresh = store.receive(new ByteArrayInputStream(new byte[] {2}), 10);
        Files.setLastModifiedTime(stale.tempFile(), FileTime.from(Instant.now().minus(Duration.ofHours(2))));

        assertEquals(1, store.deleteOrphans(Duration.ofHours(1)));

        assertFalse(Files.exists(stale.tempFile()));
        assertTrue(Files.exists(fresh.tempFile()));
        assertEquals(2, chunkCount(kept.id()));
        fresh.close();
    }

    @Test
    void replacingContentSwitchesRowAndChunksTogetherAndAReaderOfTheOldOnesStopsInsteadOfMixingThem()
            throws Exception {
        byte[] old = ContentSpoolTest.randomBytes(3500);
        DocumentRecord current = create(old);
        InputStream reading = store.openContent(current);
        assertEquals(old[0], (byte) reading.read(), "the reader has the first chunk");

        // as long as the old content: a reader mixing the two would find nothing amiss in the sizes
        byte[] next = ContentSpoolTest.randomBytes(3500);
        DocumentRecord replacement = current.withKey(new WrappedKey("k", new byte[] {9}), 1);
        try (PendingContent pending = store.receive(new ByteArrayInputStream(next), 10_000)) {
            assertTrue(store.replaceContent(pending, current, replacement));
        }

        try (InputStream in = store.openContent(records.find(TENANT, current.id()).orElseThrow()
                .withStoredSize(next.length))) {
            assertArrayEquals(next, in.readAllBytes());
        }
        try (reading) {
            assertThrows(IOException.class, reading::readAllBytes, "never the old first chunk with new ones");
        }
        try (PendingContent again = store.receive(new ByteArrayInputStream(new byte[] {1}), 10_000)) {
            assertFalse(store.replaceContent(again, current, replacement), "the row moved on");
        }
        assertEquals(4, chunkCount(current.id()), "the chunks of the switched content, untouched");
    }

    private DocumentRecord create(byte[] content) throws IOException {
        DocumentRecord record = record(content.length);
        try (PendingContent pending = store.receive(new ByteArrayInputStream(content), 1_000_000)) {
            store.create(pending, record);
        }
        return record;
    }

    private static DocumentRecord record(long size) {
        return new DocumentRecord(TENANT, DocumentIds.newId(), PATIENT, "a.pdf", "application/pdf", size, null, null,
                "user-1", Instant.now().truncatedTo(ChronoUnit.MILLIS), "0".repeat(64));
    }

    private long spoolFileCount() throws IOException {
        try (Stream<Path> files = Files.list(spoolDir)) {
            return files.count();
        }
    }

    private int chunkCount(String id) throws SQLException {
        return count("SELECT COUNT(*) FROM document_chunk WHERE document_id = ?", id);
    }

    private int totalChunks() throws SQLException {
        return count("SELECT COUNT(*) FROM document_chunk WHERE document_id <> ?", "");
    }

    private int count(String sql, String param) throws SQLException {
        try (Connection connection = database.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, param);
            try (ResultSet rs = statement.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    private void execute(String sql, String param) throws SQLException {
        try (Connection connection = database.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, param);
            statement.executeUpdate();
        }
    }
}
