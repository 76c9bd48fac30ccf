package org.patientdocs.auth;

/**
 * The authenticated principal of a request: the {@code sub} claim of its verified token. Free of servlet types, so
 * that the query service can take it; {@link AuthenticationFilter#callerOf} reads it from a request.
 */
public record Caller(String subject) {

    public Caller {
        if (subject == null || subject.isBlank()) {
            throw new IllegalArgumentException("subject must not be blank");
        }
    }
}
