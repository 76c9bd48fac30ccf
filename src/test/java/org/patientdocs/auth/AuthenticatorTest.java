package org.patientdocs.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.patientdocs.auth.TestTokens.sign;
import static org.patientdocs.auth.TestTokens.validClaims;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.patientdocs.config.ConfigException;
import org.patientdocs.config.ServiceConfig;
import org.patientdocs.error.ErrorCode;
import org.patientdocs.error.ServiceException.BadRequest;
import org.patientdocs.error.ServiceException.ServiceUnavailable;
import org.patientdocs.error.ServiceException.Unauthorized;

class AuthenticatorTest {

    private static final String PRODUCTION_KEY = "production-api-key";

    @TempDir
    Path dataDir;

    private final ECKey key = TestTokens.ecKey("prod-1");

    @Test
    void developmentModeAcceptsTheDevelopmentApiKeyAndTokens() {
        ServiceConfig config = TestTokens.config(dataDir);
        Authenticator authenticator = Authenticator.create(config);
        DevCredentials dev = DevCredentials.ensure(config.storage().devDir());
        String token = dev.mintToken("user-456", TestTokens.ISSUER, TestTokens.AUDIENCE, Duration.ofMinutes(5));
        authenticator.checkApiKey(dev.apiKey());
        assertEquals("user-456", authenticator.verifyToken(token).subject());
    }

    @Test
    void developmentModeAlsoAcceptsConfiguredApiKeys() {
        ServiceConfig config = TestTokens.config(dataDir, "auth.api-key-sha256", ApiKeys.sha256Hex("extra-key"));
        Authenticator authenticator = Authenticator.create(config);
        authenticator.checkApiKey("extra-key");
        authenticator.checkApiKey(DevCredentials.ensure(config.storage().devDir()).apiKey());
    }

    @Test
    void productionModeVerifiesTokensAgainstAJwksFile() throws Exception {
        Path jwks = dataDir.resolve("jwks.json");
        Files.writeString(jwks, new JWKSet(key).toString());
        Authenticator authenticator = Authenticator.create(production(jwks.toString()));
        String token = sign(key, JWSAlgorithm.ES256, validClaims().build());
        authenticator.checkApiKey(PRODUCTION_KEY);
        assertEquals("user-456", authenticator.verifyToken(token).subject());
        assertThrows(Unauthorized.class, () -> authenticator.verifyToken(
                sign(TestTokens.ecKey("prod-1"), JWSAlgorithm.ES256, validClaims().build())));
    }

    @Test
    void productionModeCreatesNoDevelopmentCredentials() throws Exception {
        Path jwks = dataDir.resolve("jwks.json");
        Files.writeString(jwks, new JWKSet(key).toString());
        ServiceConfig config = production(jwks.toString());
        Authenticator authenticator = Authenticator.create(config);
        assertFalse(Files.exists(config.storage().devDir()));
        assertThrows(Unauthorized.class, () -> authenticator.checkApiKey("some-dev-key"));
    }

    @Test
    void productionModeFetchesTheJwksFromAUrl() throws Exception {
        byte[] body = new JWKSet(key).toString().getBytes(StandardCharsets.UTF_8);
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/jwks.json", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try {
            String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/jwks.json";
            Authenticator authenticator = Authenticator.create(production(url));
            String token = sign(key, JWSAlgorithm.ES256, validClaims().build());
            assertEquals("user-456", authenticator.verifyToken(token).subject());
        } finally {
            server.stop(0);
        }
    }

    @Test
    void unreachableJwksUrlIsServiceUnavailable() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        Authenticator authenticator = Authenticator.create(production("http://127.0.0.1:" + port + "/jwks.json"));
        String token = sign(key, JWSAlgorithm.ES256, validClaims().build());
        assertThrows(ServiceUnavailable.class, () -> authenticator.verifyToken(token));
    }

    @Test
    void unreadableJwksFileFailsAtStart() {
        ServiceConfig config = production(dataDir.resolve("missing.json").toString());
        ConfigException e = assertThrows(ConfigException.class, () -> Authenticator.create(config));
        assertTrue(e.getMessage().startsWith("auth.jwks"));
    }

    @Test
    void missingApiKeyIsRejected() {
        Authenticator authenticator = development();
        Unauthorized e = assertThrows(Unauthorized.class, () -> authenticator.checkApiKey(null));
        assertEquals(Authenticator.API_KEY_MISSING, e.getMessage());
    }

    @Test
    void wrongApiKeyIsRejected() {
        Authenticator authenticator = development();
        Unauthorized e = assertThrows(Unauthorized.class, () -> authenticator.checkApiKey("wrong"));
        assertEquals(Authenticator.API_KEY_INVALID, e.getMessage());
    }

    @Test
    void missingAuthorizationIsRejected() {
        Unauthorized e = assertThrows(Unauthorized.class, () -> Authenticator.bearerToken(null));
        assertEquals(Authenticator.TOKEN_MISSING, e.getMessage());
    }

    @Test
    void otherSchemesAreRejected() {
        Unauthorized e = assertThrows(Unauthorized.class, () -> Authenticator.bearerToken("Basic dXNlcjpwdw=="));
        assertEquals(Authenticator.TOKEN_MISSING, e.getMessage());
    }

    @Test
    void bearerSchemeIsCaseInsensitive() {
        assertEquals("abc.def.ghi", Authenticator.bearerToken("bearer abc.def.ghi"));
        assertEquals("abc.def.ghi", Authenticator.bearerToken("BEARER  abc.def.ghi "));
    }

    @ParameterizedTest
    @ValueSource(strings = {"Bearer", "Bearer ", "bearer \t", "Bearer a b"})
    void bearerWithoutExactlyOneTokenIsAnInvalidRequest(String header) {
        BadRequest e = assertThrows(BadRequest.class, () -> Authenticator.bearerToken(header));
        assertEquals(ErrorCode.INVALID_AUTHORIZATION_REQUEST, e.code());
        assertEquals(Authenticator.AUTHORIZATION_MALFORMED, e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"access_token=abc", "$top=1&access_token=abc", "ACCESS_TOKEN=abc", "access%5Ftoken=abc",
            "access_token", "access_token=", "a=1&&access_token=b"})
    void anAccessTokenParameterIsAnInvalidRequest(String query) {
        BadRequest e = assertThrows(BadRequest.class, () -> Authenticator.checkTokenPresentation(query, 1));
        assertEquals(ErrorCode.INVALID_AUTHORIZATION_REQUEST, e.code());
        assertEquals("access_token", e.target());
        assertFalse(e.getMessage().contains("abc"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "$top=1", "my_access_token=1", "access_token_hint=1", "$filter=x%20eq%20'access_token'",
            "access%ZZtoken=1"})
    void otherQueriesAreLetThrough(String query) {
        Authenticator.checkTokenPresentation(query, 1);
        Authenticator.checkTokenPresentation(null, 0);
    }

    @Test
    void aRepeatedAuthorizationHeaderIsAnInvalidRequest() {
        BadRequest e = assertThrows(BadRequest.class, () -> Authenticator.checkTokenPresentation(null, 2));
        assertEquals(ErrorCode.INVALID_AUTHORIZATION_REQUEST, e.code());
        assertEquals(Authenticator.AUTHORIZATION_REPEATED, e.getMessage());
    }

    private Authenticator development() {
        return Authenticator.create(TestTokens.config(dataDir));
    }

    private ServiceConfig production(String jwksLocation) {
        return TestTokens.config(dataDir, "auth.mode", "production", "auth.jwks", jwksLocation,
                "auth.api-key-sha256", ApiKeys.sha256Hex(PRODUCTION_KEY));
    }
}
