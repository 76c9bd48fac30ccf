package org.patientdocs.storage;

/**
 * A document's data key as stored in its row: encrypted by the {@link Keyring} key {@code keyId}, bound to the
 * document's id.
 *
 * @param keyId the id of the key-encryption key, in the keyring
 * @param bytes the wrapped data key (AES-GCM: nonce, ciphertext, tag)
 */
public record WrappedKey(String keyId, byte[] bytes) {

    public WrappedKey {
        bytes = bytes.clone();
    }

    @Override
    public byte[] bytes() {
        return bytes.clone();
    }
}
