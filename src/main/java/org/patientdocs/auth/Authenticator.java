package org.patientdocs.auth;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.patientdocs.config.ConfigException;
import org.patientdocs.config.ServiceConfig;
import org.patientdocs.error.ErrorCode;
import org.patientdocs.error.ServiceException.BadRequest;
import org.patientdocs.error.ServiceException.ServiceUnavailable;
import org.patientdocs.error.ServiceException.Unauthorized;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides whether a request's credentials are good and whose they are: an accepted {@code x-api-key} first, which
 * names the tenant, then exactly one valid bearer token in {@code Authorization}, whose tenant claim must name the same
 * tenant and whose {@code scope}/{@code scp} claims say what the caller may do. Missing or refused credentials are an
 * {@link Unauthorized}, a token presented wrongly a {@link BadRequest}
 * ({@link ErrorCode#INVALID_AUTHORIZATION_REQUEST}), each with a client-facing message.
 */
public final class Authenticator {

    static final String API_KEY_MISSING = "The x-api-key header is required";
    static final String API_KEY_INVALID = "The API key is not valid";
    static final String TOKEN_MISSING = "A bearer token is required in the Authorization header";
    static final String AUTHORIZATION_MALFORMED = "The Authorization header must be 'Bearer' and one token";
    static final String OTHER_TENANT = "The access token is not valid for the API key's tenant";
    static final String AUTHORIZATION_REPEATED = "The Authorization header must be sent once";
    static final String TOKEN_IN_URL = "An access token is accepted only in the Authorization header, never as an"
            + " access_token parameter of the URL, which logs and browser histories keep";
    private static final String ACCESS_TOKEN_PARAMETER = "access_token";
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

    /** Prepares token verification for the first client ({@link TokenVerifier#warmUp()}). */
    public void warmUp() {
        tokens.warmUp();
    }

    /** Whether the token signing keys are at hand ({@link TokenVerifier#keysLoaded()}). */
    public boolean keysLoaded() {
        return tokens.keysLoaded();
    }

    /**
     * The caller named by the credentials, checking the API key before the token: the token's subject, the key's
     * tenant (which the token's tenant claim must name), the key's identifier and the scopes the token grants.
     *
     * @throws Unauthorized       if the API key or the token is missing or not accepted, or the token is for
     *                            another tenant than the key
     * @throws BadRequest         if the Authorization header does not hold exactly one bearer token
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
        // scanned, not split by a pattern: a token is hundreds of characters, and every request presents one
        String value = authorizationHeader.strip();
        int schemeEnd = nextBlank(value, 0);
        if (!BEARER.equals(value.substring(0, schemeEnd).toLowerCase(Locale.ROOT))) {
            throw new Unauthorized(TOKEN_MISSING);
        }
        int tokenStart = schemeEnd;
        while (tokenStart < value.length() && isBlank(value.charAt(tokenStart))) {
            tokenStart++;
        }
        int tokenEnd = nextBlank(value, tokenStart);
        // the value is stripped, so a blank after the token is followed by more: a second token
        if (tokenStart == tokenEnd || tokenEnd != value.length()) {
            throw new BadRequest(ErrorCode.INVALID_AUTHORIZATION_REQUEST, null, AUTHORIZATION_MALFORMED);
        }
        return value.substring(tokenStart);
    }

    /** The index of the first space or tab at or after {@code from}, or the length of {@code text} if none. */
    private static int nextBlank(String text, int from) {
        int i = from;
        while (i < text.length() && !isBlank(text.charAt(i))) {
            i++;
        }
        return i;
    }

    /** What separates an {@code Authorization} header's scheme from its credentials: RFC 9110's 1*SP, and tabs. */
    private static boolean isBlank(char c) {
        return c == ' ' || c == '\t';
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
