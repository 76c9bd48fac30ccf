package org.patientdocs.server;

import java.io.IOException;
import java.io.InputStream;
import java.util.Set;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.patientdocs.error.ErrorResponse;
import org.patientdocs.error.ServiceException;

/**
 * Serves the OASIS vocabularies the model references ({@code /vocabularies/Org.OData.Core.V1.xml}, …) from copies
 * in the jar. They are public documents, so they need no credentials. They are read-only: GET and HEAD, OPTIONS
 * naming them; anything else is 405 (TRACE included, which would echo a request's credentials back).
 */
final class VocabularyServlet extends HttpServlet {

    static final Set<String> NAMES = Set.of("Org.OData.Core.V1.xml", "Org.OData.Capabilities.V1.xml",
            "Org.OData.Validation.V1.xml", "Org.OData.Aggregation.V1.xml");
    private static final String ALLOWED = "GET, HEAD, OPTIONS";

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response)
            throws ServletException, IOException {
        switch (request.getMethod()) {
            case "GET", "HEAD" -> super.service(request, response);
            case "OPTIONS" -> HttpMethods.answerOptions(response, ALLOWED);
            default -> {
                ErrorResponse.of(new ServiceException.MethodNotAllowed("The vocabularies are read-only"))
                        .allowing(() -> ALLOWED).write(response);
            }
        }
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String name = request.getPathInfo() == null ? "" : request.getPathInfo().substring(1);
        if (!NAMES.contains(name)) {
            ErrorResponse.of(new ServiceException.NotFound("No such vocabulary")).write(response);
            return;
        }
        try (InputStream in = VocabularyServlet.class.getResourceAsStream("/vocabularies/" + name)) {
            if (in == null) {
                throw new IllegalStateException("vocabulary missing from the build: " + name);
            }
            response.setContentType("application/xml");
            in.transferTo(response.getOutputStream());
        }
    }
}
