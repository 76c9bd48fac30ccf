package org.patientdocs.server;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.patientdocs.config.ConfigException;
import org.patientdocs.config.Tls;

/**
 * The service's private key and certificate chain as a key store, read from {@code http.tls.keystore} (PKCS#12) or
 * from {@code http.tls.certificate} and {@code http.tls.private-key} (PEM); read at start-up and again whenever the
 * files change ({@link TlsConnector}).
 *
 * @param keyStore the key store
 * @param password its password, which is also the key's
 */
record TlsKeys(KeyStore keyStore, String password) {

    private static final Pattern PKCS8 =
            Pattern.compile("-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");
    private static final List<String> KEY_ALGORITHMS = List.of("RSA", "EC", "EdDSA", "RSASSA-PSS");

    /** @throws ConfigException naming the setting whose file cannot be used, and why */
    static TlsKeys load(Tls tls) {
        if (tls.keystore() != null) {
            return pkcs12(tls.keystore(), tls.keystorePassword());
        }
        Certificate[] chain = certificates(tls.certificate());
        PrivateKey key = privateKey(tls.privateKey());
        try {
            // held in memory only, so its password needs no secrecy beyond this process
            String password = UUID.randomUUID().toString();
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("service", key, password.toCharArray(), chain);
            return new TlsKeys(store, password);
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigException("http.tls.private-key does not match http.tls.certificate ("
                    + e.getClass().getSimpleName() + ")");
        }
    }

    private static TlsKeys pkcs12(Path file, String password) {
        try (InputStream in = Files.newInputStream(file)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, password.toCharArray());
            return new TlsKeys(store, password);
        } catch (IOException | GeneralSecurityException e) {
            // a wrong password shows as an IOException too; neither the password nor the file's bytes are quoted
            throw new ConfigException("http.tls.keystore must be a PKCS#12 file that http.tls.keystore-password opens,"
                    + " was '" + file + "' (" + e.getClass().getSimpleName() + ")");
        }
    }

    private static Certificate[] certificates(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            Certificate[] chain = CertificateFactory.getInstance("X.509").generateCertificates(in)
                    .toArray(new Certificate[0]);
            if (chain.length == 0) {
                throw new ConfigException("http.tls.certificate holds no certificate, was '" + file + "'");
            }
            return chain;
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigException("http.tls.certificate must be a PEM certificate chain, was '" + file + "' ("
                    + e.getClass().getSimpleName() + ")");
        }
    }

    private static PrivateKey privateKey(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new ConfigException("http.tls.private-key cannot be read, was '" + file + "'");
        }
        Matcher pem = PKCS8.matcher(text);
        if (!pem.find()) {
            throw new ConfigException("http.tls.private-key must be an unencrypted PKCS#8 PEM key (BEGIN PRIVATE KEY;"
                    + " convert with: openssl pkcs8 -topk8 -nocrypt), was '" + file + "'");
        }
        byte[] der = Base64.getMimeDecoder().decode(pem.group(1));
        for (String algorithm : KEY_ALGORITHMS) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // not a key of this algorithm: try the next
            }
        }
        throw new ConfigException("http.tls.private-key must be an RSA, EC or EdDSA key, was '" + file + "'");
    }
}
