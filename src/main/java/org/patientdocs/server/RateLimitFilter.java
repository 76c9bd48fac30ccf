package org.patientdocs.server;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.patientdocs.auth.AuthenticationFilter;
import org.patientdocs.auth.Caller;
import org.patientdocs.config.RateLimits;
import org.patientdocs.error.ErrorResponse;
import org.patientdocs.error.RequestIds;
import org.patientdocs.error.SafeTrace;
import org.patientdocs.error.ServiceException;
import org.patientdocs.storage.RateBuckets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Admits an authenticated request only within its caller's rate limits ({@code rate-limit.*}): it takes one request
 * from the bucket of the caller's subject (within its tenant) and one from the bucket of its API key, and is answered
 * 429 with {@code Retry-After} when either is empty, before it does any work or reads its body. A request refused by
 * the API key's bucket gets its subject's token back, so that a refused request costs the caller nothing. A
 * {@code $batch} counts as one request; {@code batch.max-operations} bounds what it holds.
 */
final class RateLimitFilter implements Filter {

    private static final Logger LOG = LoggerFactory.getLogger(RateLimitFilter.class);

    private final RateBuckets buckets;
    private final RateLimits limits;
    private final Counter subjectRefusals;
    private final Counter apiKeyRefusals;

    /** @param metrics where the refusals of each limit are counted */
    RateLimitFilter(RateBuckets buckets, RateLimits limits, ServiceMetrics metrics) {
        this.buckets = buckets;
        this.limits = limits;
        this.subjectRefusals = metrics.rateLimitRefusals("subject");
        this.apiKeyRefusals = metrics.rateLimitRefusals("api_key");
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        try {
            admit(AuthenticationFilter.callerOf((HttpServletRequest) request));
        } catch (ServiceException e) {
            ErrorResponse.of(e).write((HttpServletResponse) response);
            return;
        } catch (RuntimeException e) {
            LOG.error("request {} failed in the rate limits: {}", RequestIds.current(), SafeTrace.describe(e));
            ErrorResponse.internal(RequestIds.current()).write((HttpServletResponse) response);
            return;
        }
        chain.doFilter(request, response);
    }

    /** @throws ServiceException.TooManyRequests if a limit refuses the caller's request */
    private void admit(Caller caller) {
        // the same subject in two tenants is two people; the tenant's length keeps the pair unambiguous
        String subject = "subject:" + caller.tenant().length() + ":" + caller.tenant() + caller.subject();
        String apiKey = "api-key:" + caller.apiKeyId();
        if (limits.perSubject().enabled()) {
            long wait = buckets.take(subject, limits.perSubject());
            if (wait > 0) {
                subjectRefusals.increment();
                throw tooMany("for this user", limits.perSubject(), wait);
            }
        }
        if (limits.perApiKey().enabled()) {
            long wait = buckets.take(apiKey, limits.perApiKey());
            if (wait > 0) {
                if (limits.perSubject().enabled()) {
                    buckets.giveBack(subject, limits.perSubject());
                }
                apiKeyRefusals.increment();
                throw tooMany("with this API key", limits.perApiKey(), wait);
            }
        }
    }

    private static ServiceException.TooManyRequests tooMany(String whose, RateLimits.Limit limit, long waitNanos) {
        long seconds = Math.max(1, (waitNanos + TimeUnit.SECONDS.toNanos(1) - 1) / TimeUnit.SECONDS.toNanos(1));
        return new ServiceException.TooManyRequests("Too many requests " + whose + ": the limit is "
                + limit.requestsPerMinute() + " a minute, " + limit.burst() + " at once; try again in " + seconds
                + " s", seconds);
    }
}
