package org.patientdocs.auth;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

import com.nimbusds.jose.jwk.JWKSet;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

/**
 * An identity provider's JWKS endpoint inside the test: https on 127.0.0.1 with a self-signed certificate that the
 * JDK's keytool makes for the test, serving whichever public keys it is told and counting how often it was asked.
 */
final class JwksServer implements AutoCloseable {

    private static final String PASSWORD = "jwks-test";
    private static final String ALIAS = "jwks";

    private final HttpsServer server;
    private final SSLSocketFactory trustingSockets;
    private final AtomicInteger fetches = new AtomicInteger();
    private volatile byte[] body;

    private JwksServer(HttpsServer server, SSLSocketFactory trustingSockets, JWKSet keys) {
        this.server = server;
        this.trustingSockets = trustingSockets;
        serve(keys);
    }

    /**
     * A key store with a private key and a certificate for 127.0.0.1, valid for two days, made by keytool.
     *
     * @param dir where the key store file goes
     */
    static KeyStore certificate(Path dir) throws IOException, InterruptedException, GeneralSecurityException {
        Path file = dir.resolve("jwks-server.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", ALIAS, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=127.0.0.1",
                "-ext", "SAN=ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12", "-keystore", file.toString(),
                "-storepass", PASSWORD, "-keypass", PASSWORD).redirectErrorStream(true).start();
        String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (keytool.waitFor() != 0) {
            throw new IllegalStateException("keytool failed: " + output);
        }
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            store.load(in, PASSWORD.toCharArray());
        }
        return store;
    }

    /** Starts serving {@code keys} over https with the certificate of {@link #certificate}. */
    static JwksServer start(KeyStore certificate, JWKSet keys) throws IOException, GeneralSecurityException {
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(certificate, PASSWORD.toCharArray());
        SSLContext serverTls = SSLContext.getInstance("TLS");
        serverTls.init(keyManagers.getKeyManagers(), null, null);

        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry(ALIAS, certificate.getCertificate(ALIAS));
        TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trustManagers.init(trusted);
        SSLContext clientTls = SSLContext.getInstance("TLS");
        clientTls.init(null, trustManagers.getTrustManagers(), null);

        HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(serverTls));
        JwksServer jwks = new JwksServer(server, clientTls.getSocketFactory(), keys);
        server.createContext("/jwks.json", exchange -> {
            jwks.fetches.incrementAndGet();
            byte[] answer = jwks.body;
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        server.start();
        return jwks;
    }

    /** From now on, serves these keys (their public halves), as an identity provider does after rotating. */
    void serve(JWKSet keys) {
        body = keys.toPublicJWKSet().toString().getBytes(StandardCharsets.UTF_8);
    }

    URL url() throws IOException {
        return URI.create("https://127.0.0.1:" + server.getAddress().getPort() + "/jwks.json").toURL();
    }

    /** Sockets that believe this server's certificate, and no other. */
    SSLSocketFactory trustingSockets() {
        return trustingSockets;
    }

    /** How many times the keys were fetched. */
    int fetches() {
        return fetches.get();
    }

    /** Stops answering: connections to the port are refused from now on. */
    @Override
    public void close() {
        server.stop(0);
    }
}
