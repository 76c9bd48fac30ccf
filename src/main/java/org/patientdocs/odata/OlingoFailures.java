package org.patientdocs.odata;

import java.util.List;
import java.util.Set;

import org.apache.olingo.commons.api.edm.Edm;
import org.apache.olingo.commons.api.http.HttpHeader;
import org.apache.olingo.commons.api.http.HttpMethod;
import org.apache.olingo.server.api.OData;
import org.apache.olingo.server.api.ODataLibraryException;
import org.apache.olingo.server.api.ODataRequest;
import org.apache.olingo.server.api.ODataServerError;
import org.apache.olingo.server.core.ContentNegotiatorException;
import org.apache.olingo.server.core.ODataHandlerException;
import org.apache.olingo.server.api.uri.UriInfo;
import org.apache.olingo.server.core.uri.parser.Parser;
import org.apache.olingo.server.core.uri.parser.UriParserException;
import org.apache.olingo.server.core.uri.parser.search.SearchParserException;
import org.apache.olingo.server.core.uri.parser.search.SearchTokenizerException;
import org.apache.olingo.server.core.uri.validator.UriValidationException;
import org.apache.olingo.server.core.uri.validator.UriValidator;
import org.patientdocs.error.ErrorCode;
import org.patientdocs.error.ErrorResponse;
import org.patientdocs.error.RequestIds;
import org.patientdocs.error.SafeTrace;
import org.patientdocs.error.ServiceException;
import org.patientdocs.query.QueryService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a failure Olingo reports means: the one place that reads Olingo's exceptions. The service's own
 * {@link ServiceException}s, wherever Olingo wrapped them, keep their meaning. Olingo's protocol errors (a malformed
 * URI, an unsupported method) keep Olingo's 4xx status and message, except where the service knows better: a request
 * body of a type Olingo cannot read is unsupported (415, not Olingo's 406); what Olingo does not implement is named
 * ({@code $crossjoin}, {@code $all}, the 4.01 segments {@code /$each} and {@code /$filter(…)}, a missing processor);
 * a {@code $search} Olingo cannot read gets a message without its tokenizer's states. An unchecked failure on a URL
 * Olingo's parser cannot read is a 400: the request could not be read. Anything else is a 500 whose cause is logged
 * once, without messages, under the request id. Every meaning is then answered by {@link ErrorResponse}.
 */
final class OlingoFailures {

    private static final Logger LOG = LoggerFactory.getLogger(OlingoFailures.class);
    private static final OData ODATA = OData.newInstance();
    /** How Olingo's validator refuses $apply where the path addresses no collection. */
    private static final String APPLY_NOT_ALLOWED = "System query option not allowed: $apply";
    private static final Set<String> UNIMPLEMENTED_RESOURCES = Set.of("$all", "$crossjoin");
    /** In the order they are looked for: {@code Patients/$filter(…)/$each} names $each. */
    private static final List<String> UNIMPLEMENTED_SEGMENTS = List.of("$each", "$filter");

    private OlingoFailures() {
    }

    /**
     * The answer to a request Olingo failed, with Olingo's account of the failure.
     *
     * @param edm the service's model, to tell whether Olingo can read the request at all
     */
    static ErrorResponse answer(ODataRequest request, ODataServerError error, Edm edm) {
        Throwable exception = error.getException();
        ServiceException meaning = meaning(request, exception, error.getMessage());
        if (meaning != null) {
            return ErrorResponse.of(meaning);
        }
        int status = error.getStatusCode();
        if ((status >= 400 && status < 500 || status == 501) && error.getMessage() != null) {
            // a protocol error Olingo decided, with a message of its own about the request
            return ErrorResponse.ofStatus(status, error.getMessage());
        }
        if (exception instanceof RuntimeException && !readable(request, edm)) {
            // Olingo's URI parser fails with an unchecked exception on some input, valid or not (null in (1) is one):
            // the service cannot read the request, which is no failure of its own; logged to be found and fixed
            LOG.info("request {} could not be parsed: {}", RequestIds.current(), SafeTrace.describe(exception));
            return ErrorResponse.of(new ServiceException.BadRequest(ErrorCode.BAD_REQUEST, null,
                    "The service could not parse the request's URL or query options"));
        }
        String requestId = RequestIds.current();
        LOG.error("request {} failed: {}", requestId, SafeTrace.describe(exception));
        return ErrorResponse.internal(requestId);
    }

    /**
     * Whether the failure is the service refusing access: a 403 (the caller may not do this) or a 404 it decided
     * (the entity is missing, or not the caller's), as opposed to a path that names nothing the model has, which
     * Olingo refuses.
     */
    static boolean refusesAccess(ODataServerError error) {
        ServiceException own = find(error.getException());
        int status = own == null ? 0 : ErrorResponse.of(own).status();
        return status == 403 || status == 404;
    }

    /**
     * What the failure means where the service knows better than Olingo's status and message, or where it is the
     * service's own; null where Olingo's account stands.
     */
    private static ServiceException meaning(ODataRequest request, Throwable exception, String message) {
        if (isUnsupportedBodyType(request, exception) && message != null) {
            // Olingo answers 406 for a request body it cannot read; that is 415 (RFC 9110 §15.5.16)
            return new ServiceException.UnsupportedMediaType(message);
        }
        String path = request.getRawODataPath() == null ? "" : request.getRawODataPath();
        ServiceException unimplemented = exception instanceof UriParserException ? unimplementedSegment(path)
                : isHandlerFailure(exception, ODataHandlerException.MessageKeys.FUNCTIONALITY_NOT_IMPLEMENTED)
                ? unimplementedResource(path) : null;
        if (unimplemented != null) {
            return unimplemented;
        }
        if (exception instanceof UriValidationException validation
                && validation.getMessageKey() == UriValidationException.MessageKeys.SYSTEM_QUERY_OPTION_NOT_ALLOWED
                && APPLY_NOT_ALLOWED.equals(validation.getMessage())) {
            // $compute reaches the parser as $apply (url.QueryText): the refusal must name both
            return QueryService.applyRefused();
        }
        ServiceException own = find(exception);
        if (own != null) {
            int status = ErrorResponse.of(own).status();
            if (status >= 500) {
                LOG.warn("request {} answered {}: {}", RequestIds.current(), status, SafeTrace.describe(own));
            }
            return own;
        }
        if (exception instanceof SearchParserException || exception instanceof SearchTokenizerException) {
            // Olingo's own message speaks of its tokenizer's states
            return new ServiceException.BadRequest(ErrorCode.INVALID_QUERY_OPTION, "$search",
                    "The $search expression is not valid: use words, \"quoted phrases\", AND, OR, NOT and"
                            + " parentheses");
        }
        if (isHandlerFailure(exception, ODataHandlerException.MessageKeys.PROCESSOR_NOT_IMPLEMENTED)) {
            // Olingo's own message names the processor interface that is missing
            return notImplemented("The service does not implement this kind of request");
        }
        return null;
    }

    private static boolean isHandlerFailure(Throwable exception, ODataHandlerException.MessageKeys key) {
        return exception instanceof ODataHandlerException handler && handler.getMessageKey() == key;
    }

    private static boolean isUnsupportedBodyType(ODataRequest request, Throwable exception) {
        return exception instanceof ContentNegotiatorException negotiation
                && negotiation.getMessageKey() == ContentNegotiatorException.MessageKeys.UNSUPPORTED_CONTENT_TYPE
                && request.getHeader(HttpHeader.CONTENT_TYPE) != null
                && (request.getMethod() == HttpMethod.POST || request.getMethod() == HttpMethod.PUT
                        || request.getMethod() == HttpMethod.PATCH);
    }

    /**
     * The OData 4.01 path segments {@code /$each} and {@code /$filter(…)} (set-based operations), which Olingo cannot
     * parse at all and calls malformed; null for a URI malformed otherwise.
     */
    private static ServiceException unimplementedSegment(String path) {
        for (String segment : UNIMPLEMENTED_SEGMENTS) {
            if (("/" + path + "/").contains("/" + segment + "/") || path.contains("/" + segment + "(")) {
                return notImplemented("The service does not implement the path segment /" + segment
                        + " (set-based operations)");
            }
        }
        return null;
    }

    /**
     * Olingo routes some resources the URI parser accepts to no processor at all ({@code $crossjoin}, {@code $all})
     * and says only that something is not implemented; the answer names which.
     */
    private static ServiceException unimplementedResource(String path) {
        String resource = path.replaceFirst("^/", "").split("[/(?]", 2)[0];
        return notImplemented(UNIMPLEMENTED_RESOURCES.contains(resource)
                ? "The service does not implement " + resource + " requests"
                : "The service does not implement this kind of request");
    }

    private static ServiceException notImplemented(String message) {
        return new ServiceException.NotImplemented(ErrorCode.NOT_IMPLEMENTED, null, message);
    }

    /**
     * Whether Olingo's URI parser and validator accept the request's URL: asked again, because an unchecked failure
     * does not reliably say where it came from. The JVM drops the stack trace of an exception it has thrown often from
     * the same place (HotSpot's OmitStackTraceInFastThrow), so a parser's {@code NullPointerException} soon arrives
     * with no frames at all. Parsing is deterministic, and only failed requests pay for the second parse.
     */
    private static boolean readable(ODataRequest request, Edm edm) {
        if (request.getRawODataPath() == null) {
            return false;
        }
        try {
            UriInfo uri = new Parser(edm, ODATA).parseUri(request.getRawODataPath(), request.getRawQueryPath(), null,
                    request.getRawBaseUri());
            new UriValidator().validate(uri, request.getMethod());
            return true;
        } catch (ODataLibraryException | RuntimeException e) {
            return false;
        }
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
}
