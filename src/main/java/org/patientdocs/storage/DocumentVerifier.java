package org.patientdocs.storage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The scrub an operator runs after restoring a backup: reads every stored document through the configured store
 * (decrypting what is encrypted), as a download would, and checks its size and SHA-256 against its row. Reads in
 * batches of rows, one document at a time through a bounded buffer; safe while instances serve requests (a document
 * deleted meanwhile is skipped).
 */
public final class DocumentVerifier {

    private static final int BUFFER_BYTES = 256 * 1024;

    private final DocumentStore store;
    private final DocumentRecords records;
    private final int batchSize;

    public DocumentVerifier(DocumentStore store, DocumentRecords records, int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("a batch holds one document at least");
        }
        this.store = store;
        this.records = records;
        this.batchSize = batchSize;
    }

    /** Told, after each document, how many were checked of how many there were when the scrub began. */
    public interface Progress {
        void checked(long done, long total);
    }

    /** A document that failed its check. */
    public record Failure(String tenant, String documentId, String reason) {
    }

    /** What the scrub found: how many documents were checked, and which failed. */
    public record Result(long checked, List<Failure> failures) {
        public boolean intact() {
            return failures.isEmpty();
        }
    }

    /** How many documents there are to check. */
    public long total() {
        return records.count();
    }

    /**
     * Checks every document.
     *
     * @throws org.patientdocs.error.ServiceException.ServiceUnavailable when the database or the store cannot be
     *                                                                   reached
     */
    public Result verify(Progress progress) {
        long total = total();
        long checked = 0;
        List<Failure> failures = new ArrayList<>();
        String after = "";
        for (List<DocumentRecord> batch = records.after(after, batchSize); !batch.isEmpty();
             batch = records.after(after, batchSize)) {
            for (DocumentRecord document : batch) {
                String reason = check(document);
                if (reason != null && !reason.isEmpty()) {
                    failures.add(new Failure(document.tenant(), document.id(), reason));
                }
                if (reason == null || !reason.isEmpty()) {
                    checked++;
                }
                after = document.id();
                progress.checked(checked, Math.max(total, checked));
            }
        }
        return new Result(checked, failures);
    }

    /** Null when the document is intact, empty when it was deleted meanwhile, else why it is not. */
    private String check(DocumentRecord document) {
        MessageDigest sha256 = ContentSpool.sha256();
        long size = 0;
        byte[] buffer = new byte[BUFFER_BYTES];
        try (InputStream in = store.openContent(document)) {
            for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
                sha256.update(buffer, 0, read);
                size += read;
            }
        } catch (NoSuchFileException e) {
            return records.exists(document.tenant(), document.id()) ? "its stored content is missing" : "";
        } catch (TamperedContent e) {
            return "its stored content failed its integrity check (altered, truncated or another document's)";
        } catch (IOException e) {
            // a store that checks sizes as it reads (the database's chunks) ends content of another size this way, and
            // a document deleted meanwhile too
            return records.exists(document.tenant(), document.id())
                    ? "its stored content could not be read to its end (" + e.getClass().getSimpleName() + ")" : "";
        }
        if (size != document.fileSizeBytes()) {
            return "its stored content has " + size + " bytes, its row says " + document.fileSizeBytes();
        }
        if (!HexFormat.of().formatHex(sha256.digest()).equals(document.contentSha256())) {
            return "its stored content does not match its SHA-256";
        }
        return null;
    }
}
