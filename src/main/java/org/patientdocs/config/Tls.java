package org.patientdocs.config;

import static org.patientdocs.config.ConfigException.invalid;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * HTTPS on {@code http.port}, with the service's certificate and key from a PKCS#12 key store or from two PEM files.
 * Off unless one of them is set: behind a proxy that terminates TLS, plain HTTP is the default.
 *
 * @param keystore         a PKCS#12 file with the private key and its certificate chain, or null
 * @param keystorePassword the key store's password (also the key's)
 * @param certificate      a PEM file with the certificate chain, the service's own first, or null
 * @param privateKey       a PEM file with the unencrypted PKCS#8 private key ({@code BEGIN PRIVATE KEY}), or null
 * @param reloadCheck      how often the files are checked for a change; a changed certificate is used for new
 *                         connections without a restart
 */
public record Tls(Path keystore, String keystorePassword, Path certificate, Path privateKey, Duration reloadCheck) {

    static final String KEYSTORE = "http.tls.keystore";
    static final String KEYSTORE_PASSWORD = "http.tls.keystore-password";
    static final String CERTIFICATE = "http.tls.certificate";
    static final String PRIVATE_KEY = "http.tls.private-key";
    static final Range RELOAD_CHECK_SECONDS = new Range("http.tls.reload-check-seconds", 1, 86_400);

    public Tls {
        keystorePassword = keystorePassword == null ? "" : keystorePassword;
        if (keystore != null && (certificate != null || privateKey != null)) {
            throw invalid(KEYSTORE, "must not be set together with " + CERTIFICATE + " and " + PRIVATE_KEY
                    + " (one or the other)", keystore);
        }
        if ((certificate == null) != (privateKey == null)) {
            throw invalid(certificate == null ? CERTIFICATE : PRIVATE_KEY, "must be set together with "
                    + (certificate == null ? PRIVATE_KEY : CERTIFICATE), "");
        }
        requireFile(KEYSTORE, keystore);
        requireFile(CERTIFICATE, certificate);
        requireFile(PRIVATE_KEY, privateKey);
        RELOAD_CHECK_SECONDS.check(reloadCheck.toSeconds());
    }

    /** Plain HTTP. */
    public static Tls off() {
        return new Tls(null, "", null, null, Duration.ofMinutes(1));
    }

    /** Whether the service speaks HTTPS. */
    public boolean enabled() {
        return keystore != null || certificate != null;
    }

    private static void requireFile(String key, Path file) {
        if (file != null && !Files.isRegularFile(file)) {
            throw invalid(key, "must name a readable file", file);
        }
    }
}
