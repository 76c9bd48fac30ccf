package org.patientdocs.storage;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Documents on the local disk ({@code documents.store=filesystem}, the embedded default): bytes in
 * {@link DocumentFiles}, metadata in {@link DocumentRecords}. A document's file is committed (durably renamed into
 * place) before its row is inserted, and deleted again when the insert fails; a crash between the two leaves an
 * unreferenced file, which {@link #deleteOrphans} removes. Deletion removes the row first and the file only once
 * that deletion has committed ({@link Transactions#afterCommit}): a {@code $batch} group that rolls back the deletion
 * keeps the file, and a failure or crash before the file is gone leaves an orphan, never a row without bytes. Serves
 * one instance: other instances do not see its disk.
 */
public final class FileDocumentStore implements DocumentStore {

    private final DocumentFiles files;
    private final DocumentRecords records;
    private final Transactions transactions;

    /**
     * @param root         the documents directory, created when missing
     * @param records      the metadata rows, reached through {@code transactions}' data source
     * @param transactions the transactions a deletion may be part of
     */
    public FileDocumentStore(Path root, DocumentRecords records, Transactions transactions) throws IOException {
        this.files = new DocumentFiles(root);
        this.records = records;
        this.transactions = transactions;
    }

    @Override
    public ContentSpool spool() {
        return files.spool();
    }

    @Override
    public void create(PendingContent content, DocumentRecord record) throws IOException {
        files.commit(content, record.id());
        try {
            records.insert(record);
        } catch (RuntimeException e) {
            deleteFile(record.id(), e);
            throw e;
        }
    }

    /**
     * The file from the range's offset; a range to the file's end is the file's own stream (a
     * {@link FileInputStream}, which a download sends from its channel).
     */
    @Override
    public InputStream openContent(DocumentRecord document, long offset, long length) throws IOException {
        DocumentStore.requireWithin(document, offset, length);
        FileInputStream file = files.open(document.id(), document.contentVersion());
        try {
            file.getChannel().position(offset);
        } catch (IOException | RuntimeException e) {
            file.close();
            throw e;
        }
        return offset + length == document.fileSizeBytes() ? file : new LimitedContent(file, length);
    }

    /**
     * Stores the new bytes as the next version's file beside the current one while the row is locked, switches the
     * row ({@link DocumentRecords#switchLocked}), then removes the current file: a download that opened it keeps
     * reading it (on POSIX file systems) until it is done. A new file no row names is the sweep's.
     */
    @Override
    public boolean replaceContent(PendingContent content, DocumentRecord current, DocumentRecord replacement)
            throws IOException {
        String id = current.id();
        if (!records.switchLocked(current, replacement,
                () -> files.replace(content, id, replacement.contentVersion()))) {
            return false;
        }
        deleteFile(id, current.contentVersion(), null);
        return true;
    }

    @Override
    public boolean delete(String tenant, String documentId) {
        if (!records.delete(tenant, documentId)) {
            return false;
        }
        transactions.afterCommit(() -> deleteFile(documentId, null));
        return true;
    }

    @Override
    public int deleteOrphans(Duration minAge) throws IOException {
        return files.spool().deleteStale(minAge) + files.deleteUnreferenced(records::referenced, minAge);
    }

    /** Copies every file, holding deletions from before the snapshot until the copy is done. */
    @Override
    public long backUp(Path target, RowsSnapshot snapshot) throws IOException {
        return files.copyTo(target, snapshot);
    }

    /** Removes bytes whose row is gone or never came; a failure leaves an orphan for the sweep. */
    private void deleteFile(String id, RuntimeException failure) {
        try {
            files.delete(id);
        } catch (IOException | RuntimeException e) {
            if (failure != null) {
                failure.addSuppressed(e);
            }
        }
    }

    /** Removes one version of a document's bytes that no row refers to; a failure leaves it for the sweep. */
    private void deleteFile(String id, int version, RuntimeException failure) {
        try {
            files.delete(id, version);
        } catch (IOException | RuntimeException e) {
            if (failure != null) {
                failure.addSuppressed(e);
            }
        }
    }
}
