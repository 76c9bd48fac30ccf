package org.patientdocs.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;

import com.nimbusds.jose.JWSAlgorithm;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.patientdocs.config.ServiceConfig;

/** The filter in front of a servlet on a real Jetty, called over HTTP. */
class AuthenticationFilterIT {

    private static final String PLAIN_CHALLENGE = "Bearer realm=\"patientdocs\"";
    private static final String INVALID_TOKEN_PREFIX =
            "Bearer realm=\"patientdocs\", error=\"invalid_token\", error_description=\"";

    @TempDir
    static Path dataDir;

    private static Server server;
    private static URI base;
    private static DevCredentials dev;
    private static ServiceConfig config;
    private final HttpClient client = HttpClient.newHttpClient();

    @BeforeAll
    static void startServer() throws Exception {
        config = TestTokens.config(dataDir);
        Authenticator authenticator = Authenticator.create(config);
        dev = DevCredentials.ensure(config.storage().devDir());
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.addFilter(new FilterHolder(new AuthenticationFilter(authenticator)), "/*",
                EnumSet.of(DispatcherType.REQUEST));
        context.addServlet(new ServletHolder(new CallerEchoServlet()), "/*");
        server.setHandler(context);
        server.start();
        base = URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/odata/Documents");
    }

    @AfterAll
    static void stopServer() throws Exception {
        server.stop();
    }

    @Test
    void validCredentialsReachTheServiceWithTheCaller() throws Exception {
        HttpResponse<String> response = send(request().header("x-api-key", dev.apiKey())
                .header("Authorization", "Bearer " + token("user-456")));
        assertEquals(200, response.statusCode());
        assertEquals("user-456", response.body());
    }

    @Test
    void missingApiKeyIsUnauthorizedWithAPlainChallenge() throws Exception {
        HttpResponse<String> response = send(request().header("Authorization", "Bearer " + token("user-456")));
        assertUnauthorized(response, Authenticator.API_KEY_MISSING);
        assertEquals(PLAIN_CHALLENGE, response.headers().firstValue("WWW-Authenticate").orElseThrow());
    }

    @Test
    void theApiKeyIsCheckedBeforeTheToken() throws Exception {
        HttpResponse<String> response = send(request().header("Authorization", "Bearer not-a-token"));
        assertUnauthorized(response, Authenticator.API_KEY_MISSING);
        assertEquals(PLAIN_CHALLENGE, response.headers().firstValue("WWW-Authenticate").orElseThrow());
    }

    @Test
    void wrongApiKeyIsUnauthorizedWithAPlainChallenge() throws Exception {
        HttpResponse<String> response = send(request().header("x-api-key", "wrong")
                .header("Authorization", "Bearer " + token("user-456")));
        assertUnauthorized(response, Authenticator.API_KEY_INVALID);
        assertEquals(PLAIN_CHALLENGE, response.headers().firstValue("WWW-Authenticate").orElseThrow());
    }

    @Test
    void missingTokenIsUnauthorizedWithAPlainChallenge() throws Exception {
        HttpResponse<String> response = send(request().header("x-api-key", dev.apiKey()));
        assertUnauthorized(response, Authenticator.TOKEN_MISSING);
        assertEquals(PLAIN_CHALLENGE, response.headers().firstValue("WWW-Authenticate").orElseThrow());
    }

    @Test
    void emptyBearerTokenIsAnInvalidRequest() throws Exception {
        HttpResponse<String> response = send(request().header("x-api-key", dev.apiKey())
                .header("Authorization", "Bearer"));
        assertInvalidRequest(response, Authenticator.AUTHORIZATION_MALFORMED);
    }

    @Test
    void aRepeatedAuthorizationHeaderIsAnInvalidRequest() throws Exception {
        // a proxy that checks one of them and a service that uses the other would disagree on the caller
        HttpResponse<String> response = send(request().header("x-api-key", dev.apiKey())
                .header("Authorization", "Bearer " + token("user-456"))
                .header("Authorization", "Bearer " + token("admin")));
        assertInvalidRequest(response, Authenticator.AUTHORIZATION_REPEATED);
    }

    @Test
    void twoBearerTokensAreAnInvalidRequest() throws Exception {
        HttpResponse<String> response = send(request().header("x-api-key", dev.apiKey())
                .header("Authorization", "Bearer " + token("user-456") + " more"));
        assertInvalidRequest(response, Authenticator.AUTHORIZATION_MALFORMED);
    }

    @Test
    void expiredTokenIsUnauthorizedWithAnInvalidTokenChallenge() throws Exception {
        String expired = dev.mintToken("user-456", TestTokens.ISSUER, TestTokens.AUDIENCE, Duration.ofMinutes(-10),
                Map.of("tenant", Caller.DEFAULT_TENANT));
        HttpResponse<String> response = send(request().header("x-api-key", dev.apiKey())
                .header("Authorization", "Bearer " + expired));
        assertUnauthorized(response, TokenVerifier.EXPIRED);
        assertEquals(INVALID_TOKEN_PREFIX + TokenVerifier.EXPIRED + "\"",
                response.headers().firstValue("WWW-Authenticate").orElseThrow());
    }

    @Test
    void overlongTokenIsUnauthorizedWithAnInvalidTokenChallenge() throws Exception {
        String overlong = dev.mintToken("user-456", TestTokens.ISSUER, TestTokens.AUDIENCE, Duration.ofHours(2),
                Map.of("tenant", Caller.DEFAULT_TENANT));
        HttpResponse<String> response = send(request().header("x-api-key", dev.apiKey())
                .header("Authorization", "Bearer " + overlong));
        assertUnauthorized(response, TokenVerifier.NOT_VALID);
        assertEquals(INVALID_TOKEN_PREFIX + TokenVerifier.NOT_VALID + "\"",
                response.headers().firstValue("WWW-Authenticate").orElseThrow());
    }

    @Test
    void tokenFromAnotherKeyIsUnauthorizedWithAnInvalidTokenChallenge() throws Exception {
        String foreign = TestTokens.sign(TestTokens.ecKey(dev.keyId()), JWSAlgorithm.ES256,
                TestTokens.validClaims().build());
        HttpResponse<String> response = send(request().header("x-api-key", dev.apiKey())
                .header("Authorization", "Bearer " + foreign));
        assertUnauthorized(response, TokenVerifier.NOT_VALID);
        assertTrue(response.headers().firstValue("WWW-Authenticate").orElseThrow().startsWith(INVALID_TOKEN_PREFIX));
        assertFalse(response.body().contains(foreign));
    }

    @Test
    void optionsRequestsNeedCredentialsToo() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(base)
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()));
        assertUnauthorized(response, Authenticator.API_KEY_MISSING);
    }

    private String token(String subject) {
        return dev.mintToken(subject, config.auth().issuer(), config.auth().audience(), Duration.ofMinutes(5),
                Map.of("tenant", Caller.DEFAULT_TENANT, "scope", ScopeNames.DEFAULT.all()));
    }

    private HttpRequest.Builder request() {
        return HttpRequest.newBuilder(base).GET();
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void assertUnauthorized(HttpResponse<String> response, String message) {
        assertEquals(401, response.statusCode());
        assertEquals("{\"error\":{\"code\":\"UNAUTHORIZED\",\"message\":\"" + message + "\"}}", response.body());
        assertTrue(response.headers().firstValue("Content-Type").orElseThrow().startsWith("application/json"));
        assertTrue(response.headers().firstValue("WWW-Authenticate").isPresent());
    }

    /** RFC 6750 §3.1: a malformed request is 400 with an {@code invalid_request} challenge, in the service's shape. */
    private static void assertInvalidRequest(HttpResponse<String> response, String message) {
        assertEquals(400, response.statusCode());
        assertEquals("{\"error\":{\"code\":\"INVALID_AUTHORIZATION_REQUEST\",\"message\":\"" + message + "\"}}",
                response.body());
        assertEquals(PLAIN_CHALLENGE + ", error=\"invalid_request\", error_description=\"" + message + "\"",
                response.headers().firstValue("WWW-Authenticate").orElseThrow());
    }

    /** Answers with the subject of the authenticated caller. */
    private static final class CallerEchoServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
            response.setContentType("text/plain;charset=utf-8");
            response.getWriter().write(AuthenticationFilter.callerOf(request).subject());
        }
    }
}
