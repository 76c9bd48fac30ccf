package org.patientdocs.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.patientdocs.auth.TestTokens.sign;
import static org.patientdocs.auth.TestTokens.validClaims;

import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.patientdocs.config.ConfigException;
import org.patientdocs.config.ServiceConfig;
import org.patientdocs.error.ServiceException.ServiceUnavailable;
import org.patientdocs.error.ServiceException.Unauthorized;

/**
 * Keys fetched over https from an identity provider that rotates them and goes down now and then. The cache's time is
 * a clock the test moves, so that expiry and outages are exact and nothing waits.
 */
class SigningKeysTest {

    private static final Duration CACHE = Duration.ofSeconds(120);
    private static final Duration RATE_LIMIT = Duration.ofSeconds(10);
    private static final Duration OUTAGE_TOLERANCE = Duration.ofSeconds(600);

    @TempDir
    static Path certificateDir;
    @TempDir
    Path dataDir;

    private static KeyStore certificate;

    private final ECKey first = TestTokens.ecKey("first");
    private final ECKey second = TestTokens.ecKey("second");
    private final AtomicLong now = new AtomicLong(System.currentTimeMillis());
    private JwksServer keyServer;
    private TokenVerifier verifier;

    @BeforeAll
    static void makeCertificate() throws Exception {
        certificate = JwksServer.certificate(certificateDir);
    }

    @BeforeEach
    void startKeyServer() throws Exception {
        keyServer = JwksServer.start(certificate, new JWKSet(first));
        ServiceConfig.Auth auth = TestTokens.config(dataDir, "auth.jwks-cache-seconds", "" + CACHE.toSeconds(),
                "auth.jwks-rate-limit-seconds", "" + RATE_LIMIT.toSeconds(),
                "auth.jwks-outage-tolerance-seconds", "" + OUTAGE_TOLERANCE.toSeconds()).auth();
        verifier = new TokenVerifier(SigningKeys.fromUrl(keyServer.url(), auth.jwksCache(),
                keyServer.trustingSockets(), now::get), auth);
    }

    @AfterEach
    void stopKeyServer() {
        keyServer.close();
    }

    @Test
    void aKeyAddedByRotationIsFetchedWhenATokenFirstNamesIt() {
        assertAccepted(first);
        assertEquals(1, keyServer.fetches());
        keyServer.serve(new JWKSet(List.of(first, second)));
        assertAccepted(second);
        assertEquals(2, keyServer.fetches());
        assertAccepted(first);
        assertEquals(2, keyServer.fetches());
    }

    @Test
    void aKeyRemovedByRotationIsRefusedOnceTheCacheIsRenewed() {
        assertAccepted(first);
        keyServer.serve(new JWKSet(second));
        later(CACHE.plusSeconds(1));
        assertThrows(Unauthorized.class, () -> verifier.verify(token(first)));
        assertAccepted(second);
    }

    @Test
    void madeUpKeyIdsFetchTheKeysNoMoreOftenThanTheRateLimitAllows() {
        assertAccepted(first);
        for (int i = 0; i < 50; i++) {
            // refused as not valid (401), not as keys that cannot be loaded (503)
            assertThrows(Unauthorized.class, () -> verifier.verify(token(TestTokens.ecKey(UUID.randomUUID()
                    .toString()))));
        }
        // the first fetch and one refresh within the interval; the other 49 found the limit reached
        assertEquals(2, keyServer.fetches());
        assertAccepted(first);

        later(RATE_LIMIT.plusSeconds(1));
        for (int i = 0; i < 50; i++) {
            assertThrows(Unauthorized.class, () -> verifier.verify(token(TestTokens.ecKey(UUID.randomUUID()
                    .toString()))));
        }
        assertEquals(4, keyServer.fetches());
    }

    @Test
    void knownKeysAreFetchedAgainOnlyOnceTheCacheExpires() {
        assertAccepted(first);
        // before the last half minute, in which a request would start a refresh in the background
        later(CACHE.minusSeconds(31));
        assertAccepted(first);
        assertEquals(1, keyServer.fetches());
        later(Duration.ofSeconds(32));
        assertAccepted(first);
        assertEquals(2, keyServer.fetches());
    }

    @Test
    void whileTheKeyServerIsDownTheLastFetchedKeysKeepWorking() {
        assertAccepted(first);
        keyServer.close();

        later(CACHE.plusSeconds(1));
        assertAccepted(first);
        // an unknown key is still an invalid token, not an outage
        assertThrows(Unauthorized.class, () -> verifier.verify(token(second)));
        later(CACHE.plusSeconds(1));
        assertAccepted(first);

        // counted from the last successful fetch
        later(OUTAGE_TOLERANCE);
        assertThrows(ServiceUnavailable.class, () -> verifier.verify(token(first)));
    }

    @Test
    void withoutKeysFetchedEverAnOutageIsUnavailable() {
        keyServer.close();
        assertThrows(ServiceUnavailable.class, () -> verifier.verify(token(first)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://keys.example.org/jwks.json", "http://10.0.0.5/jwks.json",
            "http://127.example.org/jwks.json", "https:///jwks.json"})
    void keysOverAnUnprotectedNetworkAreRefusedAtStart(String url) {
        ConfigException e = assertThrows(ConfigException.class, () -> SigningKeys.of(production(url)));
        assertTrue(e.getMessage().startsWith("auth.jwks must be "), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://keys.example.org/jwks.json", "HTTPS://keys.example.org/jwks.json",
            "http://127.0.0.1:8081/jwks.json", "http://localhost/jwks.json", "http://[::1]:8081/jwks.json"})
    void httpsAndLoopbackUrlsAreAcceptedWithoutFetchingAtStart(String url) {
        SigningKeys.of(production(url));
    }

    private ServiceConfig.Auth production(String jwks) {
        return TestTokens.config(dataDir, "auth.mode", "production", "auth.jwks", jwks,
                "auth.api-key-sha256", ApiKeys.sha256Hex("key")).auth();
    }

    private void later(Duration duration) {
        now.addAndGet(duration.toMillis());
    }

    private void assertAccepted(ECKey key) {
        assertEquals("user-456", verifier.verify(token(key)).subject());
    }

    private static String token(ECKey key) {
        return sign(key, JWSAlgorithm.ES256, validClaims().build());
    }
}
