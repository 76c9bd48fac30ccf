package org.patientdocs.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.patientdocs.config.ConfigLoader;

class ScopeNamesTest {

    @Test
    void theBundledConfigurationNamesEachScopeByItsDefaultName() {
        assertEquals(ScopeNames.DEFAULT, ScopeNames.of(ConfigLoader.fromOverrides(Map.of()).auth().scopes()));
        assertEquals("documents.read documents.write documents.delete patients.read patients.write audit.read",
                ScopeNames.DEFAULT.all());
    }

    @Test
    void permissionsSharingANameAreListedOnce() {
        ScopeNames shared = ScopeNames.of(ConfigLoader.fromOverrides(Map.of("auth.scope.documents-write", "docs",
                "auth.scope.documents-delete", "docs")).auth().scopes());
        assertEquals("documents.read docs patients.read patients.write audit.read", shared.all());
    }
}
