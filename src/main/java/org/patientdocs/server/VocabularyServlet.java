package org.patientdocs.server;

import java.io.IOException;
import java.io.InputStream;
import java.util.Set;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.patientdocs.error.ErrorMapper;
import org.patientdocs.error.ServiceException;

/**
 * Serves the OASIS vocabularies the model references ({@code /vocabularies/Org.OData.Core.V1.xml}, …) from copies
 * in the jar. They are public documents, so they need no credentials.
 */
final class VocabularyServlet extends HttpServlet {

    static final Set<String> NAMES = Set.of("Org.OData.Core.V1.xml", "Org.OData.Capabilities.V1.xml",
            "Org.OData.Validation.V1.xml");

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String name = request.getPathInfo() == null ? "" : request.getPathInfo().substring(1);
        if (!NAMES.contains(name)) {
            ErrorMapper.write(response, ErrorMapper.map(new ServiceException.NotFound("No such vocabulary")));
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
