package org.patientdocs.auth;

import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.nio.file.Path;
import java.text.ParseException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.LongSupplier;

import javax.net.ssl.SSLSocketFactory;

import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSetBasedJWKSource;
import com.nimbusds.jose.jwk.source.JWKSetCacheRefreshEvaluator;
import com.nimbusds.jose.jwk.source.JWKSetSource;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.jwk.source.RateLimitReachedException;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import org.patientdocs.config.ConfigException;
import org.patientdocs.config.ServiceConfig;

/**
 * The token verification keys named by {@code auth.jwks}: a JWKS file, read once at start-up, or an https URL (http
 * only to a loopback address: keys that cross a network unprotected could be swapped for an attacker's), fetched on
 * first use and kept as {@link ServiceConfig.Auth.JwksCache} says, by nimbus's {@link JWKSourceBuilder}: cached,
 * refreshed ahead of expiry, refreshed at once for an unknown key id but rate limited, and served from the last good
 * fetch while the key server is down. Only when no usable key is left does a lookup fail (and the request get 503).
 */
final class SigningKeys {

    private static final int HTTP_TIMEOUT_MILLIS = 2_000;
    private static final int JWKS_SIZE_LIMIT_BYTES = 256 * 1024;
    /**
     * How long requests wait for another request's fetch before they give up: one fetch and its one retry, each
     * within its connect and read timeouts, and a margin.
     */
    private static final long REFRESH_TIMEOUT_MILLIS = 4L * HTTP_TIMEOUT_MILLIS + 2_000;
    /** How long before the cached keys expire a request starts fetching them again in the background. */
    private static final long REFRESH_AHEAD_MILLIS = 30_000;

    private SigningKeys() {
    }

    /**
     * The keys at {@code auth.jwks}: a file is read now, a URL is fetched on first use.
     *
     * @throws ConfigException if the location is empty, an unusable URL, or a file that cannot be read as a JWKS
     */
    static JWKSource<SecurityContext> of(ServiceConfig.Auth auth) {
        String location = auth.jwksLocation();
        if (location == null || location.isBlank()) {
            throw new ConfigException("auth.jwks must be set, was ''");
        }
        String lower = location.toLowerCase(Locale.ROOT);
        if (lower.startsWith("http://") || lower.startsWith("https://")) {
            return fromUrl(url(location), auth.jwksCache(), null, System::currentTimeMillis);
        }
        Path file = Path.of(location).toAbsolutePath();
        try {
            return new ImmutableJWKSet<>(JWKSet.load(file.toFile()).toPublicJWKSet());
        } catch (IOException | ParseException e) {
            throw new ConfigException("auth.jwks must name a readable JWKS file, was '" + file + "' ("
                    + e.getClass().getSimpleName() + ")");
        }
    }

    /**
     * The keys at a URL, cached as {@code cache} says.
     *
     * @param tls   the sockets for https, or null for the JVM's (whose trust store decides which servers are believed)
     * @param clock the current time in milliseconds, which decides when cached keys expire
     */
    static JWKSource<SecurityContext> fromUrl(URL url, ServiceConfig.Auth.JwksCache cache, SSLSocketFactory tls,
                                              LongSupplier clock) {
        DefaultResourceRetriever retriever = new DefaultResourceRetriever(HTTP_TIMEOUT_MILLIS, HTTP_TIMEOUT_MILLIS,
                JWKS_SIZE_LIMIT_BYTES, true, tls);
        JWKSourceBuilder<SecurityContext> builder = JWKSourceBuilder.<SecurityContext>create(url, retriever)
                .cache(cache.timeToLive().toMillis(), REFRESH_TIMEOUT_MILLIS)
                .refreshAheadCache(REFRESH_AHEAD_MILLIS, null, refresher(), true, null, false)
                .rateLimited(cache.rateLimit().toMillis())
                .retrying(true);
        if (cache.outageTolerance().isZero()) {
            builder.outageTolerant(false);
        } else {
            builder.outageTolerant(cache.outageTolerance().toMillis());
        }
        if (!(builder.build() instanceof JWKSetBasedJWKSource<SecurityContext> built)) {
            throw new IllegalStateException("nimbus built a JWK source of another kind than expected");
        }
        return new CachedKeys(built.getJWKSetSource(), clock);
    }

    private static URL url(String location) {
        URI uri;
        URL url;
        try {
            uri = URI.create(location);
            url = uri.toURL();
        } catch (IllegalArgumentException | MalformedURLException e) {
            throw new ConfigException("auth.jwks must be a valid https URL, was '" + location + "'");
        }
        if (uri.getHost() == null) {
            throw new ConfigException("auth.jwks must be a valid https URL, was '" + location + "'");
        }
        if ("http".equalsIgnoreCase(uri.getScheme()) && !isLoopback(uri.getHost())) {
            throw new ConfigException("auth.jwks must be an https URL (http only to a loopback address such as "
                    + "127.0.0.1), was '" + location + "'");
        }
        return url;
    }

    /** Whether the host is this machine by name or address, decided without asking DNS. */
    private static boolean isLoopback(String host) {
        String lower = host.toLowerCase(Locale.ROOT);
        return lower.equals("localhost") || lower.equals("[::1]") || lower.matches("127(\\.\\d{1,3}){3}");
    }

    /** The thread of background refreshes: a daemon, so that it never keeps a stopping service alive. */
    private static ExecutorService refresher() {
        return Executors.newSingleThreadExecutor(task -> {
            Thread thread = new Thread(task, "jwks-refresh");
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * What nimbus's {@code JWKSetBasedJWKSource} does (the cached keys; for a key id they lack, the keys fetched
     * again), with two differences: the time comes from a clock, and a refresh refused by the rate limit means that
     * no such key is known (so the token is invalid, 401) rather than that the keys cannot be loaded (503).
     */
    private record CachedKeys(JWKSetSource<SecurityContext> source, LongSupplier clock)
            implements JWKSource<SecurityContext> {

        @Override
        public List<JWK> get(JWKSelector selector, SecurityContext context) throws KeySourceException {
            long now = clock.getAsLong();
            JWKSet cached = source.getJWKSet(JWKSetCacheRefreshEvaluator.noRefresh(), now, context);
            List<JWK> keys = selector.select(cached);
            if (!keys.isEmpty()) {
                return keys;
            }
            try {
                return selector.select(source.getJWKSet(JWKSetCacheRefreshEvaluator.referenceComparison(cached),
                        now, context));
            } catch (RateLimitReachedException e) {
                return List.of();
            }
        }
    }
}
