package org.patientdocs.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;

/**
 * The token signing keys cannot be fetched (nothing answers at the JWKS URL): the authentication filter, which runs
 * before Olingo, turns requests away with the same 503 and {@code Retry-After} a database outage gets, and not with
 * a 401 that would send the client for a new token it does not need. Once keys were fetched, an outage of the key
 * server goes unnoticed: the fetched keys keep serving.
 */
class SigningKeysOutageIT {

    @Test
    void whileTheSigningKeysCannotBeLoadedRequestsAreToldToRetry() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        try (TestService service = TestService.start(
                Map.of("auth.jwks", "http://127.0.0.1:" + closedPort + "/jwks.json"))) {
            ErrorAnswer.of(service.get("/Patients")).assertUnavailable();
            ErrorAnswer.of(service.postJson("/Patients", "{\"id\":\"p-1\"}")).assertUnavailable();
        }
    }

    @Test
    void onceKeysWereFetchedTheKeyServerMayGoDown() throws Exception {
        // the service's key set, served by a key server of the test's (plain http: loopback only)
        AtomicReference<Path> keys = new AtomicReference<>();
        AtomicInteger fetches = new AtomicInteger();
        HttpServer keyServer = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        keyServer.createContext("/jwks.json", exchange -> {
            fetches.incrementAndGet();
            byte[] body = Files.readAllBytes(keys.get());
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        keyServer.start();
        try (TestService service = TestService.start(Map.of("auth.jwks",
                "http://127.0.0.1:" + keyServer.getAddress().getPort() + "/jwks.json"))) {
            // TestService writes its public keys there before it starts; they are fetched on the first request
            keys.set(service.dataDir.resolve("jwks.json"));
            assertEquals(200, service.get("/Patients").statusCode());
            assertEquals(1, fetches.get());

            keyServer.stop(0);
            assertEquals(200, service.get("/Patients").statusCode());
            // a key the fetched set lacks is tried again, fails to load, and is an invalid token, not an outage
            HttpResponse<String> unknown = service.send(HttpRequest.newBuilder(service.uri("/Patients"))
                    .header("x-api-key", TestService.API_KEY).header("Authorization", "Bearer " + tokenOfAnotherKey())
                    .GET().build());
            ErrorAnswer answer = ErrorAnswer.of(unknown);
            assertEquals(401, answer.status(), answer.toString());
            assertEquals("Bearer realm=\"patientdocs\", error=\"invalid_token\", error_description=\""
                    + answer.message() + "\"", answer.header("WWW-Authenticate"));
            assertEquals(200, service.get("/Patients").statusCode());
        } finally {
            keyServer.stop(0);
        }
    }

    private static String tokenOfAnotherKey() throws Exception {
        RSAKey key = new RSAKeyGenerator(2048).keyID("rotated-in-later").generate();
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(TestService.ISSUER).audience(TestService.AUDIENCE)
                .subject("user-456").issueTime(new Date())
                .expirationTime(Date.from(Instant.now().plus(Duration.ofMinutes(5)))).build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID())
                .type(JOSEObjectType.JWT).build(), claims);
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }
}
