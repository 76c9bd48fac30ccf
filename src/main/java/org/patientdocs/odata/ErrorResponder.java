package org.patientdocs.odata;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.apache.olingo.commons.api.format.ContentType;
import org.apache.olingo.commons.api.http.HttpHeader;
import org.apache.olingo.commons.api.http.HttpMethod;
import org.apache.olingo.server.api.OData;
import org.apache.olingo.server.api.ODataRequest;
import org.apache.olingo.server.api.ODataResponse;
import org.apache.olingo.server.api.ODataServerError;
import org.apache.olingo.server.api.ServiceMetadata;
import org.apache.olingo.server.api.processor.ErrorProcessor;
import org.apache.olingo.server.core.ContentNegotiatorException;
import org.apache.olingo.server.core.uri.parser.search.SearchParserException;
import org.apache.olingo.server.core.uri.parser.search.SearchTokenizerException;
import org.patientdocs.error.ErrorCode;
import org.patientdocs.error.ErrorMapper;
import org.patientdocs.error.RequestIds;
import org.patientdocs.error.SafeTrace;
import org.patientdocs.error.ServiceException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every error that reaches Olingo leaves here in the one OData JSON shape. Our own {@link ServiceException}s keep
 * their meaning; Olingo's protocol errors (a malformed URI, an unsupported method) keep their 4xx status and
 * message, and what it does not implement stays a 501; anything else is a 500 whose cause is logged once, without
 * messages, under the request id.
 */
public final class ErrorResponder implements ErrorProcessor {

    private static final Logger LOG = LoggerFactory.getLogger(ErrorResponder.class);
    private static final String URI_PARSER_PACKAGE = "org.apache.olingo.server.core.uri.parser.";

    @Override
    public void init(OData odata, ServiceMetadata serviceMetadata) {
        // stateless
    }

    @Override
    public void processError(ODataRequest request, ODataResponse response, ODataServerError serverError,
                             ContentType responseFormat) {
        int status = serverError.getStatusCode();
        if (isUnsupportedBodyType(request, serverError.getException())) {
            // Olingo answers 406 for a request body it cannot read; that is 415 (RFC 9110 §15.5.16).
            status = 415;
        }
        write(response, toBody(serverError.getException(), status, serverError.getMessage()));
    }

    private static boolean isUnsupportedBodyType(ODataRequest request, Exception exception) {
        return exception instanceof ContentNegotiatorException negotiation
                && negotiation.getMessageKey() == ContentNegotiatorException.MessageKeys.UNSUPPORTED_CONTENT_TYPE
                && request.getHeader(HttpHeader.CONTENT_TYPE) != null
                && (request.getMethod() == HttpMethod.POST || request.getMethod() == HttpMethod.PUT
                        || request.getMethod() == HttpMethod.PATCH);
    }

    static ErrorMapper.ErrorBody toBody(Throwable exception, int status, String message) {
        ServiceException known = find(exception);
        if (known != null) {
            ErrorMapper.ErrorBody body = ErrorMapper.map(known);
            if (body.status() >= 500) {
                LOG.warn("request {} answered {}: {}", RequestIds.current(), body.status(),
                        SafeTrace.describe(known));
            }
            return body;
        }
        if (exception instanceof SearchParserException || exception instanceof SearchTokenizerException) {
            // Olingo's own message speaks of its tokenizer's states
            return new ErrorMapper.ErrorBody(400, ErrorCode.INVALID_QUERY_OPTION.name(), "The $search expression is not"
                    + " valid: use words, \"quoted phrases\", AND, OR, NOT and parentheses", "$search");
        }
        if (status >= 400 && status < 500 && message != null) {
            return ErrorMapper.ofStatus(status, message);
        }
        if (status == 501) {
            // Olingo's own message names the processor interface that is missing
            return ErrorMapper.ofStatus(501, "The service does not implement this kind of request (entity references,"
                    + " $ref, for example)");
        }
        if (failedInUriParser(exception)) {
            // Olingo's URI parser fails with an unchecked exception on some input (null in (1) is one): it is the
            // request's form that cannot be read, not a failure of the service
            return new ErrorMapper.ErrorBody(400, ErrorCode.INVALID_QUERY_OPTION.name(),
                    "The request's URL or query options could not be parsed", null);
        }
        String requestId = RequestIds.current();
        LOG.error("request {} failed: {}", requestId, SafeTrace.describe(exception));
        return ErrorMapper.internal(requestId);
    }

    /** Whether an unchecked exception came from inside Olingo's URI parser (the processors run outside it). */
    private static boolean failedInUriParser(Throwable exception) {
        return exception instanceof RuntimeException && Arrays.stream(exception.getStackTrace())
                .anyMatch(frame -> frame.getClassName().startsWith(URI_PARSER_PACKAGE));
    }

    private static ServiceException find(Throwable exception) {
        for (Throwable t = exception; t != null; t = t.getCause()) {
            if (t instanceof ServiceException service) {
                return service;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return null;
    }

    private static void write(ODataResponse response, ErrorMapper.ErrorBody body) {
        response.setStatusCode(body.status());
        response.setHeader(HttpHeader.CONTENT_TYPE, ErrorMapper.ERROR_CONTENT_TYPE);
        if (body.status() == 503) {
            response.setHeader(HttpHeader.RETRY_AFTER, "5");
        }
        response.setContent(new ByteArrayInputStream(body.json().getBytes(StandardCharsets.UTF_8)));
    }
}
