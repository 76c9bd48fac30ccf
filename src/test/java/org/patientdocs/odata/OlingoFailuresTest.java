package org.patientdocs.odata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;

import org.apache.olingo.commons.api.edm.Edm;
import org.apache.olingo.commons.api.http.HttpMethod;
import org.apache.olingo.server.api.ODataRequest;
import org.apache.olingo.server.api.ODataServerError;
import org.apache.olingo.server.core.ContentNegotiatorException;
import org.apache.olingo.server.core.ODataExceptionHelper;
import org.apache.olingo.server.core.ODataHandlerException;
import org.apache.olingo.server.core.uri.parser.UriParserSyntaxException;
import org.apache.olingo.server.core.uri.parser.search.SearchParserException;
import org.junit.jupiter.api.Test;
import org.patientdocs.error.ErrorResponse;
import org.patientdocs.error.ServiceException;

/** Olingo's failures as its handler reports them ({@link ODataExceptionHelper}), and what the service answers. */
class OlingoFailuresTest {

    private static final Edm EDM = EdmLoader.load().getEdm();

    @Test
    void theServicesOwnFailureKeepsItsMeaningWhereverItWasWrapped() {
        ErrorResponse answer = answer(request(HttpMethod.GET, "/Patients"),
                ODataExceptionHelper.createServerErrorObject(new IllegalStateException(
                        new ServiceException.ServiceUnavailable("The database is unavailable", new IOException()))));
        assertEquals(503, answer.status());
        assertEquals("The database is unavailable", answer.message());
        assertEquals("5", answer.headers().get("Retry-After"));
    }

    @Test
    void aRequestBodyOfATypeOlingoCannotReadIsUnsupportedRatherThanUnacceptable() {
        ContentNegotiatorException unreadable = new ContentNegotiatorException("unsupported",
                ContentNegotiatorException.MessageKeys.UNSUPPORTED_CONTENT_TYPE, "text/csv");
        ODataRequest post = request(HttpMethod.POST, "/Patients");
        post.addHeader("Content-Type", "text/csv");
        assertEquals(415, answer(post, ODataExceptionHelper.createServerErrorObject(unreadable, null)).status());
        ODataRequest get = request(HttpMethod.GET, "/Patients");
        get.addHeader("Content-Type", "text/csv");
        assertEquals(406, answer(get, ODataExceptionHelper.createServerErrorObject(unreadable, null)).status());
    }

    @Test
    void whatOlingoDoesNotImplementIsNamed() {
        ODataServerError unimplemented = ODataExceptionHelper.createServerErrorObject(new ODataHandlerException("x",
                ODataHandlerException.MessageKeys.FUNCTIONALITY_NOT_IMPLEMENTED), null);
        ErrorResponse crossjoin = answer(request(HttpMethod.GET, "/$crossjoin(Patients,Documents)"), unimplemented);
        assertEquals(501, crossjoin.status());
        assertEquals("The service does not implement $crossjoin requests", crossjoin.message());
        ErrorResponse each = answer(request(HttpMethod.GET, "/Patients/$filter(true)/$each"),
                ODataExceptionHelper.createServerErrorObject(new UriParserSyntaxException("x",
                        UriParserSyntaxException.MessageKeys.SYNTAX), null));
        assertEquals(501, each.status());
        assertEquals("The service does not implement the path segment /$each (set-based operations)", each.message());
        ErrorResponse processor = answer(request(HttpMethod.GET, "/Patients"),
                ODataExceptionHelper.createServerErrorObject(new ODataHandlerException("x",
                        ODataHandlerException.MessageKeys.PROCESSOR_NOT_IMPLEMENTED, "ComplexProcessor"), null));
        assertEquals(501, processor.status());
        assertFalse(processor.message().contains("Processor"), processor.message());
    }

    @Test
    void anUnreadableSearchIsRefusedWithoutOlingosTokenizerStates() {
        ErrorResponse search = answer(request(HttpMethod.GET, "/Patients"),
                ODataExceptionHelper.createServerErrorObject(
                        new SearchParserException("x", SearchParserException.MessageKeys.MISSING_CLOSE), null));
        assertEquals(400, search.status());
        assertEquals("INVALID_QUERY_OPTION", search.code());
        assertEquals("$search", search.target());
    }

    @Test
    void olingosOtherRefusalsKeepItsStatusAndMessage() {
        ErrorResponse refused = answer(request(HttpMethod.PATCH, "/Patients"),
                ODataExceptionHelper.createServerErrorObject(new ODataHandlerException("x",
                        ODataHandlerException.MessageKeys.HTTP_METHOD_NOT_ALLOWED, "PATCH"), null));
        assertEquals(405, refused.status());
        assertEquals("METHOD_NOT_ALLOWED", refused.code());
        assertEquals("HTTP method 'PATCH' not allowed for this resource.", refused.message());
    }

    @Test
    void anUncheckedFailureOnAUrlOlingosParserCannotReadIsABadRequest() {
        // Olingo 5's parser throws a NullPointerException on null in (…); after many, HotSpot throws one without frames
        NullPointerException withoutFrames = new NullPointerException();
        withoutFrames.setStackTrace(new StackTraceElement[0]);
        ErrorResponse answer = answer(request(HttpMethod.GET, "/Patients", "$filter=null%20in%20(1)"),
                ODataExceptionHelper.createServerErrorObject(withoutFrames));
        assertEquals(400, answer.status());
        assertEquals("The service could not parse the request's URL or query options", answer.message());
    }

    @Test
    void anUncheckedFailureOnAReadableUrlIsTheServicesOwn() {
        NullPointerException withoutFrames = new NullPointerException();
        withoutFrames.setStackTrace(new StackTraceElement[0]);
        ErrorResponse answer = answer(request(HttpMethod.GET, "/Patients", "$filter=id%20in%20('1')"),
                ODataExceptionHelper.createServerErrorObject(withoutFrames));
        assertEquals(500, answer.status());
    }

    @Test
    void anyOtherFailureIsAnInternalErrorThatNamesOnlyTheRequestId() {
        ErrorResponse answer = answer(request(HttpMethod.GET, "/Patients"),
                ODataExceptionHelper.createServerErrorObject(new IllegalStateException("SELECT secret FROM x")));
        assertEquals(500, answer.status());
        assertEquals("INTERNAL_ERROR", answer.code());
        assertTrue(answer.message().startsWith("An unexpected error occurred; quote request id"), answer.message());
    }

    private static ErrorResponse answer(ODataRequest request, ODataServerError error) {
        return OlingoFailures.answer(request, error, EDM);
    }

    private static ODataRequest request(HttpMethod method, String path) {
        return request(method, path, null);
    }

    private static ODataRequest request(HttpMethod method, String path, String query) {
        ODataRequest request = new ODataRequest();
        request.setMethod(method);
        request.setRawODataPath(path);
        request.setRawQueryPath(query);
        request.setRawBaseUri("http://localhost/odata");
        return request;
    }
}
