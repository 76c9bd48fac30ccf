package org.patientdocs.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTPS from the service itself ({@code http.tls.*}) with a certificate made in the test by the JDK's keytool:
 * HTTP/2 and HTTP/1.1 round trips with HSTS, a PEM certificate and key, a renewed key store used without a restart,
 * and TLS 1.1 refused to a client (in a JVM of its own) that would speak it.
 */
class TlsIT {

    private static final String PASSWORD = "test-keystore-password";

    @TempDir
    Path dir;

    @Test
    void http2AndHttp11RoundTripsOverHttpsCarryHsts() throws Exception {
        Path keystore = keystore("service");
        try (TestService service = TestService.start(Map.of("http.tls.keystore", keystore.toString(),
                "http.tls.keystore-password", PASSWORD))) {
            assertEquals("https", service.base.getScheme());
            SSLContext trusting = trusting(keystore);
            HttpClient http2 = HttpClient.newBuilder().sslContext(trusting).version(HttpClient.Version.HTTP_2)
                    .build();
            HttpResponse<String> created = http2.send(service.request("/Patients").header("Content-Type",
                    "application/json").POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"id\":\"tls-1\"}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(201, created.statusCode(), created.body());
            assertEquals(HttpClient.Version.HTTP_2, created.version());
            assertEquals("max-age=31536000", created.headers().firstValue("Strict-Transport-Security").orElse(""));
            assertTrue(created.headers().firstValue("Location").orElse("").startsWith("https://"));

            byte[] pdf = Samples.pdf(300_000);
            Multipart form = new Multipart().file("file", "scan.pdf", Samples.PDF, pdf);
            HttpResponse<String> uploaded = http2.send(service.request("/Patients(tls-1)/Documents")
                    .header("Content-Type", form.contentType()).POST(form.publisher()).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(201, uploaded.statusCode(), uploaded.body());
            String id = TestService.json(uploaded).get("id").asText();
            HttpResponse<byte[]> downloaded = http2.send(service.request("/Documents('" + id + "')/$value").GET()
                    .build(), HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(HttpClient.Version.HTTP_2, downloaded.version());
            assertArrayEquals(pdf, downloaded.body());

            HttpClient http11 = HttpClient.newBuilder().sslContext(trusting).version(HttpClient.Version.HTTP_1_1)
                    .build();
            HttpResponse<String> listed = http11.send(service.request("/Patients").GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, listed.statusCode(), listed.body());
            assertEquals(HttpClient.Version.HTTP_1_1, listed.version());
            assertTrue(listed.headers().firstValue("Strict-Transport-Security").isPresent());
        }
    }

    @Test
    void aPemCertificateAndKeyServeAsWell() throws Exception {
        Path keystore = keystore("service");
        KeyStore store = load(keystore);
        Path certificate = dir.resolve("service.crt");
        Path key = dir.resolve("service.key");
        Files.writeString(certificate, pem("CERTIFICATE", store.getCertificate("service").getEncoded()));
        Files.writeString(key, pem("PRIVATE KEY", store.getKey("service", PASSWORD.toCharArray()).getEncoded()));
        try (TestService service = TestService.start(Map.of("http.tls.certificate", certificate.toString(),
                "http.tls.private-key", key.toString()))) {
            HttpClient client = HttpClient.newBuilder().sslContext(trusting(keystore)).build();
            HttpResponse<String> listed = client.send(service.request("/Patients").GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, listed.statusCode(), listed.body());
        }
    }

    @Test
    void aRenewedKeyStoreIsUsedForNewConnectionsWithoutARestart() throws Exception {
        Path keystore = keystore("service");
        Path renewed = keystore("renewed");
        try (TestService service = TestService.start(Map.of("http.tls.keystore", keystore.toString(),
                "http.tls.keystore-password", PASSWORD, "http.tls.reload-check-seconds", "1"))) {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("old", load(keystore).getCertificate("service"));
            trust.setCertificateEntry("new", load(renewed).getCertificate("renewed"));
            SSLContext trusting = context(trust);
            Certificate before = presented(trusting, service.base);
            assertEquals(load(keystore).getCertificate("service"), before);

            Files.copy(renewed, keystore, StandardCopyOption.REPLACE_EXISTING);
            // the scanner looks once a second; each attempt is a new connection, a bounded number of them
            Certificate after = before;
            for (int attempt = 0; attempt < 2000 && after.equals(before); attempt++) {
                after = presented(trusting, service.base);
            }
            assertEquals(load(renewed).getCertificate("renewed"), after);
        }
    }

    @Test
    void tls11IsRefusedToAClientThatWouldSpeakIt() throws Exception {
        Path keystore = keystore("service");
        try (TestService service = TestService.start(Map.of("http.tls.keystore", keystore.toString(),
                "http.tls.keystore-password", PASSWORD))) {
            assertEquals("handshake TLSv1.2", OldTlsProbe.run(dir, service.base, "TLSv1.2"),
                    "the probe can reach the service");
            String old = OldTlsProbe.run(dir, service.base, "TLSv1.1");
            assertTrue(old.startsWith("refused"), old);
        }
    }

    private Path keystore(String alias) throws IOException, InterruptedException {
        return TestCertificates.keystore(dir, alias, PASSWORD);
    }

    private static KeyStore load(Path keystore) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            store.load(in, PASSWORD.toCharArray());
        }
        return store;
    }

    /** A client context that trusts the key store's certificates, as a client given the service's CA would. */
    private static SSLContext trusting(Path keystore) throws Exception {
        KeyStore store = load(keystore);
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        List<String> aliases = new ArrayList<>(java.util.Collections.list(store.aliases()));
        for (String alias : aliases) {
            trust.setCertificateEntry(alias, store.getCertificate(alias));
        }
        return context(trust);
    }

    private static SSLContext context(KeyStore trust) throws Exception {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }

    /** The certificate the service presents on a new connection. */
    private static Certificate presented(SSLContext context, URI base) throws IOException {
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(base.getHost(), base.getPort())) {
            socket.setSoTimeout((int) Duration.ofSeconds(30).toMillis());
            socket.startHandshake();
            return (X509Certificate) socket.getSession().getPeerCertificates()[0];
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der) + "\n-----END " + type + "-----\n";
    }
}
