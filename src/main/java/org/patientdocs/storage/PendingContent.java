package org.patientdocs.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;

import com.google.crypto.tink.subtle.AesGcmHkdfStreaming;

/**
 * An upload written to a temporary file by {@link ContentSpool#write}, with its size and SHA-256, waiting to be
 * {@linkplain DocumentStore#create stored}. With encryption at rest the file holds the upload encrypted as it arrived
 * ({@link #encryption}), while the size and SHA-256 are those of the upload. Closing it deletes the temporary file
 * unless the file itself was committed as the document, so a try-with-resources block cleans up after any outcome.
 */
public final class PendingContent implements AutoCloseable {

    private final Path tempFile;
    private final long size;
    private byte[] sha256;
    private boolean committed;
    private boolean closed;
    private String storedAs;
    private String documentId;
    private Encrypted encrypted;

    /**
     * @param sha256  the content's digest, or null to compute it from the file when first asked for
     */
    PendingContent(Path tempFile, long size, byte[] sha256) {
        this.tempFile = tempFile;
        this.size = size;
        this.sha256 = sha256;
    }

    /** The number of bytes received. */
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

    /** The temporary file holding the content (encrypted, if {@link #encryption} says so); gone after commit or close. */
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
     * The id of the document this content is to become: the one it was encrypted for as it arrived (encryption binds
     * the stored bytes to their document), else one chosen when first asked for.
     */
    public String documentId() {
        if (documentId == null) {
            documentId = DocumentIds.newId();
        }
        return documentId;
    }

    /**
     * The content as encrypted while it arrived ({@link ContentCipher#receive}), for the document {@code documentId}:
     * {@code ciphertext} is the same temporary file seen as the bytes to store (their size, their SHA-256), with the
     * data key wrapped ({@code key}) and in hand ({@code aead}, to read the content back for its checks).
     */
    record Encrypted(PendingContent ciphertext, WrappedKey key, String documentId, AesGcmHkdfStreaming aead) {
    }

    /** Records that the file holds the content encrypted so; the content is then that document's. */
    void encryptedAs(Encrypted encryption) {
        encrypted = encryption;
        documentId = encryption.documentId();
    }

    /** How the content was encrypted as it arrived, or null when the file holds it as it arrived. */
    Encrypted encryption() {
        return encrypted;
    }

    /**
     * Deletes the temporary file unless the content was committed (as its ciphertext, when encrypted). Never fails: a
     * file that cannot be deleted now is left to {@link ContentSpool#deleteStale}, run by the orphan sweep.
     */
    @Override
    public void close() {
        if (encrypted != null) {
            // the ciphertext's view owns the file: once committed, it is the document's
            encrypted.ciphertext().close();
            closed = true;
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
