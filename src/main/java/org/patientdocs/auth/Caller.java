package org.patientdocs.auth;

import jakarta.servlet.http.HttpServletRequest;

/**
 * The authenticated principal of a request: the {@code sub} claim of its verified token.
 * {@link AuthenticationFilter} stores it as the request attribute {@link #ATTRIBUTE}.
 */
public record Caller(String subject) {

    /** The request attribute under which {@link AuthenticationFilter} stores the caller. */
    public static final String ATTRIBUTE = Caller.class.getName();

    public Caller {
        if (subject == null || subject.isBlank()) {
            throw new IllegalArgumentException("subject must not be blank");
        }
    }

    /**
     * The caller of a request that passed {@link AuthenticationFilter}.
     *
     * @throws IllegalStateException if the request was not authenticated, i.e. the filter is not installed
     */
    public static Caller of(HttpServletRequest request) {
        if (request.getAttribute(ATTRIBUTE) instanceof Caller caller) {
            return caller;
        }
        throw new IllegalStateException("the request has no authenticated caller; is AuthenticationFilter installed?");
    }
}
