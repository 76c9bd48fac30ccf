package org.patientdocs.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.junit.jupiter.api.Test;
import org.patientdocs.config.ServiceConfig;

class ApiKeysTest {

    private final ApiKeys keys = new ApiKeys(List.of(key("first-key", "clinic-a"), key("second-key", "clinic-b")));

    static ServiceConfig.Auth.ApiKey key(String key, String tenant) {
        return new ServiceConfig.Auth.ApiKey(ApiKeys.sha256Hex(key), tenant);
    }

    @Test
    void hashIsLowerCaseHexSha256OfTheUtf8Bytes() {
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", ApiKeys.sha256Hex("abc"));
    }

    @Test
    void everyConfiguredKeyIsAccepted() {
        assertTrue(keys.accepts("first-key"));
        assertTrue(keys.accepts("second-key"));
    }

    @Test
    void aKeyIsIdentifiedByItsHashsFirstDigitsAndNamesItsTenant() {
        assertEquals(new ApiKeys.Key(ApiKeys.sha256Hex("second-key").substring(0, 12), "clinic-b"),
                keys.identify("second-key"));
        assertEquals("clinic-a", keys.identify("first-key").tenant());
    }

    @Test
    void otherKeysAreRejected() {
        assertFalse(keys.accepts("third-key"));
        assertFalse(keys.accepts("first-key "));
        assertFalse(keys.accepts(ApiKeys.sha256Hex("first-key")));
        assertNull(keys.identify("third-key"));
    }

    @Test
    void nullAndEmptyKeysAreRejected() {
        assertFalse(keys.accepts(null));
        assertFalse(keys.accepts(""));
        assertFalse(new ApiKeys(List.of(key("", "clinic-a"))).accepts(""));
    }

    @Test
    void noConfiguredHashesAcceptNothing() {
        assertFalse(new ApiKeys(List.of()).accepts("first-key"));
    }

    @Test
    void upperCaseHashesAreAccepted() {
        assertTrue(new ApiKeys(List.of(new ServiceConfig.Auth.ApiKey(ApiKeys.sha256Hex("k").toUpperCase(Locale.ROOT),
                "clinic-a"))).accepts("k"));
    }

    @Test
    void reloadingKeysFindAKeyMadeAfterTheyWereFirstRead() {
        List<ServiceConfig.Auth.ApiKey> source = new ArrayList<>(List.of(key("first-key", "clinic-a")));
        ApiKeys reloading = ApiKeys.reloading(() -> List.copyOf(source));
        assertNull(reloading.identify("later-key"));
        source.add(key("later-key", "clinic-c"));
        assertEquals("clinic-c", reloading.identify("later-key").tenant());
        assertEquals("clinic-a", reloading.identify("first-key").tenant());
    }
}
