package org.patientdocs.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Key stores for HTTPS tests, made by the JDK's keytool: no library of its own for certificates. */
final class TestCertificates {

    private TestCertificates() {
    }

    /**
     * A PKCS#12 key store in {@code dir} with an EC key under {@code alias}, whose self-signed certificate names
     * localhost and 127.0.0.1; its password is also the key's.
     */
    static Path keystore(Path dir, String alias, String password) throws IOException, InterruptedException {
        Path file = dir.resolve(alias + ".p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", alias, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
                "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12",
                "-keystore", file.toString(), "-storepass", password, "-keypass", password)
                .redirectErrorStream(true).start();
        String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, keytool.waitFor(), output);
        return file;
    }
}
