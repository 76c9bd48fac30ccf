package org.patientdocs.auth;

import java.io.IOException;
import java.util.Collections;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.patientdocs.error.ErrorResponse;
import org.patientdocs.error.ServiceException.BadRequest;
import org.patientdocs.error.ServiceException.ServiceUnavailable;
import org.patientdocs.error.ServiceException.Unauthorized;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets a request through only with an accepted API key and a valid bearer token, storing the {@link Caller} as
 * request attribute read by {@link #callerOf}. Refuses everything else, OPTIONS included, with 401 and an RFC 6750
 * challenge ({@link ErrorResponse} writes both), with 400 and an {@code invalid_request} challenge when the token is
 * presented wrongly (an empty {@code Bearer}, the header repeated, an {@code access_token} in the URL), or with 503
 * when the token signing keys cannot be loaded. (A CORS preflight from an allowed
 * origin, which carries no credentials, is answered before it reaches this filter.)
 */
public final class AuthenticationFilter implements Filter {

    public static final String API_KEY_HEADER = "x-api-key";
    private static final String AUTHORIZATION = "Authorization";
    private static final Logger LOG = LoggerFactory.getLogger(AuthenticationFilter.class);
    /** The request attribute under which the filter stores the caller. */
    private static final String CALLER = Caller.class.getName();

    private final Authenticator authenticator;

    public AuthenticationFilter(Authenticator authenticator) {
        this.authenticator = authenticator;
    }

    @Override
    public void doFilter(ServletRequest servletRequest, ServletResponse servletResponse, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) servletRequest;
        HttpServletResponse response = (HttpServletResponse) servletResponse;
        Caller caller;
        try {
            Authenticator.checkTokenPresentation(request.getQueryString(),
                    Collections.list(request.getHeaders(AUTHORIZATION)).size());
            caller = authenticator.authenticate(request.getHeader(API_KEY_HEADER), request.getHeader(AUTHORIZATION));
        } catch (Unauthorized | BadRequest e) {
            // the reason is one of our fixed messages; the URI is left out, as it may name a document
            LOG.debug("refused {}: {}", request.getMethod(), e.getMessage());
            ErrorResponse.of(e).write(response);
            return;
        } catch (ServiceUnavailable e) {
            LOG.warn("cannot load the token signing keys from auth.jwks: {}", e.getCause().getClass().getName());
            ErrorResponse.of(e).write(response);
            return;
        }
        request.setAttribute(CALLER, caller);
        chain.doFilter(request, response);
    }

    /**
     * The caller of a request that passed this filter.
     *
     * @throws IllegalStateException if the request was not authenticated, i.e. the filter is not installed
     */
    public static Caller callerOf(HttpServletRequest request) {
        if (request.getAttribute(CALLER) instanceof Caller caller) {
            return caller;
        }
        throw new IllegalStateException("the request has no authenticated caller; is AuthenticationFilter installed?");
    }
}
