package org.patientdocs.server;

import java.io.IOException;
import java.util.Map;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.patientdocs.error.ErrorCode;
import org.patientdocs.error.ErrorResponse;
import org.patientdocs.error.ServiceException;

/**
 * Headers every response carries, since every response may hold health information: no caching anywhere, no
 * content sniffing. Also refuses method-override headers, so a POST can never turn into a DELETE; the one exception is
 * tus's own, a POST to an upload that says it is a PATCH ({@link TusServlet#isPatchOverride}).
 */
public final class SecurityHeadersFilter implements Filter {

    /** What every response says, errors Jetty answers before any filter runs included ({@link JsonErrorHandler}). */
    static final Map<String, String> HEADERS = Map.of("Cache-Control", "no-store", "X-Content-Type-Options", "nosniff");

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest http = (HttpServletRequest) request;
        HttpServletResponse out = (HttpServletResponse) response;
        HEADERS.forEach(out::setHeader);
        if ((http.getHeader("X-HTTP-Method") != null || http.getHeader("X-HTTP-Method-Override") != null)
                && !TusServlet.isPatchOverride(http)) {
            ErrorResponse.of(new ServiceException.BadRequest(ErrorCode.METHOD_OVERRIDE_REFUSED, null,
                    "X-HTTP-Method and X-HTTP-Method-Override are not accepted; send the real method")).write(out);
            return;
        }
        chain.doFilter(request, response);
    }
}
