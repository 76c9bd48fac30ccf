package org.patientdocs.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Locale;

import org.junit.jupiter.api.Test;

class ApiKeysTest {

    private final ApiKeys keys = new ApiKeys(List.of(ApiKeys.sha256Hex("first-key"), ApiKeys.sha256Hex("second-key")));

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
    void otherKeysAreRejected() {
        assertFalse(keys.accepts("third-key"));
        assertFalse(keys.accepts("first-key "));
        assertFalse(keys.accepts(ApiKeys.sha256Hex("first-key")));
    }

    @Test
    void nullAndEmptyKeysAreRejected() {
        assertFalse(keys.accepts(null));
        assertFalse(keys.accepts(""));
        assertFalse(new ApiKeys(List.of(ApiKeys.sha256Hex(""))).accepts(""));
    }

    @Test
    void noConfiguredHashesAcceptNothing() {
        assertFalse(new ApiKeys(List.of()).accepts("first-key"));
    }

    @Test
    void upperCaseHashesAreAccepted() {
        assertTrue(new ApiKeys(List.of(ApiKeys.sha256Hex("k").toUpperCase(Locale.ROOT))).accepts("k"));
    }

    @Test
    void malformedHashIsRefusedWithoutEchoingIt() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> new ApiKeys(List.of("secret-in-clear")));
        assertFalse(e.getMessage().contains("secret-in-clear"));
    }
}
