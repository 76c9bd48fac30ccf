package org.patientdocs.odata;

import java.io.ByteArrayInputStream;

import org.apache.olingo.commons.api.edm.Edm;
import org.apache.olingo.commons.api.format.ContentType;
import org.apache.olingo.server.api.OData;
import org.apache.olingo.server.api.ODataRequest;
import org.apache.olingo.server.api.ODataResponse;
import org.apache.olingo.server.api.ODataServerError;
import org.apache.olingo.server.api.ServiceMetadata;
import org.apache.olingo.server.api.processor.ErrorProcessor;
import org.patientdocs.error.ErrorResponse;
import org.patientdocs.error.ServiceException;

/**
 * Every error that reaches Olingo, for a request of its own or one of a batch, leaves here: {@link OlingoFailures}
 * says what it means, {@link ErrorResponse} how it is answered, and this puts the answer into Olingo's response. A
 * refusal of access (403, or 404 for an entity missing or not the caller's) is recorded in the audit trail first; if
 * it cannot be, the answer is the audit trail's 503.
 */
public final class ErrorAnswerProcessor implements ErrorProcessor {

    private final String requestPath;
    private final AccessAudit audit;
    private Edm edm;

    /**
     * @param requestPath the path of the HTTP request being served, for a 405 to name its methods when Olingo could
     *                    not read the request's own path (it stops at an HTTP method it does not know)
     * @param audit       what the request records
     */
    public ErrorAnswerProcessor(String requestPath, AccessAudit audit) {
        this.requestPath = requestPath;
        this.audit = audit;
    }

    @Override
    public void init(OData odata, ServiceMetadata serviceMetadata) {
        this.edm = serviceMetadata.getEdm();
    }

    @Override
    public void processError(ODataRequest request, ODataResponse response, ODataServerError serverError,
                             ContentType responseFormat) {
        String path = request.getRawODataPath() != null ? request.getRawODataPath() : requestPath;
        ErrorResponse answer = OlingoFailures.answer(request, serverError, edm);
        if (OlingoFailures.refusesAccess(serverError)) {
            try {
                audit.denied(request, edm, answer.status());
            } catch (ServiceException e) {
                answer = ErrorResponse.of(e);
            }
        }
        write(response, answer.allowing(() -> AllowedMethods.forRefusal(edm, path)));
    }

    /** Puts an error answer into Olingo's response: for Olingo's requests here, and for those of a batch. */
    static void write(ODataResponse response, ErrorResponse error) {
        response.setStatusCode(error.status());
        error.headers().forEach(response::setHeader);
        response.setContent(new ByteArrayInputStream(error.body()));
    }
}
