package org.patientdocs.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A range of an encrypted document reads the header and the encrypted segments holding the range, nothing else. */
class EncryptedRangesTest {

    private static final String TENANT = "clinic-1";
    private static final String PATIENT = "p-1";
    private static final int SEGMENT = ContentCipher.SEGMENT_BYTES;

    @TempDir
    Path dataDir;

    private DocumentRecords records;
    private FileDocumentStore files;
    private final AtomicLong storedBytesRead = new AtomicLong();
    private DocumentStore encrypted;

    @BeforeEach
    void createStore() throws IOException {
        InstrumentedDataSource database = new InstrumentedDataSource();
        new PatientStore(database).insert(new PatientRecord(TENANT, PATIENT, null, null, null));
        Transactions transactions = new Transactions(database);
        records = new DocumentRecords(transactions.dataSource());
        files = new FileDocumentStore(dataDir.resolve("documents"), records, transactions);
        encrypted = EncryptedDocumentStore.over(new Counting(files), Keyring.parse(Keyring.newKeyring("k"), "test"),
                true, records);
    }

    @Test
    void aRangeDecryptsOnlyTheSegmentsHoldingIt() throws Exception {
        byte[] content = ContentSpoolTest.randomBytes(6 * SEGMENT);
        DocumentRecord document = create(content);
        for (long[] range : new long[][] {{0, 1}, {content.length - 1, 1}, {3L * SEGMENT + 7, 1000},
                {SEGMENT - 100, 200}, {4L * SEGMENT, 2 * SEGMENT}}) {
            storedBytesRead.set(0);
            try (InputStream in = encrypted.openContent(document, range[0], range[1])) {
                assertArrayEquals(Arrays.copyOfRange(content, (int) range[0], (int) (range[0] + range[1])),
                        in.readAllBytes(), range[0] + "+" + range[1]);
            }
            // the header and at most one segment more than the range spans at either end
            long segments = range[1] / SEGMENT + 2;
            assertTrue(storedBytesRead.get() <= segments * SEGMENT + 100,
                    storedBytesRead.get() + " stored bytes read for " + range[0] + "+" + range[1]);
        }
        storedBytesRead.set(0);
        try (InputStream in = encrypted.openContent(document)) {
            assertArrayEquals(content, in.readAllBytes());
        }
        assertEquals(ContentCipher.storedSize(content.length), storedBytesRead.get(), "the whole document, once");
    }

    @Test
    void anAlteredSegmentInTheRangeFailsAndOneOutsideItDoesNotMatter() throws Exception {
        byte[] content = ContentSpoolTest.randomBytes(4 * SEGMENT);
        DocumentRecord document = create(content);
        try (RandomAccessFile file = new RandomAccessFile(new DocumentFiles(dataDir.resolve("documents"))
                .pathOf(document.id(), document.contentVersion()).toFile(), "rw")) {
            file.seek(2L * SEGMENT + 100);
            int b = file.read();
            file.seek(2L * SEGMENT + 100);
            file.write(b ^ 1);
        }
        assertThrows(TamperedContent.class, () -> encrypted.openContent(document, 2L * SEGMENT + 10, 10));
        try (InputStream in = encrypted.openContent(document, 3L * SEGMENT + 10, 10)) {
            assertArrayEquals(Arrays.copyOfRange(content, 3 * SEGMENT + 10, 3 * SEGMENT + 20), in.readAllBytes());
        }
    }

    private DocumentRecord create(byte[] content) throws IOException {
        try (PendingContent pending = encrypted.receive(new ByteArrayInputStream(content), 100_000_000)) {
            DocumentRecord record = new DocumentRecord(TENANT, pending.documentId(), PATIENT, "a.pdf",
                    "application/pdf", content.length, null, null, "user-1",
                    Instant.now().truncatedTo(ChronoUnit.MILLIS), "0".repeat(64));
            encrypted.create(pending, record);
            return records.find(TENANT, record.id()).orElseThrow();
        }
    }

    /** The file store, counting the stored bytes read through it. */
    private final class Counting implements DocumentStore {
        private final DocumentStore store;

        Counting(DocumentStore store) {
            this.store = store;
        }

        @Override
        public ContentSpool spool() {
            return store.spool();
        }

        @Override
        public void create(PendingContent content, DocumentRecord record) throws IOException {
            store.create(content, record);
        }

        @Override
        public InputStream openContent(DocumentRecord document, long offset, long length) throws IOException {
            return new FilterInputStream(store.openContent(document, offset, length)) {
                @Override
                public int read() throws IOException {
                    int b = super.read();
                    storedBytesRead.addAndGet(b < 0 ? 0 : 1);
                    return b;
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    int read = super.read(b, off, len);
                    storedBytesRead.addAndGet(Math.max(read, 0));
                    return read;
                }
            };
        }

        @Override
        public boolean delete(String tenant, String documentId) {
            return store.delete(tenant, documentId);
        }

        @Override
        public int deleteOrphans(Duration minAge) throws IOException {
            return store.deleteOrphans(minAge);
        }
    }
}
