package org.patientdocs.storage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Documents on the local disk ({@code documents.store=filesystem}, the embedded default): bytes in
 * {@link DocumentFiles}, metadata in {@link DocumentRecords}. A document's file is committed (durably renamed into
 * place) before its row is inserted, and deleted again when the insert fails; a crash between the two leaves an
 * unreferenced file, which {@link #deleteOrphans} removes. Deletion removes the row first, so a failure to delete
 * the file leaves an orphan, never a row without bytes. Serves one instance: other instances do not see its disk.
 */
public final class FileDocumentStore implements DocumentStore {

    private final DocumentFiles files;
    private final DocumentRecords records;

    /** @param root the documents directory, created when missing */
    public FileDocumentStore(Path root, DocumentRecords records) throws IOException {
        this.files = new DocumentFiles(root);
        this.records = records;
    }

    @Override
    public PendingContent receive(InputStream in, long maxBytes) throws IOException {
        return files.spool().write(in, maxBytes);
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

    @Override
    public InputStream openContent(DocumentRecord document) throws IOException {
        return files.open(document.id());
    }

    @Override
    public boolean delete(String documentId) {
        if (!records.delete(documentId)) {
            return false;
        }
        deleteFile(documentId, null);
        return true;
    }

    @Override
    public int deleteOrphans(Duration minAge) throws IOException {
        return files.spool().deleteStale(minAge) + files.deleteUnreferenced(records::exists, minAge);
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
}
