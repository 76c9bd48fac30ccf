package org.patientdocs.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * An upload written to a temporary file by {@link ContentSpool#write}, with its size and SHA-256, waiting to be
 * {@linkplain DocumentStore#create stored}. Closing it deletes the temporary file unless the file itself was committed
 * as the document, so a try-with-resources block cleans up after any outcome.
 */
public final class PendingContent implements AutoCloseable {

    private final Path tempFile;
    private final long size;
    private byte[] sha256;
    private boolean committed;
    private boolean closed;
    private String storedAs;
    private Encrypted encrypted;

    /**
     * @param sha256  the content's digest, or null to compute it from the file when first asked for
     */
    PendingContent(Path tempFile, long size, byte[] sha256) {
        this.tempFile = tempFile;
        this.size = size;
        this.sha256 = sha256;
    }

    /** The number of bytes written. */
    public long size() {
        return size;
    }

    /** The SHA-256 digest of the content (a copy). */
    public byte[] sha256() {
        return digest().clone();
    }

    /** The SHA-256 digest in lower-case hex. */
    public String sha256Hex() {
        return HexFormat.of().formatHex(digest());
    }

    /** The digest given when the content was written, or computed from the file now when none was. */
    private byte[] digest() {
        if (sha256 == null) {
            MessageDigest digest = ContentSpool.sha256();
            try (InputStream in = Files.newInputStream(tempFile)) {
                byte[] buffer = new byte[64 * 1024];
                for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
                    digest.update(buffer, 0, read);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the pending content", e);
            }
            sha256 = digest.digest();
        }
        return sha256;
    }

    /** The temporary file holding the content; gone after commit or close. */
    public Path tempFile() {
        return tempFile;
    }

    /** Whether the temporary file is still there to commit. */
    boolean isOpen() {
        return !committed && !closed;
    }

    void markCommitted() {
        committed = true;
    }

    /** Records that a copy of the content is stored under the document id (the file itself stays the spool's). */
    void markStored(String documentId) {
        storedAs = documentId;
    }

    /** Whether a copy of the content is stored under the document id already. */
    boolean isStoredAs(String documentId) {
        return documentId.equals(storedAs);
    }

    /**
     * The content encrypted for a document ahead of being stored ({@link EncryptedDocumentStore#prepare}), with the
     * data key it was encrypted with, wrapped.
     */
    record Encrypted(PendingContent ciphertext, WrappedKey key, String documentId) {
    }

    /** Keeps the encrypted copy of this content until the document is created; closed with this content. */
    void attach(Encrypted copy) {
        if (encrypted != null) {
            encrypted.ciphertext().close();
        }
        encrypted = copy;
    }

    /** The encrypted copy of this content made for the document, or null. */
    Encrypted encryptedFor(String documentId) {
        return encrypted != null && encrypted.documentId().equals(documentId) ? encrypted : null;
    }

    /**
     * Deletes the temporary file unless the content was committed, and the encrypted copy's unless that was. Never fails: a file that cannot be deleted now
     * is left to {@link ContentSpool#deleteStale}, run by the orphan sweep.
     */
    @Override
    public void close() {
        if (encrypted != null) {
            encrypted.ciphertext().close();
        }
        if (!committed && !closed) {
            closed = true;
            try {
                Files.deleteIfExists(tempFile);
            } catch (IOException leftForTheSweep) {
                // see above; the caller is usually already handling another failure
            }
        }
    }
}
