package org.patientdocs.auth;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;

import org.patientdocs.config.ConfigException;
import org.patientdocs.config.ServiceConfig;
import org.patientdocs.error.ServiceException.ServiceUnavailable;
import org.patientdocs.error.ServiceException.Unauthorized;

/**
 * Decides whether a request's credentials are good: an accepted {@code x-api-key} first, then exactly one valid
 * bearer token in {@code Authorization}. Every failure is an {@link Unauthorized} with a client-facing message.
 */
public final class Authenticator {

    static final String API_KEY_MISSING = "The x-api-key header is required";
    static final String API_KEY_INVALID = "The API key is not valid";
    static final String TOKEN_MISSING = "A bearer token is required in the Authorization header";
    static final String AUTHORIZATION_MALFORMED = "The Authorization header must be 'Bearer' and one token";
    private static final String BEARER = "bearer";

    private final ApiKeys apiKeys;
    private final TokenVerifier tokens;

    public Authenticator(ApiKeys apiKeys, TokenVerifier tokens) {
        this.apiKeys = apiKeys;
        this.tokens = tokens;
    }

    /**
     * In development mode: the development credentials under {@code data.dir} (created on first use) plus any
     * configured API key hashes. In production mode: the configured JWKS and API key hashes.
     *
     * @throws ConfigException if the JWKS file is unusable
     */
    public static Authenticator create(ServiceConfig config) {
        ServiceConfig.Auth auth = config.auth();
        if (auth.mode() == ServiceConfig.Auth.Mode.PRODUCTION) {
            return new Authenticator(new ApiKeys(auth.apiKeySha256()), TokenVerifier.fromJwks(auth));
        }
        DevCredentials dev = DevCredentials.ensure(config.storage().devDir());
        List<String> hashes = new ArrayList<>(auth.apiKeySha256());
        hashes.add(ApiKeys.sha256Hex(dev.apiKey()));
        return new Authenticator(new ApiKeys(hashes), TokenVerifier.trusting(dev.publicKeys(), auth));
    }

    /**
     * The caller named by the credentials, checking the API key before the token.
     *
     * @throws Unauthorized       if the API key or the token is missing or not accepted
     * @throws ServiceUnavailable if the token signing keys cannot be fetched
     */
    public Caller authenticate(String apiKeyHeader, String authorizationHeader) {
        String apiKeyId = checkApiKey(apiKeyHeader);
        String subject = verifyToken(bearerToken(authorizationHeader)).subject();
        return new Caller(subject, Caller.DEFAULT_TENANT, apiKeyId, EnumSet.allOf(Scope.class));
    }

    /**
     * The identifier of the presented key ({@link ApiKeys#identify}).
     *
     * @throws Unauthorized if the key is missing or not one of the accepted keys
     */
    public String checkApiKey(String apiKeyHeader) {
        if (apiKeyHeader == null || apiKeyHeader.isBlank()) {
            throw new Unauthorized(API_KEY_MISSING);
        }
        String id = apiKeys.identify(apiKeyHeader);
        if (id == null) {
            throw new Unauthorized(API_KEY_INVALID);
        }
        return id;
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
