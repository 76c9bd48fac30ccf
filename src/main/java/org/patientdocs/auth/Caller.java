package org.patientdocs.auth;

import java.util.EnumSet;
import java.util.Set;

import org.patientdocs.config.ServiceConfig;
import org.patientdocs.error.ServiceException.Forbidden;

/**
 * The authenticated principal of a request: who ({@code sub} of the verified token), for which customer
 * organisation (the tenant), through which API key (an identifier of it, never the key), and what it may do (its
 * scopes, with the names its token gave them). Free of servlet types, so that the query service can take it;
 * {@link AuthenticationFilter#callerOf} reads it from a request.
 *
 * @param subject  the token's {@code sub}
 * @param tenant   the caller's tenant: the API key's, which the token's tenant claim named too
 * @param apiKeyId a non-secret identifier of the API key the request presented
 * @param scopes   what the caller may do
 * @param names    the names of the scopes in tokens, for telling a caller which one it lacks
 */
public record Caller(String subject, String tenant, String apiKeyId, Set<Scope> scopes, ScopeNames names) {

    /** The tenant of the rows written before tenants existed, and of every caller of a single-tenant service. */
    public static final String DEFAULT_TENANT = ServiceConfig.Auth.DEFAULT_TENANT;

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
        if (names == null) {
            throw new IllegalArgumentException("names must not be null");
        }
    }

    /** A caller whose scopes have their default names. */
    public Caller(String subject, String tenant, String apiKeyId, Set<Scope> scopes) {
        this(subject, tenant, apiKeyId, scopes, ScopeNames.DEFAULT);
    }

    /** Whether the caller may do what the scope allows. */
    public boolean may(Scope scope) {
        return scopes.contains(scope);
    }

    /**
     * Refuses what the caller may not do: a 403 whose challenge names the scope it needs (RFC 6750 §3.1).
     *
     * @throws Forbidden unless the caller has the scope
     */
    public void require(Scope scope) {
        if (!may(scope)) {
            String name = names.nameOf(scope);
            throw Forbidden.insufficientScope(name, "The access token lacks the scope " + name + " this request needs");
        }
    }
}
