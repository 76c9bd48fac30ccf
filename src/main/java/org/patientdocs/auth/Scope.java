package org.patientdocs.auth;

/** What a caller may do; a token names the scopes it grants (OAuth 2.0 scopes). */
public enum Scope {
    DOCUMENTS_READ("documents.read"),
    DOCUMENTS_WRITE("documents.write"),
    DOCUMENTS_DELETE("documents.delete"),
    PATIENTS_READ("patients.read"),
    PATIENTS_WRITE("patients.write"),
    AUDIT_READ("audit.read");

    private final String defaultName;

    Scope(String defaultName) {
        this.defaultName = defaultName;
    }

    /** The scope's name in tokens unless configured otherwise. */
    public String defaultName() {
        return defaultName;
    }
}
