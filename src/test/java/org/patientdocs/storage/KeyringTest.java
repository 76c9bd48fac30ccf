package org.patientdocs.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.patientdocs.config.ConfigException;
import org.patientdocs.config.ConfigLoader;
import org.patientdocs.config.ServiceConfig;

class KeyringTest {

    private static final String KEY_A = Keyring.newKey();
    private static final String KEY_B = Keyring.newKey();

    @TempDir
    Path dataDir;

    @Test
    void dataKeysAreWrappedByThePrimaryAndUnwrapWithAnyKeyOfTheRing() throws Exception {
        Keyring old = Keyring.parse("{\"primary\":\"a\",\"keys\":{\"a\":\"" + KEY_A + "\"}}", "test");
        Keyring rotated = Keyring.parse("{\"primary\":\"b\",\"keys\":{\"a\":\"" + KEY_A + "\",\"b\":\"" + KEY_B
                + "\"}}", "test");
        byte[] dataKey = ContentCipher.newDataKey();

        WrappedKey wrapped = old.wrap(dataKey, "doc-1");
        assertEquals("a", wrapped.keyId());
        assertArrayEquals(dataKey, rotated.unwrap(wrapped, "doc-1"));
        WrappedKey rewrapped = rotated.wrap(rotated.unwrap(wrapped, "doc-1"), "doc-1");
        assertEquals("b", rewrapped.keyId());
        assertThrows(GeneralSecurityException.class, () -> old.unwrap(rewrapped, "doc-1"), "old lacks b");
    }

    @Test
    void aWrappedKeyUnwrapsForItsOwnDocumentOnly() {
        Keyring ring = Keyring.parse(Keyring.newKeyring("k"), "test");
        WrappedKey wrapped = ring.wrap(ContentCipher.newDataKey(), "doc-1");
        assertThrows(GeneralSecurityException.class, () -> ring.unwrap(wrapped, "doc-2"));
    }

    @Test
    void malformedKeyringsAreRefusedWithoutQuotingAKey() {
        String shortKey = "c2hvcnQ=";
        ConfigException tooShort = assertThrows(ConfigException.class,
                () -> Keyring.parse("{\"primary\":\"a\",\"keys\":{\"a\":\"" + shortKey + "\"}}", "the file"));
        assertEquals("the file: key a must be the base64 text of 32 random bytes (e.g. openssl rand -base64 32)",
                tooShort.getMessage());
        ConfigException noPrimary = assertThrows(ConfigException.class,
                () -> Keyring.parse("{\"primary\":\"b\",\"keys\":{\"a\":\"" + KEY_A + "\"}}", "the file"));
        assertEquals("the file: the primary key b is not among its keys", noPrimary.getMessage());
        assertFalse(noPrimary.getMessage().contains(KEY_A));
        assertThrows(ConfigException.class, () -> Keyring.parse("not json " + KEY_A, "the file"));
        assertThrows(ConfigException.class, () -> Keyring.parse("{\"primary\":\"a\",\"keys\":{\"a b\":\"" + KEY_A
                + "\"}}", "the file"));
    }

    @Test
    void developmentModeMakesAKeyringOnceReadableByTheOwnerOnly() throws Exception {
        ServiceConfig config = config(Map.of("auth.mode", "development", "documents.encryption", "on"));
        Keyring first = Keyring.load(config);
        Path file = config.storage().devDir().resolve(Keyring.DEV_FILE);
        assertEquals("dev-1", first.primaryId());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        WrappedKey wrapped = first.wrap(ContentCipher.newDataKey(), "doc-1");
        Keyring again = Keyring.load(config);
        again.unwrap(wrapped, "doc-1");
    }

    @Test
    void productionModeWithEncryptionNeedsAConfiguredKeyring() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> Keyring.load(config(Map.of("documents.encryption", "on"))));
        assertTrue(e.getMessage().contains("documents.encryption.keyring-file"), e.getMessage());
        assertNull(Keyring.load(config(Map.of())), "no keyring is needed with encryption off");
        Keyring fromEnvironment = Keyring.load(config(Map.of("documents.encryption.keyring",
                "{\"primary\":\"env\",\"keys\":{\"env\":\"" + KEY_A + "\"}}")));
        assertEquals("env", fromEnvironment.primaryId());
    }

    private ServiceConfig config(Map<String, String> settings) {
        Map<String, String> all = new HashMap<>(Map.of("data.dir", dataDir.toString(),
                "auth.mode", "production", "auth.jwks", dataDir.resolve("jwks.json").toString(),
                "auth.api-key-sha256", "a".repeat(64)));
        all.putAll(settings);
        return ConfigLoader.fromOverrides(all);
    }
}
