package org.patientdocs.storage;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.security.GeneralSecurityException;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;

/**
 * The two operator commands of encryption at rest, each in batches, safe while instances serve requests, and
 * resumable after a crash simply by running again: what is left to do is read from the rows each time.
 * <ul>
 *   <li>{@link #rewrapKeys}: every data key not wrapped by the keyring's primary key is unwrapped and wrapped by it,
 *       a batch per transaction; the content is not touched;</li>
 *   <li>{@link #encryptDocuments}: every document stored unencrypted is encrypted in place
 *       ({@link EncryptedDocumentStore#encryptInPlace}).</li>
 * </ul>
 */
public final class EncryptionMaintenance {

    private final EncryptedDocumentStore store;
    private final DocumentRecords records;
    private final int batchSize;

    /**
     * @param store the service's document store, which must have encryption over it (a keyring)
     * @throws IllegalStateException when it has not
     */
    public EncryptionMaintenance(DocumentStore store, DocumentRecords records, int batchSize) {
        if (!(store instanceof EncryptedDocumentStore encrypted)) {
            throw new IllegalStateException("no keyring is configured (documents.encryption.keyring-file or"
                    + " DOCUMENTS_ENCRYPTION_KEYRING)");
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("a batch holds one document at least");
        }
        this.store = encrypted;
        this.records = records;
        this.batchSize = batchSize;
    }

    /** The id of the key data keys are moved onto. */
    public String primaryKeyId() {
        return store.keyring().primaryId();
    }

    /**
     * Moves every data key onto the primary key.
     *
     * @param progress told, after each batch, how many data keys were moved so far
     * @return how many data keys were moved
     * @throws GeneralSecurityException when a stored data key does not unwrap (altered); the batches before it are
     *                                  done, and a run after repairing it goes on from there
     */
    public long rewrapKeys(LongConsumer progress) throws GeneralSecurityException {
        long moved = 0;
        String primary = primaryKeyId();
        for (List<DocumentRecord> batch = records.wrappedByOtherThan(primary, batchSize); !batch.isEmpty();
             batch = records.wrappedByOtherThan(primary, batchSize)) {
            Map<DocumentRecord, WrappedKey> rewrapped = new IdentityHashMap<>();
            for (DocumentRecord document : batch) {
                rewrapped.put(document, store.rewrap(document));
            }
            moved += records.rewrap(rewrapped);
            progress.accept(moved);
        }
        return moved;
    }

    /** What {@link #encryptDocuments} did. */
    public record Encrypted(long encrypted, long failed) {
    }

    /**
     * Encrypts every document stored unencrypted. A document whose stored content no longer matches its SHA-256 is
     * left as it is and counted as failed; one deleted or changed meanwhile is skipped.
     *
     * @param progress told, after each batch, how many documents were encrypted so far
     */
    public Encrypted encryptDocuments(LongConsumer progress) throws IOException {
        long encrypted = 0;
        long failed = 0;
        String after = "";
        for (List<DocumentRecord> batch = records.unencryptedAfter(after, batchSize); !batch.isEmpty();
             batch = records.unencryptedAfter(after, batchSize)) {
            for (DocumentRecord document : batch) {
                try {
                    if (store.encryptInPlace(document, Long.MAX_VALUE)) {
                        encrypted++;
                    }
                } catch (TamperedContent e) {
                    failed++;
                } catch (NoSuchFileException deletedMeanwhile) {
                    // its row is gone too, or going: nothing left to encrypt
                }
                after = document.id();
            }
            progress.accept(encrypted);
        }
        return new Encrypted(encrypted, failed);
    }
}
