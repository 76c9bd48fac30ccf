package org.patientdocs.auth;

import java.io.IOException;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.patientdocs.error.ErrorResponse;
import org.patientdocs.error.ServiceException;
import org.patientdocs.error.ServiceException.ServiceUnavailable;
import org.patientdocs.error.ServiceException.Unauthorized;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets a request through only with an accepted API key and a valid bearer token, storing the {@link Caller} as
 * request attribute {@link Caller#ATTRIBUTE}. Refuses everything else, OPTIONS included, with 401, the OData error
 * body and an RFC 6750 challenge: {@code error="invalid_token"} only when a token was presented and rejected. (A CORS
 * preflight from an allowed origin, which carries no credentials, is answered before it reaches this filter.)
 */
public final class AuthenticationFilter implements Filter {

    public static final String API_KEY_HEADER = "x-api-key";
    static final String REALM = "patientdocs";
    static final String CHALLENGE = "Bearer realm=\"" + REALM + "\"";
    private static final Logger LOG = LoggerFactory.getLogger(AuthenticationFilter.class);

    private final Authenticator authenticator;

    public AuthenticationFilter(Authenticator authenticator) {
        this.authenticator = authenticator;
    }

    @Override
    public void doFilter(ServletRequest servletRequest, ServletResponse servletResponse, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) servletRequest;
        HttpServletResponse response = (HttpServletResponse) servletResponse;
        String token;
        try {
            authenticator.checkApiKey(request.getHeader(API_KEY_HEADER));
            token = Authenticator.bearerToken(request.getHeader("Authorization"));
        } catch (Unauthorized e) {
            refuse(request, response, e, CHALLENGE);
            return;
        }
        Caller caller;
        try {
            caller = authenticator.verifyToken(token);
        } catch (Unauthorized e) {
            refuse(request, response, e, invalidTokenChallenge(e.getMessage()));
            return;
        } catch (ServiceUnavailable e) {
            LOG.warn("cannot load the token signing keys from auth.jwks: {}", e.getCause().getClass().getName());
            ErrorResponse.of(e).write(response);
            return;
        }
        request.setAttribute(Caller.ATTRIBUTE, caller);
        chain.doFilter(request, response);
    }

    private static void refuse(HttpServletRequest request, HttpServletResponse response, ServiceException e,
                               String challenge) {
        // the reason is one of our fixed messages; the URI is left out, as it may name a document
        LOG.debug("refused {}: {}", request.getMethod(), e.getMessage());
        // before the body: writing a body of its full Content-Length commits the response
        response.setHeader("WWW-Authenticate", challenge);
        ErrorResponse.of(e).write(response);
    }

    static String invalidTokenChallenge(String description) {
        return CHALLENGE + ", error=\"invalid_token\", error_description=\"" + quotable(description) + "\"";
    }

    /** RFC 6750 §3: error_description allows only %x20-21 / %x23-5B / %x5D-7E, i.e. no quote or backslash. */
    private static String quotable(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            out.append(c >= 0x20 && c <= 0x7e && c != '"' && c != '\\' ? c : '\'');
        }
        return out.toString();
    }
}
