package org.patientdocs.auth;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;

import org.patientdocs.config.ConfigException;
import org.patientdocs.config.ServiceConfig;
import org.patientdocs.error.ErrorCode;
import org.patientdocs.error.ServiceException.BadRequest;
import org.patientdocs.error.ServiceException.ServiceUnavailable;
import org.patientdocs.error.ServiceException.Unauthorized;

/**
 * Decides whether a request's credentials are good: an accepted {@code x-api-key} first, then exactly one valid
 * bearer token in {@code Authorization}. Missing or refused credentials are an {@link Unauthorized}, a token
 * presented wrongly a {@link BadRequest} ({@link ErrorCode#INVALID_AUTHORIZATION_REQUEST}), each with a
 * client-facing message.
 */
public final class Authenticator {

    static final String API_KEY_MISSING = "The x-api-key header is required";
    static final String API_KEY_INVALID = "The API key is not valid";
    static final String TOKEN_MISSING = "A bearer token is required in the Authorization header";
    static final String AUTHORIZATION_MALFORMED = "The Authorization header must be 'Bearer' and one token";
    static final String AUTHORIZATION_REPEATED = "The Authorization header must be sent once";
    static final String TOKEN_IN_URL = "An access token is accepted only in the Authorization header, never as an"
            + " access_token parameter of the URL, which logs and browser histories keep";
    private static final String ACCESS_TOKEN_PARAMETER = "access_token";
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
     * @throws BadRequest         if the Authorization header does not hold exactly one bearer token
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
     * Refuses a request that presents a token other than in one {@code Authorization} header, whatever else it
     * carries: with the header repeated (a server and a proxy in front of it might each read another of them), or
     * with an {@code access_token} parameter in the query string (the name in any case, percent-encoded or not).
     * RFC 6750 §2.3 advises against tokens in URLs, which proxies, access logs and browser histories keep, and a
     * token there beside one in the header is the "more than one method" of §2 either way. Checked before the
     * credentials, so that the answer does not depend on them.
     *
     * @param rawQuery             the query string as received, or null
     * @param authorizationHeaders how many {@code Authorization} header fields the request has
     * @throws BadRequest ({@link ErrorCode#INVALID_AUTHORIZATION_REQUEST}) if the token is presented wrongly
     */
    public static void checkTokenPresentation(String rawQuery, int authorizationHeaders) {
        if (authorizationHeaders > 1) {
            throw new BadRequest(ErrorCode.INVALID_AUTHORIZATION_REQUEST, null, AUTHORIZATION_REPEATED);
        }
        if (rawQuery == null || rawQuery.isEmpty()) {
            return;
        }
        for (String parameter : rawQuery.split("&")) {
            int equals = parameter.indexOf('=');
            String name = equals < 0 ? parameter : parameter.substring(0, equals);
            if (ACCESS_TOKEN_PARAMETER.equalsIgnoreCase(decoded(name))) {
                throw new BadRequest(ErrorCode.INVALID_AUTHORIZATION_REQUEST, ACCESS_TOKEN_PARAMETER, TOKEN_IN_URL);
            }
        }
    }

    private static String decoded(String name) {
        try {
            return URLDecoder.decode(name, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            // a broken percent-escape names no parameter of ours; the query's reader refuses it
            return name;
        }
    }

    /**
     * The token of an {@code Authorization: Bearer <token>} header; the scheme is case-insensitive.
     *
     * @throws Unauthorized if the header is missing or has another scheme: no bearer token was presented
     * @throws BadRequest   if the header is {@code Bearer} without exactly one token: a malformed request, which
     *                      RFC 6750 §3.1 answers with 400 {@code invalid_request}
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
            throw new BadRequest(ErrorCode.INVALID_AUTHORIZATION_REQUEST, null, AUTHORIZATION_MALFORMED);
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
