package org.patientdocs.odata;

import java.io.ByteArrayInputStream;
import java.util.List;
import java.util.Set;

import org.apache.olingo.commons.api.edm.Edm;
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
import org.apache.olingo.server.core.ODataHandlerException;
import org.apache.olingo.server.core.uri.parser.UriParserException;
import org.apache.olingo.server.core.uri.parser.search.SearchParserException;
import org.apache.olingo.server.core.uri.parser.search.SearchTokenizerException;
import org.patientdocs.error.ErrorCode;
import org.patientdocs.error.ErrorResponse;
import org.patientdocs.error.RequestIds;
import org.patientdocs.error.SafeTrace;
import org.patientdocs.error.ServiceException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every error that reaches Olingo leaves here in the one OData JSON shape. Our own {@link ServiceException}s keep
 * their meaning; Olingo's protocol errors (a malformed URI, an unsupported method) keep their 4xx status and
 * message, with a message of ours where Olingo's speaks of its internals ({@code $search} syntax, a missing
 * processor), and what it does not implement stays a 501. An unchecked failure inside Olingo's URI parser is a 400:
 * the request could not be read. Anything else is a 500 whose cause is logged once, without messages, under the
 * request id.
 */
public final class ErrorResponder implements ErrorProcessor {

    private static final Logger LOG = LoggerFactory.getLogger(ErrorResponder.class);
    private static final String URI_PARSER_PACKAGE = "org.apache.olingo.server.core.uri.parser.";
    private static final String SERVICE_PACKAGE = "org.patientdocs.";
    private static final Set<String> UNIMPLEMENTED_RESOURCES = Set.of("$all", "$crossjoin");
    /** In the order they are looked for: {@code Patients/$filter(…)/$each} names $each. */
    private static final List<String> UNIMPLEMENTED_SEGMENTS = List.of("$each", "$filter");

    private final String requestPath;
    private Edm edm;

    /**
     * @param requestPath the path of the HTTP request being served, for a 405 to name its methods when Olingo could
     *                    not read the request's own path (it stops at an HTTP method it does not know)
     */
    public ErrorResponder(String requestPath) {
        this.requestPath = requestPath;
    }

    @Override
    public void init(OData odata, ServiceMetadata serviceMetadata) {
        this.edm = serviceMetadata.getEdm();
    }

    @Override
    public void processError(ODataRequest request, ODataResponse response, ODataServerError serverError,
                             ContentType responseFormat) {
        int status = serverError.getStatusCode();
        if (isUnsupportedBodyType(request, serverError.getException())) {
            // Olingo answers 406 for a request body it cannot read; that is 415 (RFC 9110 §15.5.16).
            status = 415;
        }
        ErrorResponse unimplemented = unimplementedResource(request, serverError.getException());
        ErrorResponse error = unimplemented != null ? unimplemented
                : toBody(serverError.getException(), status, serverError.getMessage());
        String path = request.getRawODataPath() != null ? request.getRawODataPath() : requestPath;
        write(response, error.allowing(() -> AllowedMethods.forRefusal(edm, path)));
    }

    /**
     * Olingo routes some resources the URI parser accepts to no processor at all ({@code $crossjoin}, {@code $all})
     * and says only that something is not implemented; the answer names which. The OData 4.01 path segments
     * {@code /$each} and {@code /$filter(…)} (set-based operations) it cannot parse at all, and calls the URI
     * malformed: those are named too.
     */
    private static ErrorResponse unimplementedResource(ODataRequest request, Exception exception) {
        String path = request.getRawODataPath() == null ? "" : request.getRawODataPath();
        if (exception instanceof UriParserException) {
            for (String segment : UNIMPLEMENTED_SEGMENTS) {
                if (("/" + path + "/").contains("/" + segment + "/") || path.contains("/" + segment + "(")) {
                    return ErrorResponse.ofStatus(501, "The service does not implement the path segment /" + segment
                            + " (set-based operations)");
                }
            }
            return null;
        }
        if (!(exception instanceof ODataHandlerException handler)
                || handler.getMessageKey() != ODataHandlerException.MessageKeys.FUNCTIONALITY_NOT_IMPLEMENTED) {
            return null;
        }
        String resource = path.replaceFirst("^/", "").split("[/(?]", 2)[0];
        return ErrorResponse.ofStatus(501, UNIMPLEMENTED_RESOURCES.contains(resource)
                ? "The service does not implement " + resource + " requests"
                : "The service does not implement this kind of request");
    }

    private static boolean isUnsupportedBodyType(ODataRequest request, Exception exception) {
        return exception instanceof ContentNegotiatorException negotiation
                && negotiation.getMessageKey() == ContentNegotiatorException.MessageKeys.UNSUPPORTED_CONTENT_TYPE
                && request.getHeader(HttpHeader.CONTENT_TYPE) != null
                && (request.getMethod() == HttpMethod.POST || request.getMethod() == HttpMethod.PUT
                        || request.getMethod() == HttpMethod.PATCH);
    }

    static ErrorResponse toBody(Throwable exception, int status, String message) {
        ServiceException known = find(exception);
        if (known != null) {
            ErrorResponse body = ErrorResponse.of(known);
            if (body.status() >= 500) {
                LOG.warn("request {} answered {}: {}", RequestIds.current(), body.status(),
                        SafeTrace.describe(known));
            }
            return body;
        }
        if (exception instanceof SearchParserException || exception instanceof SearchTokenizerException) {
            // Olingo's own message speaks of its tokenizer's states
            return ErrorResponse.of(new ServiceException.BadRequest(ErrorCode.INVALID_QUERY_OPTION, "$search",
                    "The $search expression is not valid: use words, \"quoted phrases\", AND, OR, NOT and"
                            + " parentheses"));
        }
        if (status >= 400 && status < 500 && message != null) {
            return ErrorResponse.ofStatus(status, message);
        }
        if (exception instanceof ODataHandlerException handler
                && handler.getMessageKey() == ODataHandlerException.MessageKeys.PROCESSOR_NOT_IMPLEMENTED) {
            // Olingo's own message names the processor interface that is missing
            return ErrorResponse.ofStatus(501, "The service does not implement this kind of request (entity references,"
                    + " $ref, for example)");
        }
        if (status == 501 && message != null) {
            return ErrorResponse.ofStatus(501, message);
        }
        if (failedInUriParser(exception)) {
            // Olingo's URI parser fails with an unchecked exception on some input, valid or not (null in (1) is one):
            // the service cannot read the request, which is no failure of its own; logged to be found and fixed
            LOG.info("request {} could not be parsed: {}", RequestIds.current(), SafeTrace.describe(exception));
            return ErrorResponse.ofStatus(400, "The service could not parse the request's URL or query options");
        }
        String requestId = RequestIds.current();
        LOG.error("request {} failed: {}", requestId, SafeTrace.describe(exception));
        return ErrorResponse.internal(requestId);
    }

    /**
     * Whether an unchecked exception came from inside Olingo's URI parser: a parser frame comes before any of this
     * service's own (the processors run outside the parser, but the parser may call into the service's EDM).
     */
    private static boolean failedInUriParser(Throwable exception) {
        if (!(exception instanceof RuntimeException)) {
            return false;
        }
        for (StackTraceElement frame : exception.getStackTrace()) {
            if (frame.getClassName().startsWith(URI_PARSER_PACKAGE)) {
                return true;
            }
            if (frame.getClassName().startsWith(SERVICE_PACKAGE)) {
                return false;
            }
        }
        return false;
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

    /** Puts an error answer into Olingo's response: for Olingo's requests here, and for those of a batch. */
    static void write(ODataResponse response, ErrorResponse error) {
        response.setStatusCode(error.status());
        error.headers().forEach(response::setHeader);
        response.setContent(new ByteArrayInputStream(error.body()));
    }
}
