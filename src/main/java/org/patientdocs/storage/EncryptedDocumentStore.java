package org.patientdocs.storage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import org.patientdocs.config.ConfigException;

/**
 * Encryption at rest over any {@link DocumentStore}: a layer over the bytes it stores and reads, so that a store knows
 * nothing of it. An upload is encrypted with a new data key as it arrives into the store's spool (sized and hashed as
 * it arrives, and read back decrypted for its checks), for the document id it is then to have; the store below stores
 * that file as it would any content, with the row holding the data key wrapped by the {@link Keyring}'s primary key. A download unwraps the key and decrypts
 * the store's bytes as they stream ({@link ContentCipher}). Sizes, digests and ETags are those of the content as
 * uploaded; the encrypted bytes never leave the service. Documents stored unencrypted pass through untouched.
 */
public final class EncryptedDocumentStore implements DocumentStore {

    /** The stored data keys per key-encryption key that the start-up check tries, until one unwraps. */
    private static final int SAMPLES = 3;

    private final DocumentStore store;
    private final Keyring keyring;
    private final boolean encryptNew;

    private EncryptedDocumentStore(DocumentStore store, Keyring keyring, boolean encryptNew) {
        this.store = store;
        this.keyring = keyring;
        this.encryptNew = encryptNew;
    }

    /**
     * The store with encryption over it when there is a keyring, else the store itself; first checks that the keyring
     * has every key a stored document's data key is wrapped with, and that each is the right key: it unwraps the data
     * key of one of the first few documents that name it.
     *
     * @param keyring    null when none is configured
     * @param encryptNew whether documents stored from now on are encrypted (needs a keyring)
     * @throws ConfigException naming a key id the stored documents need and the keyring lacks, or has wrong
     */
    public static DocumentStore over(DocumentStore store, Keyring keyring, boolean encryptNew,
                                     DocumentRecords records) {
        for (String keyId : records.keyIds()) {
            if (keyring == null || !keyring.contains(keyId)) {
                throw new ConfigException("stored documents are encrypted with key " + keyId + ", which "
                        + (keyring == null ? "no keyring is configured to hold" : "the keyring lacks")
                        + "; add it to the keyring (documents.encryption.keyring-file or"
                        + " DOCUMENTS_ENCRYPTION_KEYRING)");
            }
            if (!unwrapsAny(keyring, records.wrappedBy(keyId, SAMPLES))) {
                throw new ConfigException("key " + keyId + " of the keyring does not unwrap the data keys stored with"
                        + " it: it is not the key they were wrapped with (or their rows were altered)");
            }
        }
        if (keyring == null) {
            if (encryptNew) {
                throw new IllegalArgumentException("encryption needs a keyring");
            }
            return store;
        }
        return new EncryptedDocumentStore(store, keyring, encryptNew);
    }

    private static boolean unwrapsAny(Keyring keyring, List<DocumentRecord> documents) {
        for (DocumentRecord document : documents) {
            try {
                Arrays.fill(keyring.unwrap(document.key(), document.id()), (byte) 0);
                return true;
            } catch (GeneralSecurityException wrongKeyOrAlteredRow) {
                // the next one tells which
            }
        }
        return documents.isEmpty();
    }

    /** Receives the upload encrypted as it arrives, for a new document id ({@link PendingContent#documentId}). */
    @Override
    public PendingContent receive(InputStream in, long maxBytes) throws IOException {
        if (!encryptNew) {
            return store.receive(in, maxBytes);
        }
        return receive(in, maxBytes, DocumentIds.newId());
    }

    private PendingContent receive(InputStream in, long maxBytes, String documentId) throws IOException {
        byte[] dataKey = ContentCipher.newDataKey();
        try {
            return ContentCipher.receive(store.spool(), in, maxBytes, dataKey, keyring.wrap(dataKey, documentId),
                    documentId);
        } finally {
            Arrays.fill(dataKey, (byte) 0);
        }
    }

    @Override
    public ContentSpool spool() {
        return store.spool();
    }

    /** Lets the store below prepare the ciphertext (an S3 put before the row's transaction begins). */
    @Override
    public void prepare(PendingContent content, String documentId) throws IOException {
        store.prepare(stored(content, documentId), documentId);
    }

    @Override
    public void abandon(PendingContent content, String documentId) {
        store.abandon(stored(content, documentId), documentId);
    }

    /** Stores the ciphertext, and the row with the data key it was encrypted with. */
    @Override
    public void create(PendingContent content, DocumentRecord record) throws IOException {
        PendingContent.Encrypted encrypted = content.encryption();
        if (encrypted == null) {
            store.create(stored(content, record.id()), record);
            return;
        }
        store.create(stored(content, record.id()), record.withKey(encrypted.key(), record.contentVersion()));
    }

    /**
     * What the store below stores for the content: its ciphertext, when it was received encrypted (which it was for
     * the document, {@link PendingContent#documentId}, and for no other), else the content as it is.
     */
    private PendingContent stored(PendingContent content, String documentId) {
        PendingContent.Encrypted encrypted = content.encryption();
        if (encrypted == null) {
            if (encryptNew) {
                throw new IllegalArgumentException("the content was not received through the encryption layer");
            }
            return content;
        }
        if (!encrypted.documentId().equals(documentId)) {
            throw new IllegalArgumentException("the content was received encrypted for another document");
        }
        return encrypted.ciphertext();
    }

    /**
     * The document decrypted as it streams, whole or a range of it, reading only the segments that hold the range
     * ({@link ContentCipher#decrypt}).
     */
    @Override
    public InputStream openContent(DocumentRecord document, long offset, long length) throws IOException {
        if (!document.encrypted()) {
            return store.openContent(document, offset, length);
        }
        DocumentStore.requireWithin(document, offset, length);
        byte[] dataKey = dataKey(document);
        try {
            DocumentRecord stored = document.withStoredSize(ContentCipher.storedSize(document.fileSizeBytes()));
            return ContentCipher.decrypt((from, bytes) -> store.openContent(stored, from, bytes),
                    stored.fileSizeBytes(), dataKey, document.id(), offset, length);
        } finally {
            Arrays.fill(dataKey, (byte) 0);
        }
    }

    private byte[] dataKey(DocumentRecord document) throws TamperedContent {
        try {
            return keyring.unwrap(document.key(), document.id());
        } catch (GeneralSecurityException e) {
            // the keys were checked at start-up: the wrapped key was altered, or copied from another document
            throw TamperedContent.reported(e);
        }
    }

    /**
     * Encrypts a document stored unencrypted, in place: its content is read into the spool, encrypted with a new data
     * key as it is read, checked against its SHA-256, and stored anew by the store below
     * ({@link DocumentStore#replaceContent}).
     *
     * @return false when the document changed or vanished meanwhile (nothing changed), or was already encrypted
     * @throws TamperedContent when the stored content no longer matches its SHA-256 (nothing changed)
     */
    boolean encryptInPlace(DocumentRecord document, long maxBytes) throws IOException {
        if (document.encrypted()) {
            return false;
        }
        try (InputStream stored = store.openContent(document);
             PendingContent content = receive(stored, maxBytes, document.id())) {
            if (content.size() != document.fileSizeBytes() || !content.sha256Hex().equals(document.contentSha256())) {
                throw TamperedContent.reported(null);
            }
            PendingContent.Encrypted encrypted = content.encryption();
            return store.replaceContent(encrypted.ciphertext(), document,
                    document.withKey(encrypted.key(), document.contentVersion() + 1));
        }
    }

    /** Moves a data key onto the primary key; the content stays as it is. */
    WrappedKey rewrap(DocumentRecord document) throws GeneralSecurityException {
        byte[] dataKey = keyring.unwrap(document.key(), document.id());
        try {
            return keyring.wrap(dataKey, document.id());
        } finally {
            Arrays.fill(dataKey, (byte) 0);
        }
    }

    Keyring keyring() {
        return keyring;
    }

    @Override
    public boolean replaceContent(PendingContent content, DocumentRecord current, DocumentRecord replacement)
            throws IOException {
        return store.replaceContent(content, current, replacement);
    }

    @Override
    public boolean delete(String tenant, String documentId) {
        return store.delete(tenant, documentId);
    }

    @Override
    public int deleteOrphans(Duration minAge) throws IOException {
        return store.deleteOrphans(minAge);
    }

    /** The stored bytes are ciphertext: the copy is too, and needs the keyring, which is backed up apart. */
    @Override
    public long backUp(Path target, RowsSnapshot snapshot) throws IOException {
        return store.backUp(target, snapshot);
    }

    @Override
    public boolean reachable() {
        return store.reachable();
    }

    @Override
    public void close() {
        store.close();
    }
}
