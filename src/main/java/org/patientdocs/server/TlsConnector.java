package org.patientdocs.server;

import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.Scanner;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.patientdocs.config.ConfigException;
import org.patientdocs.config.Tls;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTPS listener ({@code http.tls.*}): TLS 1.3 and 1.2 only, with forward-secret AEAD cipher suites (no CBC, no
 * RSA key exchange, none of the weak ones Jetty leaves out anyway); HTTP/2 or HTTP/1.1 as the client asks in ALPN;
 * {@code Strict-Transport-Security} on every answer. The key and certificate files are checked every
 * {@code http.tls.reload-check-seconds} and read again when they change, for the connections that follow; a file
 * that cannot be read then leaves the current certificate in use.
 */
final class TlsConnector {

    /** The protocols offered, newest first: TLS 1.1 and older are refused whatever the JVM allows. */
    static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};
    /** A year: what browsers' preload lists ask for; no includeSubDomains, which is the domain owner's decision. */
    private static final long HSTS_SECONDS = TimeUnit.DAYS.toSeconds(365);
    private static final Logger LOG = LoggerFactory.getLogger(TlsConnector.class);

    private TlsConnector() {
    }

    /**
     * A listener speaking HTTPS with {@code plain}'s settings, whose key files are watched by a scanner the server
     * starts and stops with itself.
     *
     * @throws ConfigException if the key or certificate cannot be used
     */
    static ServerConnector create(Server server, HttpConfiguration plain, Tls tls) {
        SslContextFactory.Server ssl = sslContextFactory(tls);
        HttpConfiguration https = new HttpConfiguration(plain);
        SecureRequestCustomizer secure = new SecureRequestCustomizer();
        secure.setStsMaxAge(HSTS_SECONDS);
        https.addCustomizer(secure);
        HttpConnectionFactory http11 = ServiceRuntime.http11(https);
        HTTP2ServerConnectionFactory http2 = new HTTP2ServerConnectionFactory(https);
        ALPNServerConnectionFactory alpn = new ALPNServerConnectionFactory();
        alpn.setDefaultProtocol(http11.getProtocol());
        ServerConnector connector = new ServerConnector(server, new SslConnectionFactory(ssl, alpn.getProtocol()),
                alpn, http2, http11);
        server.addBean(reloader(ssl, tls));
        return connector;
    }

    static SslContextFactory.Server sslContextFactory(Tls tls) {
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        use(ssl, TlsKeys.load(tls));
        ssl.setIncludeProtocols(PROTOCOLS);
        // no CBC; key exchange by ephemeral ECDH only (static ECDH is not forward secret, DHE is slow to no gain)
        ssl.addExcludeCipherSuites("^.*_CBC_.*$", "^TLS_DHE_.*$", "^TLS_ECDH_.*$");
        ssl.setUseCipherSuitesOrder(true);
        return ssl;
    }

    private static void use(SslContextFactory ssl, TlsKeys keys) {
        ssl.setKeyStore(keys.keyStore());
        ssl.setKeyStorePassword(keys.password());
        ssl.setKeyManagerPassword(keys.password());
    }

    private static Scanner reloader(SslContextFactory.Server ssl, Tls tls) {
        Scanner scanner = new Scanner();
        scanner.setScanInterval((int) tls.reloadCheck().toSeconds());
        Stream.of(tls.keystore(), tls.certificate(), tls.privateKey()).filter(file -> file != null)
                .forEach(scanner::addFile);
        scanner.addListener(new Scanner.BulkListener() {
            @Override
            public void filesChanged(Set<String> files) {
                reload(ssl, tls);
            }
        });
        return scanner;
    }

    /** Reads the key files again; if they cannot be used, the certificate in use stays. */
    static void reload(SslContextFactory.Server ssl, Tls tls) {
        try {
            TlsKeys keys = TlsKeys.load(tls);
            ssl.reload(factory -> use(factory, keys));
            LOG.info("TLS certificate read again from {}", tls.keystore() != null ? tls.keystore()
                    : tls.certificate());
        } catch (Exception e) {
            LOG.warn("TLS certificate not reloaded, the current one stays in use: {}", e.getMessage());
        }
    }
}
