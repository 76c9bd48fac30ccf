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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
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
        String token = dev.mintToken("user-456", TestTokens.ISSUER, TestTokens.AUDIENCE, Duration.ofMinutes(5),
                Map.of("tenant", Caller.DEFAULT_TENANT, "scope", "documents.read"));
        Caller caller = authenticator.authenticate(dev.apiKey(), "Bearer " + token);
        assertEquals("user-456", caller.subject());
        assertEquals(Caller.DEFAULT_TENANT, caller.tenant());
        assertEquals(Set.of(Scope.DOCUMENTS_READ), caller.scopes());
    }

    @Test
    void developmentModeAcceptsATenantsKeyMadeAfterItStarted() {
        ServiceConfig config = TestTokens.config(dataDir);
        Authenticator authenticator = Authenticator.create(config);
        String key = DevCredentials.ensure(config.storage().devDir()).apiKey("clinic-b");
        assertEquals("clinic-b", authenticator.checkApiKey(key).tenant());
    }

    @Test
    void developmentModeAlsoAcceptsConfiguredApiKeys() {
        ServiceConfig config = TestTokens.config(dataDir, "auth.api-key-sha256", ApiKeys.sha256Hex("extra-key"));
        Authenticator authenticator = Authenticator.create(config);
        assertEquals(Caller.DEFAULT_TENANT, authenticator.checkApiKey("extra-key").tenant());
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
        assertEquals("abc.def.ghi", Authenticator.bearerToken(" Bearer\t abc.def.ghi"));
    }

    @Test
    void aSchemeRunIntoItsTokenIsNoBearerScheme() {
        Unauthorized e = assertThrows(Unauthorized.class, () -> Authenticator.bearerToken("Bearerabc.def.ghi"));
        assertEquals(Authenticator.TOKEN_MISSING, e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"Bearer", "Bearer ", "bearer \t", "Bearer a b", "Bearer a\tb", "Bearer a  b"})
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

    @Test
    void theCallerIsTheTokensSubjectInTheKeysTenantWithTheTokensScopes() throws Exception {
        Authenticator authenticator = productionWith("auth.api-key-sha256",
                ApiKeys.sha256Hex(PRODUCTION_KEY) + ":clinic-a");
        Caller caller = authenticator.authenticate(PRODUCTION_KEY, bearer(validClaims().claim("tenant", "clinic-a")
                .claim("scope", "openid documents.read patients.read")));
        assertEquals(new Caller("user-456", "clinic-a", ApiKeys.sha256Hex(PRODUCTION_KEY).substring(0, 12),
                Set.of(Scope.DOCUMENTS_READ, Scope.PATIENTS_READ)), caller);
    }

    @Test
    void aTokenForAnotherTenantThanTheKeysIsAnInvalidToken() throws Exception {
        Authenticator authenticator = productionWith("auth.api-key-sha256",
                ApiKeys.sha256Hex(PRODUCTION_KEY) + ":clinic-a");
        Unauthorized e = assertThrows(Unauthorized.class, () -> authenticator.authenticate(PRODUCTION_KEY,
                bearer(validClaims().claim("tenant", "clinic-b"))));
        assertEquals(Authenticator.OTHER_TENANT, e.getMessage());
        assertTrue(e.tokenRejected(), "answered with error=\"invalid_token\"");
    }

    @ParameterizedTest
    @ValueSource(strings = {"absent", "number", "list"})
    void aTokenWhoseTenantClaimIsNoTenantNameIsAnInvalidToken(String kind) throws Exception {
        Authenticator authenticator = productionWith();
        JWTClaimsSet.Builder claims = validClaims();
        switch (kind) {
            case "absent" -> claims.claim("tenant", null);
            case "number" -> claims.claim("tenant", 7);
            default -> claims.claim("tenant", List.of(Caller.DEFAULT_TENANT));
        }
        Unauthorized e = assertThrows(Unauthorized.class, () -> authenticator.authenticate(PRODUCTION_KEY,
                bearer(claims)));
        assertEquals(Authenticator.OTHER_TENANT, e.getMessage());
    }

    @Test
    void theTenantClaimIsTheConfiguredOne() throws Exception {
        Authenticator authenticator = productionWith("auth.tenant-claim", "org_id");
        assertEquals(Caller.DEFAULT_TENANT, authenticator.authenticate(PRODUCTION_KEY,
                bearer(validClaims().claim("tenant", null).claim("org_id", Caller.DEFAULT_TENANT))).tenant());
        assertThrows(Unauthorized.class, () -> authenticator.authenticate(PRODUCTION_KEY, bearer(validClaims())));
    }

    @Test
    void scopesComeFromScopeAndScpAsStringsOrArrays() throws Exception {
        Authenticator authenticator = productionWith();
        assertEquals(Set.of(Scope.DOCUMENTS_READ, Scope.AUDIT_READ), authenticator.authenticate(PRODUCTION_KEY,
                bearer(validClaims().claim("scope", null).claim("scp", List.of("documents.read", "audit.read"))))
                .scopes());
        assertEquals(Set.of(Scope.PATIENTS_WRITE, Scope.DOCUMENTS_DELETE), authenticator.authenticate(PRODUCTION_KEY,
                bearer(validClaims().claim("scope", "patients.write").claim("scp", "x documents.delete"))).scopes());
        assertEquals(Set.of(), authenticator.authenticate(PRODUCTION_KEY, bearer(validClaims().claim("scope", null)))
                .scopes());
    }

    @Test
    void aScopeClaimOfAnotherShapeIsAnInvalidToken() throws Exception {
        Authenticator authenticator = productionWith();
        Unauthorized e = assertThrows(Unauthorized.class, () -> authenticator.authenticate(PRODUCTION_KEY,
                bearer(validClaims().claim("scp", List.of("documents.read", 5)))));
        assertEquals(ScopeNames.MALFORMED, e.getMessage());
        assertTrue(e.tokenRejected());
    }

    @Test
    void theConfiguredScopeNamesAreTheOnesTokensGrant() throws Exception {
        Authenticator authenticator = productionWith("auth.scope.documents-read", "api://docs/Documents.Read",
                "auth.scope.documents-write", "docs", "auth.scope.documents-delete", "docs");
        Caller caller = authenticator.authenticate(PRODUCTION_KEY,
                bearer(validClaims().claim("scope", "api://docs/Documents.Read documents.write docs")));
        assertEquals(Set.of(Scope.DOCUMENTS_READ, Scope.DOCUMENTS_WRITE, Scope.DOCUMENTS_DELETE), caller.scopes());
        assertEquals("api://docs/Documents.Read", caller.names().nameOf(Scope.DOCUMENTS_READ));
    }

    private Authenticator productionWith(String... settings) throws Exception {
        Path jwks = dataDir.resolve("jwks.json");
        Files.writeString(jwks, new JWKSet(key).toString());
        List<String> all = new ArrayList<>(List.of("auth.mode", "production", "auth.jwks", jwks.toString(),
                "auth.api-key-sha256", ApiKeys.sha256Hex(PRODUCTION_KEY)));
        all.addAll(List.of(settings));
        return Authenticator.create(TestTokens.config(dataDir, all.toArray(String[]::new)));
    }

    private String bearer(JWTClaimsSet.Builder claims) {
        return "Bearer " + sign(key, JWSAlgorithm.ES256, claims.build());
    }

    private Authenticator development() {
        return Authenticator.create(TestTokens.config(dataDir));
    }

    private ServiceConfig production(String jwksLocation) {
        return TestTokens.config(dataDir, "auth.mode", "production", "auth.jwks", jwksLocation,
                "auth.api-key-sha256", ApiKeys.sha256Hex(PRODUCTION_KEY));
    }
}
