package org.patientdocs.auth;

import java.util.EnumSet;
import java.util.Set;

/**
 * The authenticated principal of a request: who ({@code sub} of the verified token), for which customer
 * organisation (the tenant), through which API key (an identifier of it, never the key), and what it may do (its
 * scopes). Free of servlet types, so that the query service can take it; {@link AuthenticationFilter#callerOf} reads
 * it from a request.
 *
 * @param subject  the token's {@code sub}
 * @param tenant   the caller's tenant
 * @param apiKeyId a non-secret identifier of the API key the request presented
 * @param scopes   what the caller may do
 */
public record Caller(String subject, String tenant, String apiKeyId, Set<Scope> scopes) {

    /** The tenant of every caller until tenants are configured. */
    public static final String DEFAULT_TENANT = "default";

    public Caller {
        if (subject == null || subject.isBlank()) {
            throw new IllegalArgumentException("subject must not be blank");
        }
        if (tenant == null || tenant.isBlank()) {
            throw new IllegalArgumentException("tenant must not be blank");
        }
        if (apiKeyId == null || apiKeyId.isBlank()) {
            throw new IllegalArgumentException("apiKeyId must not be blank");
        }
        scopes = scopes.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(scopes));
    }

    /** Whether the caller may do what the scope allows. */
    public boolean may(Scope scope) {
        return scopes.contains(scope);
    }
}
