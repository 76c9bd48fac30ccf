package org.patientdocs.storage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;

import org.patientdocs.error.ServiceException;

/**
 * A document's bytes together with the metadata row that makes them visible. Every implementation keeps the same
 * promises:
 * <ul>
 *   <li>bytes stream both ways through bounded buffers, whatever the document's size;</li>
 *   <li>no pooled database connection is held while bytes travel to or from a client: uploads are received into a
 *       local {@link ContentSpool} first, downloads read the stored bytes piece by piece;</li>
 *   <li>a document is visible only once its bytes are durable and its row is committed; a failure leaves no row
 *       without bytes and no reachable partial bytes.</li>
 * </ul>
 * Implementations are thread-safe.
 */
public interface DocumentStore extends AutoCloseable {

    /**
     * Receives an upload into the local spool, computing its size and SHA-256 (with encryption at rest, encrypting
     * it as it arrives). The stream is read to its end but not closed.
     *
     * @throws ServiceException.PayloadTooLarge as soon as more than {@code maxBytes} bytes arrive
     */
    default PendingContent receive(InputStream in, long maxBytes) throws IOException {
        return spool().write(in, maxBytes);
    }

    /** The local spool uploads are received into, in the place this store takes them from. */
    ContentSpool spool();

    /**
     * Moves the received bytes towards their store before the transaction that will insert their row begins, where
     * that takes long and needs no database (a transfer to S3), so that no pooled connection waits on it;
     * {@link #create} then finds them stored. Nothing is visible before {@code create}: bytes prepared but never
     * referenced by a row are the {@linkplain #deleteOrphans sweep}'s. Optional: by default {@code create} does it all.
     * The bytes are those of a new document, the first version of its content; with encryption at rest, the layer
     * encrypts them here already and prepares the ciphertext.
     *
     * @throws ServiceException.ServiceUnavailable when the store cannot be reached
     */
    default void prepare(PendingContent content, String documentId) throws IOException {
    }

    /**
     * Removes what {@link #prepare} stored when {@link #create} was never called for it (the transaction could not
     * begin). Never fails: what it cannot remove is left for the sweep.
     */
    default void abandon(PendingContent content, String documentId) {
    }

    /**
     * Stores the received bytes under {@code record.id()} (as version {@code record.contentVersion()}), unless
     * {@link #prepare} did, and inserts the record: afterwards both are durable, or, when this throws, neither is
     * visible. The caller still closes {@code content}. With encryption at rest ({@link EncryptedDocumentStore}) the
     * content is the ciphertext: its size and SHA-256 are those of the bytes to store, while the record's are those
     * of the document as uploaded; a store checking what it stored compares with the content's.
     *
     * @throws ServiceException.NotFound           when the patient was deleted meanwhile
     * @throws ServiceException.ServiceUnavailable when the database cannot be reached
     */
    void create(PendingContent content, DocumentRecord record) throws IOException;

    /**
     * The stored bytes of a document (version {@code document.contentVersion()}), {@code document.fileSizeBytes()} of
     * them (the encryption layer passes the size it stored); the caller closes the stream.
     *
     * @throws NoSuchFileException when no bytes are stored for the document
     */
    default InputStream openContent(DocumentRecord document) throws IOException {
        return openContent(document, 0, document.fileSizeBytes());
    }

    /**
     * A range of a document's stored bytes: {@code length} of them from {@code offset}, read without reading those
     * before it (a file from the offset, the chunks holding the range, a ranged GET, the encrypted segments holding
     * it); the caller closes the stream.
     *
     * @param offset the first byte, at least 0
     * @param length how many bytes, at least 0; {@code offset + length} is at most {@code document.fileSizeBytes()}
     * @throws NoSuchFileException when no bytes are stored for the document
     * @throws IllegalArgumentException when the range is not within the document
     */
    InputStream openContent(DocumentRecord document, long offset, long length) throws IOException;

    /** Refuses a range that is not within the document: the callers check ranges before they open them. */
    static void requireWithin(DocumentRecord document, long offset, long length) {
        if (offset < 0 || length < 0 || offset > document.fileSizeBytes() - length) {
            throw new IllegalArgumentException("the range is not within the document");
        }
    }

    /**
     * Stores {@code content} as new bytes of a document under another name than its current ones, points its row at
     * them (the data key and content version of {@code replacement}) if the row still refers to the bytes
     * {@code current} names, and only then removes the old bytes. A reader finds the old row with the old bytes or the
     * new row with the new bytes, never a row whose bytes cannot be read; a crash leaves at most unreferenced bytes
     * for the {@linkplain #deleteOrphans sweep}. Used by {@code encrypt-documents}.
     *
     * @return false when the row changed or vanished meanwhile; then nothing changed
     */
    default boolean replaceContent(PendingContent content, DocumentRecord current, DocumentRecord replacement)
            throws IOException {
        throw new UnsupportedOperationException("this document store cannot store a document's bytes anew");
    }

    /**
     * Deletes the tenant's document, row and bytes; false when the tenant has no such row. Inside a
     * {@link Transactions transaction} the deletion takes effect, bytes included, when the transaction commits, and a
     * rollback keeps the document whole.
     * Once it has taken effect the document is gone for every reader, even if some bytes are left for the
     * {@linkplain #deleteOrphans sweep}.
     */
    boolean delete(String tenant, String documentId);

    /**
     * Deletes bytes that no row refers to and that were last written more than {@code minAge} ago: the leftovers of
     * a crash. Safe to run while requests are served, provided {@code minAge} exceeds the time an upload needs
     * between storing its bytes and committing its row.
     *
     * @return how many leftovers were deleted
     */
    int deleteOrphans(Duration minAge) throws IOException;

    /**
     * Copies the stored bytes into {@code target}, consistent with a snapshot of the rows that {@code snapshot} takes
     * (run by this method, at the moment the store chooses): every document a row of the snapshot names is in the
     * copy. A store whose bytes are in the database's rows, or outside this instance (S3, where the bucket's own
     * versioning keeps them), copies nothing and only takes the snapshot: the default.
     *
     * @return how many files were copied
     */
    default long backUp(Path target, RowsSnapshot snapshot) throws IOException {
        snapshot.take();
        return 0;
    }

    /** Takes a consistent snapshot of the database's rows, for {@link #backUp}. */
    @FunctionalInterface
    interface RowsSnapshot {
        void take() throws IOException;
    }

    /**
     * Whether the store's own service answers now (the S3 bucket): what a readiness check asks. The local spool and
     * the database are checked apart; stores without a service of their own are always reachable.
     */
    default boolean reachable() {
        return true;
    }

    /** Releases what the store holds beyond the database (the S3 store's connections); nothing for the others. */
    @Override
    default void close() {
    }
}
