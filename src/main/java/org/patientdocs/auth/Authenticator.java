package org.patientdocs.auth;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.patientdocs.config.ConfigException;
import org.patientdocs.config.ServiceConfig;
import org.patientdocs.error.ServiceException.ServiceUnavailable;
import org.patientdocs.error.ServiceException.Unauthorized;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides whether a request's credentials are good and whose they are: an accepted {@code x-api-key} first, which
 * names the tenant, then exactly one valid bearer token in {@code Authorization}, whose tenant claim must name the same
 * tenant and whose {@code scope}/{@code scp} claims say what the caller may do. Every failure is an
 * {@link Unauthorized} with a client-facing message.
 */
public final class Authenticator {

    static final String API_KEY_MISSING = "The x-api-key header is required";
    static final String API_KEY_INVALID = "The API key is not valid";
    static final String TOKEN_MISSING = "A bearer token is required in the Authorization header";
    static final String AUTHORIZATION_MALFORMED = "The Authorization header must be 'Bearer' and one token";
    static final String OTHER_TENANT = "The access token is not valid for the API key's tenant";
    private static final String BEARER = "bearer";
    private static final Logger LOG = LoggerFactory.getLogger(Authenticator.class);

    private final ApiKeys apiKeys;
    private final TokenVerifier tokens;
    private final String tenantClaim;
    private final ScopeNames scopeNames;

    /**
     * @param tenantClaim the token claim that must name the API key's tenant
     * @param scopeNames  the names tokens give the scopes
     */
    public Authenticator(ApiKeys apiKeys, TokenVerifier tokens, String tenantClaim, ScopeNames scopeNames) {
        this.apiKeys = apiKeys;
        this.tokens = tokens;
        this.tenantClaim = tenantClaim;
        this.scopeNames = scopeNames;
    }

    /**
     * In development mode: the development credentials under {@code data.dir} (created on first use; a tenant's
     * API key made later, by {@code api-key --tenant}, is accepted as soon as it is presented) plus any configured
     * API keys. In production mode: the configured JWKS and API keys.
     *
     * @throws ConfigException if the JWKS file is unusable
     */
    public static Authenticator create(ServiceConfig config) {
        ServiceConfig.Auth auth = config.auth();
        ScopeNames names = ScopeNames.of(auth.scopes());
        if (auth.mode() == ServiceConfig.Auth.Mode.PRODUCTION) {
            return new Authenticator(new ApiKeys(auth.apiKeys()), TokenVerifier.fromJwks(auth), auth.tenantClaim(),
                    names);
        }
        DevCredentials dev = DevCredentials.ensure(config.storage().devDir());
        ApiKeys keys = ApiKeys.reloading(() -> {
            List<ServiceConfig.Auth.ApiKey> all = new ArrayList<>(auth.apiKeys());
            dev.apiKeys().forEach((tenant, key) -> all.add(new ServiceConfig.Auth.ApiKey(ApiKeys.sha256Hex(key),
                    tenant)));
            return all;
        });
        return new Authenticator(keys, TokenVerifier.trusting(dev.publicKeys(), auth), auth.tenantClaim(), names);
    }

    /**
     * The caller named by the credentials, checking the API key before the token: the token's subject, the key's
     * tenant (which the token's tenant claim must name), the key's identifier and the scopes the token grants.
     *
     * @throws Unauthorized       if the API key or the token is missing or not accepted, or the token is for
     *                            another tenant than the key
     * @throws ServiceUnavailable if the token signing keys cannot be fetched
     */
    public Caller authenticate(String apiKeyHeader, String authorizationHeader) {
        ApiKeys.Key key = checkApiKey(apiKeyHeader);
        TokenVerifier.Verified token = verifyToken(bearerToken(authorizationHeader));
        Object tenant = token.claims().getClaim(tenantClaim);
        if (!key.tenant().equals(tenant)) {
            // neither tenant is logged: the key's is configuration, the token's whatever the caller sent
            LOG.debug("access token rejected: its {} claim does not name the API key's tenant", tenantClaim);
            throw Unauthorized.invalidToken(OTHER_TENANT);
        }
        return new Caller(token.subject(), key.tenant(), key.id(), scopeNames.granted(token.claims()), scopeNames);
    }

    /**
     * The presented key, with its identifier and tenant ({@link ApiKeys#identify}).
     *
     * @throws Unauthorized if the key is missing or not one of the accepted keys
     */
    public ApiKeys.Key checkApiKey(String apiKeyHeader) {
        if (apiKeyHeader == null || apiKeyHeader.isBlank()) {
            throw new Unauthorized(API_KEY_MISSING);
        }
        ApiKeys.Key key = apiKeys.identify(apiKeyHeader);
        if (key == null) {
            throw new Unauthorized(API_KEY_INVALID);
        }
        return key;
    }

    /**
     * The token of an {@code Authorization: Bearer <token>} header; the scheme is case-insensitive.
     *
     * @throws Unauthorized if the header is missing, has another scheme, or does not hold exactly one token
     */
    public static String bearerToken(String authorizationHeader) {
        if (authorizationHeader == null || authorizationHeader.isBlank()) {
            throw new Unauthorized(TOKEN_MISSING);
        }
        String[] parts = authorizationHeader.strip().split("[ \t]+");
        if (!BEARER.equals(parts[0].toLowerCase(Locale.ROOT))) {
            throw new Unauthorized(TOKEN_MISSING);
        }
        if (parts.length != 2) {
            throw new Unauthorized(AUTHORIZATION_MALFORMED);
        }
        return parts[1];
    }

    /**
     * The claims of a valid bearer token.
     *
     * @throws Unauthorized       if the token is not valid
     * @throws ServiceUnavailable if the token signing keys cannot be fetched
     */
    public TokenVerifier.Verified verifyToken(String token) {
        return tokens.verify(token);
    }
}
