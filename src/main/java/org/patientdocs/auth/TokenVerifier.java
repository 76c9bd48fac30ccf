package org.patientdocs.auth;

import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.impl.ECDSA;
import com.nimbusds.jose.crypto.factories.DefaultJWSVerifierFactory;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.JWSVerifierFactory;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimNames;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import com.nimbusds.jwt.proc.ExpiredJWTException;
import org.patientdocs.config.ConfigException;
import org.patientdocs.config.ServiceConfig;
import org.patientdocs.error.ServiceException.ServiceUnavailable;
import org.patientdocs.error.ServiceException.Unauthorized;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verifies a compact signed JWT: an allowed asymmetric algorithm, a {@code kid} naming one of the trusted keys and
 * a signature by it, {@code typ} JWT or absent, the exact issuer, the audience, {@code sub} a non-blank string and
 * {@code exp} present, with {@code exp}/{@code nbf} checked within the configured clock skew, {@code iat} not in the
 * future and a lifetime ({@code exp - iat}) within the configured maximum. Claims are checked only after the
 * signature, so an unsigned token never learns which claim was wrong.
 * <p>
 * A token that passed is remembered ({@code auth.token-cache-size} of them, by the SHA-256 of its text, never the text
 * itself), so that a client's next requests with it skip the signature check, which costs most of a small request's
 * time. A remembered token is still refused once it expires, and checked afresh once the keys its {@code kid} names
 * are not those it was verified with (a key rotated or withdrawn).
 */
public final class TokenVerifier {

    static final String NOT_VALID = "The access token is not valid";
    static final String EXPIRED = "The access token has expired";
    private static final Logger LOG = LoggerFactory.getLogger(TokenVerifier.class);

    private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    private final JWKSource<SecurityContext> keys;
    private final Clock clock;
    private final Duration skew;
    private final Set<JWSAlgorithm> algorithms;
    /** Tokens that passed, by the hex SHA-256 of their text; null when none are remembered. */
    private final Cache<String, Remembered> remembered;

    /** A token that passed, with what its later uses check again. */
    private record Remembered(Verified verified, Instant expires, JWSHeader header, List<JWK> keys) {
    }

    /** @param keys the trusted verification keys; {@code auth} supplies algorithms, issuer, audience and skew */
    public TokenVerifier(JWKSource<SecurityContext> keys, ServiceConfig.Auth auth) {
        this(keys, auth, Clock.systemUTC(), new DefaultJWSVerifierFactory());
    }

    /**
     * As {@link #TokenVerifier(JWKSource, ServiceConfig.Auth)}, telling the time by {@code clock} and checking
     * signatures with what {@code signatures} makes (tests count them).
     */
    TokenVerifier(JWKSource<SecurityContext> keys, ServiceConfig.Auth auth, Clock clock,
                  JWSVerifierFactory signatures) {
        this.keys = keys;
        this.clock = clock;
        this.skew = auth.clockSkew();
        // evictions on the calling thread: no background work, and none of the common pool's threads
        this.remembered = auth.tokenCacheSize() == 0 ? null
                : Caffeine.newBuilder().maximumSize(auth.tokenCacheSize()).executor(Runnable::run).build();
        this.algorithms = auth.algorithms().stream().map(JWSAlgorithm::parse)
                .collect(Collectors.toUnmodifiableSet());
        processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(JOSEObjectType.JWT, null));
        JWSVerificationKeySelector<SecurityContext> byKeyId = new JWSVerificationKeySelector<>(algorithms, keys);
        // without a kid, nimbus would try every trusted key of the algorithm's type: a token must say which key
        processor.setJWSKeySelector((header, context) -> header.getKeyID() == null || header.getKeyID().isBlank()
                ? List.of() : byKeyId.selectJWSKeys(header, context));
        processor.setJWTClaimsSetVerifier(new ClaimsVerifier(auth, clock));
        processor.setJWSVerifierFactory(signatures);
    }

    /** A verifier trusting a fixed key set (the development keys, a JWKS file, a test key). */
    public static TokenVerifier trusting(JWKSet keys, ServiceConfig.Auth auth) {
        return new TokenVerifier(new ImmutableJWKSet<>(keys.toPublicJWKSet()), auth);
    }

    /**
     * A verifier trusting the keys at {@code auth.jwks}: a file, read now, or an https URL, fetched on first use and
     * cached ({@link SigningKeys}).
     *
     * @throws ConfigException if the location is empty, an unusable URL, or a file that cannot be read as a JWKS
     */
    public static TokenVerifier fromJwks(ServiceConfig.Auth auth) {
        return new TokenVerifier(SigningKeys.of(auth), auth);
    }

    /**
     * Whether there are keys to verify tokens with: the cached ones, or, for a JWKS URL none was fetched from yet, the
     * keys fetched now (as the first token would). What a readiness check asks.
     */
    public boolean keysLoaded() {
        try {
            return !keys.get(new JWKSelector(new JWKMatcher.Builder().build()), null).isEmpty();
        } catch (KeySourceException e) {
            return false;
        }
    }

    /**
     * Takes a token through the checks once for each accepted algorithm a trusted key is for, with a signature no key
     * made, so that the first client's token does not pay for the first parse, key conversion and use of the signature
     * algorithm: 40-90 ms of the first answer after a start otherwise (ES256 development key, measured by hand on the
     * million-document H2 copy). Only keys at hand (development keys, a JWKS file) are used: keys at a JWKS URL are
     * fetched by the first request, as without it. Nothing is remembered or logged; what fails is left to the first
     * real token.
     */
    public void warmUp() {
        if (!(keys instanceof ImmutableJWKSet<SecurityContext> atHand)) {
            return;
        }
        List<JWK> trusted = atHand.getJWKSet().getKeys();
        for (JWSAlgorithm algorithm : algorithms) {
            trusted.stream().filter(key -> key.getKeyID() != null && JWKMatcher.forJWSHeader(
                    new JWSHeader.Builder(algorithm).keyID(key.getKeyID()).build()).matches(key)).findFirst()
                    .ifPresent(key -> processBadlySigned(algorithm, key));
        }
    }

    private void processBadlySigned(JWSAlgorithm algorithm, JWK key) {
        try {
            byte[] signature = new byte[key instanceof RSAKey rsa ? rsa.size() / Byte.SIZE
                    : ECDSA.getSignatureByteArrayLength(algorithm)];
            // r and s (or the RSA signature) within range, so the verification is done in full and fails
            Arrays.fill(signature, (byte) 1);
            JWSHeader header = new JWSHeader.Builder(algorithm).keyID(key.getKeyID()).type(JOSEObjectType.JWT)
                    .build();
            processor.process(new SignedJWT(header.toBase64URL(), new Payload(Map.of(JWTClaimNames.SUBJECT,
                    "warm-up")).toBase64URL(), Base64URL.encode(signature)), null);
        } catch (ParseException | BadJOSEException | JOSEException | RuntimeException expected) {
            // no key made that signature
        }
    }

    /**
     * A token that passed every check: its subject and all its claims.
     *
     * @param subject the {@code sub} claim, never blank
     */
    public record Verified(String subject, JWTClaimsSet claims) {
    }

    /**
     * The subject and claims of a valid token.
     *
     * @throws Unauthorized       with a client-facing message that never repeats the token
     * @throws ServiceUnavailable if the signing keys cannot be fetched from the JWKS URL
     */
    public Verified verify(String compactJwt) {
        if (compactJwt == null || compactJwt.isBlank()) {
            throw Unauthorized.invalidToken(NOT_VALID);
        }
        String digest = remembered == null ? null : Sha256.hex(compactJwt);
        Remembered known = digest == null ? null : remembered.getIfPresent(digest);
        if (known != null) {
            if (clock.instant().isAfter(known.expires().plus(skew))) {
                remembered.invalidate(digest);
                LOG.debug("access token rejected: expired since it was verified");
                throw Unauthorized.invalidToken(EXPIRED);
            }
            if (known.keys().equals(keysNamedBy(known.header()))) {
                return known.verified();
            }
            remembered.invalidate(digest);
        }
        SignedJWT jwt;
        JWTClaimsSet claims;
        try {
            jwt = SignedJWT.parse(compactJwt);
            claims = processor.process(jwt, null);
        } catch (ExpiredJWTException e) {
            throw rejected(EXPIRED, e);
        } catch (KeySourceException e) {
            throw new ServiceUnavailable("The token signing keys cannot be loaded; try again later", e);
        } catch (BadJOSEException | JOSEException e) {
            throw rejected(NOT_VALID, e);
        } catch (ParseException e) {
            // the parser's message may quote decoded token parts, so it is not logged
            LOG.debug("access token rejected: malformed");
            throw Unauthorized.invalidToken(NOT_VALID);
        }
        // nimbus turns a numeric sub into text (for lenient interop); RFC 7519 §4.1.2 says a string, and a number
        // could name a different principal than the same digits issued as a string
        if (!(jwt.getPayload().toJSONObject().get(JWTClaimNames.SUBJECT) instanceof String subject)
                || subject.isBlank()) {
            LOG.debug("access token rejected: sub is not a non-blank string");
            throw Unauthorized.invalidToken(NOT_VALID);
        }
        Verified verified = new Verified(subject, claims);
        if (digest == null) {
            return verified;
        }
        remembered.put(digest, new Remembered(verified, claims.getExpirationTime().toInstant(), jwt.getHeader(),
                keysNamedBy(jwt.getHeader())));
        return verified;
    }

    /** The trusted keys the header's {@code kid} (and algorithm) select now. */
    private List<JWK> keysNamedBy(JWSHeader header) {
        try {
            return keys.get(new JWKSelector(JWKMatcher.forJWSHeader(header)), null);
        } catch (KeySourceException e) {
            throw new ServiceUnavailable("The token signing keys cannot be loaded; try again later", e);
        }
    }

    /**
     * The claims rules: nimbus's (issuer, audience, required claims, {@code exp} and {@code nbf} within the skew),
     * then {@code iat} not in the future beyond the skew and, when a maximum lifetime is configured, {@code iat}
     * present and {@code exp - iat} within it. A token without {@code iat} could claim any lifetime, so it is refused
     * whenever the lifetime is limited.
     */
    private static final class ClaimsVerifier extends DefaultJWTClaimsVerifier<SecurityContext> {

        private final Duration skew;
        private final Duration maxLifetime;
        private final Clock clock;

        ClaimsVerifier(ServiceConfig.Auth auth, Clock clock) {
            super(auth.audience(), new JWTClaimsSet.Builder().issuer(auth.issuer()).build(),
                    auth.maxTokenLifetime().isZero() ? Set.of("sub", "exp") : Set.of("sub", "exp", "iat"));
            setMaxClockSkew(Math.toIntExact(auth.clockSkew().toSeconds()));
            this.skew = auth.clockSkew();
            this.maxLifetime = auth.maxTokenLifetime();
            this.clock = clock;
        }

        @Override
        protected Date currentTime() {
            return Date.from(clock.instant());
        }

        @Override
        public void verify(JWTClaimsSet claims, SecurityContext context) throws BadJWTException {
            super.verify(claims, context);
            Date issued = claims.getIssueTime();
            if (issued == null) {
                return;
            }
            if (issued.toInstant().isAfter(currentTime().toInstant().plus(skew))) {
                throw new BadJWTException("JWT issued in the future");
            }
            Duration lifetime = Duration.between(issued.toInstant(), claims.getExpirationTime().toInstant());
            if (!maxLifetime.isZero() && lifetime.compareTo(maxLifetime) > 0) {
                throw new BadJWTException("JWT lifetime of " + lifetime.toSeconds() + " s exceeds "
                        + maxLifetime.toSeconds() + " s");
            }
        }
    }

    private static Unauthorized rejected(String message, Exception cause) {
        // nimbus messages name the failed check (and claim values), never the serialized token
        LOG.debug("access token rejected: {}", cause.getMessage());
        return Unauthorized.invalidToken(message);
    }
}
