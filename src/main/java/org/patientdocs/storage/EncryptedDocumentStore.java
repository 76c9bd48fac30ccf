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
 * nothing of it. An upload is received (and sized and hashed) as it arrives, unencrypted, in the store's spool; then
 * encrypted with a new data key into a second spool file, which the store below stores as it would any content, with
 * the row holding the data key wrapped by the {@link Keyring}'s primary key. A download unwraps the key and decrypts
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

    @Override
    public PendingContent receive(InputStream in, long maxBytes) throws IOException {
        return store.receive(in, maxBytes);
    }

    /**
     * Encrypts the content with a new data key and lets the store below prepare the ciphertext (an S3 put before the
     * row's transaction begins); {@link #create} then stores the row with that key. The ciphertext's spool file is
     * closed with the content.
     */
    @Override
    public void prepare(PendingContent content, String documentId) throws IOException {
        if (!encryptNew) {
            store.prepare(content, documentId);
            return;
        }
        store.prepare(encrypted(content, documentId).ciphertext(), documentId);
    }

    @Override
    public void abandon(PendingContent content, String documentId) {
        PendingContent.Encrypted encrypted = content.encryptedFor(documentId);
        store.abandon(encrypted == null ? content : encrypted.ciphertext(), documentId);
    }

    @Override
    public void create(PendingContent content, DocumentRecord record) throws IOException {
        if (!encryptNew) {
            store.create(content, record);
            return;
        }
        PendingContent.Encrypted encrypted = encrypted(content, record.id());
        store.create(encrypted.ciphertext(), record.withKey(encrypted.key(), record.contentVersion()));
    }

    /** The content encrypted for the document: as {@link #prepare} made it, else now, with a new data key. */
    private PendingContent.Encrypted encrypted(PendingContent content, String documentId) throws IOException {
        PendingContent.Encrypted prepared = content.encryptedFor(documentId);
        if (prepared != null) {
            return prepared;
        }
        byte[] dataKey = ContentCipher.newDataKey();
        try {
            PendingContent ciphertext = ContentCipher.encrypt(content, dataKey, documentId);
            try {
                PendingContent.Encrypted encrypted = new PendingContent.Encrypted(ciphertext,
                        keyring.wrap(dataKey, documentId), documentId);
                content.attach(encrypted);
                return encrypted;
            } catch (RuntimeException | Error e) {
                ciphertext.close();
                throw e;
            }
        } finally {
            Arrays.fill(dataKey, (byte) 0);
        }
    }

    /**
     * The whole document decrypted as it streams; a range through the segments that hold it only
     * ({@link ContentCipher#decryptRange}).
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
            if (offset == 0 && length == document.fileSizeBytes()) {
                return ContentCipher.decrypt(store.openContent(stored), dataKey, document.id());
            }
            return ContentCipher.decryptRange(store, stored, dataKey, document.id(), offset, length);
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
     * Encrypts a document stored unencrypted, in place: its content is read into the spool and checked against its
     * SHA-256, encrypted with a new data key, and stored anew by the store below
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
             PendingContent content = store.receive(stored, maxBytes)) {
            if (content.size() != document.fileSizeBytes() || !content.sha256Hex().equals(document.contentSha256())) {
                throw TamperedContent.reported(null);
            }
            byte[] dataKey = ContentCipher.newDataKey();
            try (PendingContent encrypted = ContentCipher.encrypt(content, dataKey, document.id())) {
                return store.replaceContent(encrypted, document,
                        document.withKey(keyring.wrap(dataKey, document.id()), document.contentVersion() + 1));
            } finally {
                Arrays.fill(dataKey, (byte) 0);
            }
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
