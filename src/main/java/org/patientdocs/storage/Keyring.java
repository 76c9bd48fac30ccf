package org.patientdocs.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.crypto.tink.Aead;
import com.google.crypto.tink.subtle.AesGcmJce;
import org.patientdocs.config.ConfigException;
import org.patientdocs.config.ServiceConfig;

/**
 * The key-encryption keys: AES-256 keys, each with an id, one of them primary. Every document's data key is stored
 * wrapped (AES-256-GCM, bound to the document's id) by one of them; new data keys are wrapped by the primary, and
 * {@code rewrap-keys} moves the others onto it. The text form is JSON:
 * {@code {"primary":"2026-12","keys":{"2026-01":"<base64>","2026-12":"<base64>"}}}. Thread-safe: immutable.
 */
public final class Keyring {

    /** The development keyring's file under {@code data.dir/dev}. */
    static final String DEV_FILE = "keyring.json";
    private static final int KEY_BYTES = 32;
    /** Key ids are stored in every encrypted document's row and named in messages: short, plain, no secrets. */
    private static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String primary;
    private final Map<String, Aead> keys;

    private Keyring(String primary, Map<String, Aead> keys) {
        this.primary = primary;
        this.keys = Map.copyOf(keys);
    }

    /**
     * The configured keyring: the keyring text, else the keyring file, else, in development mode, the one under
     * {@code data.dir/dev} (generated on first use); null when none is configured and none is needed (encryption off
     * in production mode, or in development mode with encryption off and no development keyring yet).
     *
     * @throws ConfigException naming the setting, when the keyring is missing, unreadable or malformed
     */
    public static Keyring load(ServiceConfig config) {
        ServiceConfig.Documents.Encryption encryption = config.documents().encryption();
        if (!encryption.keyring().isEmpty()) {
            return parse(encryption.keyring(), "documents.encryption.keyring");
        }
        if (encryption.keyringFile() != null) {
            String source = "documents.encryption.keyring-file " + encryption.keyringFile();
            try {
                return parse(Files.readString(encryption.keyringFile(), StandardCharsets.UTF_8), source);
            } catch (IOException e) {
                throw new ConfigException(source + " cannot be read: " + e.getClass().getSimpleName());
            }
        }
        Path devFile = config.storage().devDir().resolve(DEV_FILE);
        if (config.auth().mode() == ServiceConfig.Auth.Mode.DEVELOPMENT
                && (encryption.encryptNew() || Files.exists(devFile))) {
            return development(devFile);
        }
        if (encryption.encryptNew()) {
            throw new ConfigException("documents.encryption=on needs a keyring in production mode: set "
                    + "documents.encryption.keyring-file or DOCUMENTS_ENCRYPTION_KEYRING");
        }
        return null;
    }

    /**
     * Reads a keyring's JSON text.
     *
     * @param source names where the text came from, for messages
     * @throws ConfigException when the text is no keyring; the message never quotes a key
     */
    public static Keyring parse(String text, String source) {
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (IOException e) {
            throw new ConfigException(source + " is not JSON (expected {\"primary\":\"<id>\",\"keys\":{\"<id>\":"
                    + "\"<base64 of 32 bytes>\"}})");
        }
        if (root == null || !root.path("primary").isTextual() || !root.path("keys").isObject()) {
            throw new ConfigException(source + " must be {\"primary\":\"<id>\",\"keys\":{\"<id>\":\"<base64 of 32"
                    + " bytes>\",...}}");
        }
        Map<String, Aead> keys = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.get("keys").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            String id = entry.getKey();
            if (!KEY_ID.matcher(id).matches()) {
                throw new ConfigException(source + ": key ids are 1 to 64 letters, digits, '.', '_' or '-', starting"
                        + " with a letter or digit; not " + id);
            }
            keys.put(id, aead(entry.getValue(), id, source));
        }
        String primary = root.get("primary").asText();
        if (!keys.containsKey(primary)) {
            throw new ConfigException(source + ": the primary key " + primary + " is not among its keys");
        }
        return new Keyring(primary, keys);
    }

    private static Aead aead(JsonNode value, String id, String source) {
        byte[] bytes;
        try {
            bytes = value.isTextual() ? Base64.getDecoder().decode(value.asText()) : new byte[0];
        } catch (IllegalArgumentException e) {
            bytes = new byte[0];
        }
        if (bytes.length != KEY_BYTES) {
            throw new ConfigException(source + ": key " + id + " must be the base64 text of 32 random bytes"
                    + " (e.g. openssl rand -base64 32)");
        }
        try {
            return new AesGcmJce(bytes);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-256-GCM is unavailable", e);
        }
    }

    /** The development keyring, made with one key when missing, readable by the owner only. */
    private static Keyring development(Path file) {
        try {
            Files.createDirectories(file.getParent());
            if (!Files.exists(file)) {
                String text = newKeyring("dev-1");
                Path temp = Files.createTempFile(file.getParent(), ".keyring", ".tmp");
                try {
                    ownerOnly(temp);
                    Files.writeString(temp, text, StandardCharsets.UTF_8);
                    // linked into place only if still absent: of two processes starting at once, one key wins
                    Files.createLink(file, temp);
                } catch (FileAlreadyExistsException madeMeanwhile) {
                    // the other process's keyring is used
                } finally {
                    Files.deleteIfExists(temp);
                }
            }
            return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create or read the development keyring in " + file.getParent(), e);
        }
    }

    /** A keyring's JSON text with one new random key, the primary. */
    public static String newKeyring(String keyId) {
        return "{\"primary\":\"" + keyId + "\",\"keys\":{\"" + keyId + "\":\"" + newKey() + "\"}}\n";
    }

    /** A new key-encryption key: 32 random bytes in base64, as a keyring holds them. */
    public static String newKey() {
        byte[] key = new byte[KEY_BYTES];
        RANDOM.nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    private static void ownerOnly(Path file) throws IOException {
        if (Files.getFileStore(file).supportsFileAttributeView("posix")) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        }
    }

    /** The id of the key new data keys are wrapped with. */
    public String primaryId() {
        return primary;
    }

    /** The ids of every key. */
    public Set<String> keyIds() {
        return keys.keySet();
    }

    public boolean contains(String keyId) {
        return keys.containsKey(keyId);
    }

    /** The data key wrapped by the primary key, bound to the document: it unwraps for that document only. */
    WrappedKey wrap(byte[] dataKey, String documentId) {
        try {
            return new WrappedKey(primary, keys.get(primary).encrypt(dataKey, aad(documentId)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("wrapping a data key failed", e);
        }
    }

    /**
     * The document's data key.
     *
     * @throws GeneralSecurityException when the wrapped key was altered or belongs to another document, or the
     *                                  keyring lacks its key
     */
    byte[] unwrap(WrappedKey wrapped, String documentId) throws GeneralSecurityException {
        Aead key = keys.get(wrapped.keyId());
        if (key == null) {
            throw new GeneralSecurityException("the keyring lacks key " + wrapped.keyId());
        }
        return key.decrypt(wrapped.bytes(), aad(documentId));
    }

    private static byte[] aad(String documentId) {
        return documentId.getBytes(StandardCharsets.UTF_8);
    }
}
