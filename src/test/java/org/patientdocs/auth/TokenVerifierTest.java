package org.patientdocs.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.patientdocs.auth.TestTokens.minutesFromNow;
import static org.patientdocs.auth.TestTokens.sign;
import static org.patientdocs.auth.TestTokens.validClaims;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.crypto.factories.DefaultJWSVerifierFactory;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.patientdocs.config.ServiceConfig;
import org.patientdocs.error.ServiceException.Unauthorized;

class TokenVerifierTest {

    @TempDir
    Path dataDir;

    private static final RSAKey RSA_KEY = TestTokens.rsaKey("key-2");

    private final ECKey key = TestTokens.ecKey("key-1");
    private ServiceConfig.Auth auth;
    private TokenVerifier verifier;

    @BeforeEach
    void createVerifier() {
        auth = TestTokens.config(dataDir).auth();
        verifier = TokenVerifier.trusting(new JWKSet(List.of(key, RSA_KEY)), auth);
    }

    @Test
    void validTokenIsAccepted() {
        assertEquals("user-456", verifier.verify(sign(key, JWSAlgorithm.ES256, validClaims().build())).subject());
    }

    @Test
    void rsaSignedTokenIsAccepted() {
        assertEquals("user-456", verifier.verify(sign(RSA_KEY, JWSAlgorithm.RS256, validClaims().build())).subject());
    }

    @Test
    void tokenWithoutTypeHeaderIsAccepted() {
        JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("key-1").build();
        assertEquals("user-456", verifier.verify(sign(key, header, validClaims().build())).subject());
    }

    @Test
    void audienceListContainingTheServiceIsAccepted() {
        JWTClaimsSet claims = validClaims().audience(List.of("urn:other", TestTokens.AUDIENCE)).build();
        assertEquals("user-456", verifier.verify(sign(key, JWSAlgorithm.ES256, claims)).subject());
    }

    @Test
    void expiredTokenIsRejected() {
        JWTClaimsSet claims = validClaims().issueTime(minutesFromNow(-30)).expirationTime(minutesFromNow(-10)).build();
        assertRejected(sign(key, JWSAlgorithm.ES256, claims), TokenVerifier.EXPIRED);
    }

    @Test
    void expiryWithinClockSkewIsAccepted() {
        JWTClaimsSet claims = validClaims().expirationTime(new Date(System.currentTimeMillis() - 20_000))
                .build();
        assertEquals("user-456", verifier.verify(sign(key, JWSAlgorithm.ES256, claims)).subject());
    }

    @Test
    void notYetValidTokenIsRejected() {
        JWTClaimsSet claims = validClaims().notBeforeTime(minutesFromNow(5)).expirationTime(minutesFromNow(20))
                .build();
        assertRejected(sign(key, JWSAlgorithm.ES256, claims), TokenVerifier.NOT_VALID);
    }

    @Test
    void lifetimeBeyondTheMaximumIsRejected() {
        Date issued = new Date();
        JWTClaimsSet claims = validClaims().issueTime(issued)
                .expirationTime(new Date(issued.getTime() + (3600 + 1) * 1000L)).build();
        assertRejected(sign(key, JWSAlgorithm.ES256, claims), TokenVerifier.NOT_VALID);
    }

    @Test
    void lifetimeOfExactlyTheMaximumIsAccepted() {
        Date issued = new Date();
        JWTClaimsSet claims = validClaims().issueTime(issued).expirationTime(new Date(issued.getTime() + 3600_000L))
                .build();
        assertEquals("user-456", verifier.verify(sign(key, JWSAlgorithm.ES256, claims)).subject());
    }

    @Test
    void lifetimeIsMeasuredFromIssueTimeEvenForAnOldToken() {
        // still valid for ten minutes, but issued two hours ago: a token that lived longer than allowed
        JWTClaimsSet claims = validClaims().issueTime(minutesFromNow(-120)).build();
        assertRejected(sign(key, JWSAlgorithm.ES256, claims), TokenVerifier.NOT_VALID);
    }

    @Test
    void tokenIssuedInTheFutureIsRejected() {
        JWTClaimsSet claims = validClaims().issueTime(minutesFromNow(5)).expirationTime(minutesFromNow(15)).build();
        assertRejected(sign(key, JWSAlgorithm.ES256, claims), TokenVerifier.NOT_VALID);
    }

    @Test
    void issueTimeWithinClockSkewIsAccepted() {
        JWTClaimsSet claims = validClaims().issueTime(new Date(System.currentTimeMillis() + 20_000)).build();
        assertEquals("user-456", verifier.verify(sign(key, JWSAlgorithm.ES256, claims)).subject());
    }

    @Test
    void tokenWithoutIssueTimeIsRejectedWhileTheLifetimeIsLimited() {
        assertRejected(sign(key, JWSAlgorithm.ES256, validClaims().issueTime(null).build()), TokenVerifier.NOT_VALID);
    }

    @Test
    void withoutALifetimeLimitIssueTimeIsOptionalAndAnyLifetimeAccepted() {
        ServiceConfig.Auth unlimited = TestTokens.config(dataDir, "auth.max-token-lifetime-seconds", "0").auth();
        TokenVerifier lenient = TokenVerifier.trusting(new JWKSet(key), unlimited);
        assertEquals("user-456", lenient.verify(sign(key, JWSAlgorithm.ES256, validClaims().issueTime(null)
                .expirationTime(minutesFromNow(24 * 60)).build())).subject());
        // a token from the future is not a matter of lifetime: still refused
        assertThrows(Unauthorized.class, () -> lenient.verify(sign(key, JWSAlgorithm.ES256,
                validClaims().issueTime(minutesFromNow(5)).build())));
    }

    @Test
    void wrongIssuerIsRejected() {
        assertRejected(sign(key, JWSAlgorithm.ES256, validClaims().issuer("urn:someone-else").build()),
                TokenVerifier.NOT_VALID);
    }

    @Test
    void wrongAudienceIsRejected() {
        assertRejected(sign(key, JWSAlgorithm.ES256, validClaims().audience("urn:other-api").build()),
                TokenVerifier.NOT_VALID);
    }

    @Test
    void missingAudienceIsRejected() {
        assertRejected(sign(key, JWSAlgorithm.ES256, validClaims().audience((String) null).build()),
                TokenVerifier.NOT_VALID);
    }

    @Test
    void missingSubjectIsRejected() {
        assertRejected(sign(key, JWSAlgorithm.ES256, validClaims().subject(null).build()), TokenVerifier.NOT_VALID);
    }

    @Test
    void blankSubjectIsRejected() {
        assertRejected(sign(key, JWSAlgorithm.ES256, validClaims().subject(" ").build()), TokenVerifier.NOT_VALID);
    }

    @Test
    void numericSubjectIsRejected() {
        assertRejected(sign(key, JWSAlgorithm.ES256, validClaims().claim("sub", 456).build()),
                TokenVerifier.NOT_VALID);
    }

    @Test
    void tokenWithoutKeyIdIsRejected() {
        // the token is signed by a trusted key; only the kid naming it is missing
        JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.ES256).type(JOSEObjectType.JWT).build();
        assertRejected(sign(key, header, validClaims().build()), TokenVerifier.NOT_VALID);
    }

    @Test
    void tokenWithABlankKeyIdIsRejected() {
        ECKey blankId = new ECKey.Builder(key).keyID("").build();
        TokenVerifier trustingBlankId = TokenVerifier.trusting(new JWKSet(blankId), auth);
        JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("").build();
        String token = sign(blankId, header, validClaims().build());
        assertThrows(Unauthorized.class, () -> trustingBlankId.verify(token));
    }

    @Test
    void missingExpiryIsRejected() {
        assertRejected(sign(key, JWSAlgorithm.ES256, validClaims().expirationTime(null).build()),
                TokenVerifier.NOT_VALID);
    }

    @Test
    void tokenSignedByAnotherKeyWithTheSameKeyIdIsRejected() {
        ECKey impostor = TestTokens.ecKey("key-1");
        assertRejected(sign(impostor, JWSAlgorithm.ES256, validClaims().build()), TokenVerifier.NOT_VALID);
    }

    @Test
    void unknownKeyIdIsRejected() {
        ECKey stranger = TestTokens.ecKey("key-9");
        assertRejected(sign(stranger, JWSAlgorithm.ES256, validClaims().build()), TokenVerifier.NOT_VALID);
    }

    @Test
    void expiredTokenWithBadSignatureIsNotReportedAsExpired() {
        JWTClaimsSet claims = validClaims().expirationTime(minutesFromNow(-10)).build();
        assertRejected(sign(TestTokens.ecKey("key-1"), JWSAlgorithm.ES256, claims), TokenVerifier.NOT_VALID);
    }

    @Test
    void hs256TokenIsRejectedEvenWithAMatchingKey() {
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        OctetSequenceKey hmacKey = new OctetSequenceKey.Builder(secret).keyID("hmac").build();
        // the constructor, unlike trusting(), keeps symmetric keys: only the algorithm allow-list stops this token
        JWKSet withHmac = new JWKSet(List.of(key, hmacKey));
        TokenVerifier trustingHmac = new TokenVerifier(new ImmutableJWKSet<>(withHmac), auth);
        String token = sign(hmacKey, JWSAlgorithm.HS256, validClaims().build());
        assertThrows(Unauthorized.class, () -> trustingHmac.verify(token));
    }

    @Test
    void hs256TokenKeyedWithThePublicKeyIsRejected() {
        // the classic algorithm confusion: HMAC with the verifier's public key as secret
        OctetSequenceKey confused = new OctetSequenceKey.Builder(key.toPublicJWK().toJSONString()
                .getBytes(StandardCharsets.UTF_8)).keyID("key-1").build();
        assertRejected(sign(confused, JWSAlgorithm.HS256, validClaims().build()), TokenVerifier.NOT_VALID);
    }

    @Test
    void algorithmOutsideTheAllowListIsRejected() {
        // production: development mode needs ES256 for its own key
        ServiceConfig.Auth rsaOnly = TestTokens.config(dataDir, "auth.mode", "production", "auth.jwks", "jwks.json",
                "auth.api-key-sha256", ApiKeys.sha256Hex("key"), "auth.algorithms", "RS256").auth();
        TokenVerifier strict = TokenVerifier.trusting(new JWKSet(key), rsaOnly);
        String token = sign(key, JWSAlgorithm.ES256, validClaims().build());
        assertThrows(Unauthorized.class, () -> strict.verify(token));
    }

    @Test
    void unsecuredTokenIsRejected() {
        assertRejected(new PlainJWT(validClaims().build()).serialize(), TokenVerifier.NOT_VALID);
    }

    @Test
    void unsecuredTokenWithAKeyIdAndSignatureIsRejected() {
        String signed = sign(key, JWSAlgorithm.ES256, validClaims().build());
        String noneHeader = Base64URL.encode("{\"alg\":\"none\",\"kid\":\"key-1\",\"typ\":\"JWT\"}").toString();
        assertRejected(noneHeader + signed.substring(signed.indexOf('.')), TokenVerifier.NOT_VALID);
    }

    @Test
    void unexpectedTypeHeaderIsRejected() {
        JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("key-1")
                .type(new JOSEObjectType("logout+jwt")).build();
        assertRejected(sign(key, header, validClaims().build()), TokenVerifier.NOT_VALID);
    }

    @Test
    void tamperedClaimsAreRejected() {
        String token = sign(key, JWSAlgorithm.ES256, validClaims().build());
        String[] parts = token.split("\\.");
        String otherClaims = Base64URL.encode(validClaims().subject("admin").build().toString()).toString();
        assertRejected(parts[0] + "." + otherClaims + "." + parts[2], TokenVerifier.NOT_VALID);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "abc", "a.b.c", "a.b", "eyJhbGciOiJFUzI1NiJ9.bm90IGpzb24.c2ln", "....."})
    void malformedTokenIsRejected(String token) {
        assertRejected(token, TokenVerifier.NOT_VALID);
    }

    @Test
    void nullTokenIsRejected() {
        assertRejected(null, TokenVerifier.NOT_VALID);
    }

    private void assertRejected(String token, String expectedMessage) {
        Unauthorized e = assertThrows(Unauthorized.class, () -> verifier.verify(token));
        assertEquals(expectedMessage, e.getMessage());
        if (token != null && !token.isBlank()) {
            assertFalse(e.getMessage().contains(token));
        }
    }

    /** A clock the test turns forward. */
    private static final class TurnedClock extends Clock {
        Instant now = Instant.now();

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    /** Keys the test replaces, counting how often they are looked up. */
    private static final class RotatingKeys implements JWKSource<SecurityContext> {
        final AtomicReference<JWKSet> current;
        final AtomicInteger lookups = new AtomicInteger();

        RotatingKeys(JWKSet keys) {
            this.current = new AtomicReference<>(keys);
        }

        @Override
        public List<com.nimbusds.jose.jwk.JWK> get(com.nimbusds.jose.jwk.JWKSelector selector,
                                                  SecurityContext context) {
            lookups.incrementAndGet();
            return selector.select(current.get());
        }
    }

    /** Signature checks, counted. */
    private final AtomicInteger signatureChecks = new AtomicInteger();

    private TokenVerifier verifier(JWKSource<SecurityContext> keys, ServiceConfig.Auth config, Clock clock) {
        return new TokenVerifier(keys, config, clock, new DefaultJWSVerifierFactory() {
            @Override
            public com.nimbusds.jose.JWSVerifier createJWSVerifier(JWSHeader header, java.security.Key key)
                    throws com.nimbusds.jose.JOSEException {
                signatureChecks.incrementAndGet();
                return super.createJWSVerifier(header, key);
            }
        });
    }

    @Test
    void theWarmUpChecksASignatureWithATrustedKeyOfEachAcceptedAlgorithmAndChangesNothing() {
        TokenVerifier warmed = verifier(new ImmutableJWKSet<>(new JWKSet(List.of(key, RSA_KEY))), auth,
                Clock.systemUTC());
        warmed.warmUp();
        assertEquals(2, signatureChecks.get(), "ES256 with key-1 and RS256 with key-2");
        assertEquals("user-456", warmed.verify(sign(key, JWSAlgorithm.ES256, validClaims().build())).subject());
        assertEquals(3, signatureChecks.get(), "a client's token is checked as without the warm-up");
        verifier(new ImmutableJWKSet<>(new JWKSet()), auth, Clock.systemUTC()).warmUp();
        assertEquals(3, signatureChecks.get(), "without trusted keys there is nothing to warm up");
    }

    @Test
    void theWarmUpDoesNotFetchKeysThatAreNotAtHand() {
        RotatingKeys remote = new RotatingKeys(new JWKSet(key));
        verifier(remote, auth, Clock.systemUTC()).warmUp();
        assertEquals(0, remote.lookups.get(), "keys at a JWKS URL are fetched by the first request");
        assertEquals(0, signatureChecks.get());
    }

    @Test
    void aRememberedTokenIsNotVerifiedAgain() {
        TokenVerifier remembering = verifier(new RotatingKeys(new JWKSet(key)), auth, Clock.systemUTC());
        String token = sign(key, JWSAlgorithm.ES256, validClaims().build());
        for (int i = 0; i < 3; i++) {
            assertEquals("user-456", remembering.verify(token).subject());
        }
        assertEquals(1, signatureChecks.get());
        TokenVerifier forgetting = verifier(new RotatingKeys(new JWKSet(key)),
                TestTokens.config(dataDir, "auth.token-cache-size", "0").auth(), Clock.systemUTC());
        for (int i = 0; i < 3; i++) {
            assertEquals("user-456", forgetting.verify(token).subject());
        }
        assertEquals(1 + 3, signatureChecks.get(), "auth.token-cache-size=0: each use is checked");
    }

    @Test
    void aRememberedTokenStillExpires() {
        TurnedClock clock = new TurnedClock();
        TokenVerifier remembering = verifier(new RotatingKeys(new JWKSet(key)), auth, clock);
        String token = sign(key, JWSAlgorithm.ES256, validClaims().build());
        remembering.verify(token);
        Instant expires = Instant.ofEpochMilli(validClaims().build().getExpirationTime().getTime());
        clock.now = expires.plus(auth.clockSkew()).plus(Duration.ofSeconds(1));
        Unauthorized expired = assertThrows(Unauthorized.class, () -> remembering.verify(token));
        assertEquals(TokenVerifier.EXPIRED, expired.getMessage());
    }

    @Test
    void aRememberedTokenIsRefusedOnceItsKeyIsWithdrawnOrReplaced() {
        RotatingKeys keys = new RotatingKeys(new JWKSet(key));
        TokenVerifier remembering = verifier(keys, auth, Clock.systemUTC());
        String token = sign(key, JWSAlgorithm.ES256, validClaims().build());
        remembering.verify(token);
        // another key under the same kid: the token's signature is not by it
        keys.current.set(new JWKSet(TestTokens.ecKey("key-1")));
        assertRejected(remembering, token, TokenVerifier.NOT_VALID);
        keys.current.set(new JWKSet(key));
        assertEquals("user-456", remembering.verify(token).subject());
        keys.current.set(new JWKSet(RSA_KEY));
        assertRejected(remembering, token, TokenVerifier.NOT_VALID);
    }

    private static void assertRejected(TokenVerifier verifier, String token, String message) {
        Unauthorized rejected = assertThrows(Unauthorized.class, () -> verifier.verify(token));
        assertEquals(message, rejected.getMessage());
    }
}
