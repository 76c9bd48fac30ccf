package org.patientdocs.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Base64;

import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.patientdocs.config.ConfigException;
import org.patientdocs.config.Tls;

/** The TLS settings of the HTTPS listener, and the key files it refuses. */
class TlsConnectorTest {

    private static final String PASSWORD = "unit-keystore-password";

    @TempDir
    Path dir;

    @Test
    void onlyTls13And12WithForwardSecretAeadSuitesAreOfferedEvenWhereTheJvmAllowsOlderOnes() throws Exception {
        Path keystore = TestCertificates.keystore(dir, "service", PASSWORD);
        // in a JVM that disables nothing, as an operator's might: the JDK's defaults alone would hide a missing rule
        String[] selected = OldTlsProbe.inPermissiveJvm(dir, Selected.class, keystore.toString()).split("\n");
        assertEquals("protocols TLSv1.3 TLSv1.2", selected[0]);
        String[] suites = selected[1].substring("suites ".length()).split(" ");
        assertTrue(suites.length > 0);
        for (String suite : suites) {
            if (suite.equals("TLS_EMPTY_RENEGOTIATION_INFO_SCSV")) {
                continue; // a signal for safe renegotiation (RFC 5746), no cipher
            }
            assertFalse(suite.contains("_CBC_") || suite.startsWith("TLS_RSA_") || suite.contains("_SHA1"), suite);
            assertTrue(suite.startsWith("TLS_AES_") || suite.startsWith("TLS_CHACHA20_")
                    || suite.startsWith("TLS_ECDHE_"), suite);
        }
    }

    /** Prints the protocols and cipher suites the HTTPS listener selects with the key store it is given. */
    public static final class Selected {
        public static void main(String[] args) throws Exception {
            SslContextFactory.Server ssl = TlsConnector.sslContextFactory(new Tls(Path.of(args[0]), PASSWORD, null,
                    null, Duration.ofMinutes(1)));
            ssl.start();
            System.out.println("protocols " + String.join(" ", ssl.getSelectedProtocols()));
            System.out.println("suites " + String.join(" ", ssl.getSelectedCipherSuites()));
            ssl.stop();
        }
    }

    @Test
    void aWrongKeystorePasswordStopsTheStartNamingTheSettingButNotThePassword() throws Exception {
        Path keystore = TestCertificates.keystore(dir, "service", PASSWORD);
        ConfigException e = assertThrows(ConfigException.class, () -> TlsConnector.sslContextFactory(
                new Tls(keystore, "not-the-password", null, null, Duration.ofMinutes(1))));
        assertTrue(e.getMessage().startsWith("http.tls.keystore must be a PKCS#12 file"), e.getMessage());
        assertFalse(e.getMessage().contains("not-the-password"), e.getMessage());
    }

    @Test
    void aPkcs1PemKeyIsRefusedWithTheConversionToMake() throws Exception {
        Path keystore = TestCertificates.keystore(dir, "service", PASSWORD);
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            store.load(in, PASSWORD.toCharArray());
        }
        Path certificate = Files.writeString(dir.resolve("c.pem"), "-----BEGIN CERTIFICATE-----\n"
                + Base64.getMimeEncoder().encodeToString(store.getCertificate("service").getEncoded())
                + "\n-----END CERTIFICATE-----\n");
        Path key = Files.writeString(dir.resolve("k.pem"), "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n"
                + "-----END RSA PRIVATE KEY-----\n");
        ConfigException e = assertThrows(ConfigException.class, () -> TlsKeys.load(new Tls(null, "", certificate, key,
                Duration.ofMinutes(1))));
        assertTrue(e.getMessage().startsWith("http.tls.private-key must be an unencrypted PKCS#8 PEM key"),
                e.getMessage());
    }
}
