package org.patientdocs.server;

import java.io.IOException;
import java.util.Collections;
import java.util.Enumeration;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.olingo.server.api.OData;
import org.apache.olingo.server.api.ODataHttpHandler;
import org.patientdocs.auth.AuthenticationFilter;
import org.patientdocs.auth.Caller;
import org.patientdocs.error.ErrorResponse;
import org.patientdocs.error.RequestIds;
import org.patientdocs.error.SafeTrace;
import org.patientdocs.error.ServiceException;
import org.patientdocs.odata.AccessAudit;
import org.patientdocs.odata.AllowedMethods;
import org.patientdocs.odata.Batches;
import org.patientdocs.odata.CollectionProcessor;
import org.patientdocs.odata.EntityPaths;
import org.patientdocs.odata.EntityRequestProcessor;
import org.patientdocs.odata.ErrorAnswerProcessor;
import org.patientdocs.odata.JsonBatch;
import org.patientdocs.odata.MediaResponse;
import org.patientdocs.odata.MetadataDocumentProcessor;
import org.patientdocs.odata.OperationHeaders;
import org.patientdocs.odata.PropertyProcessor;
import org.patientdocs.odata.ServiceRootProcessor;
import org.patientdocs.odata.Services;
import org.patientdocs.url.BaseUrls;
import org.patientdocs.url.QueryText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands each request to Olingo with this service's processors. Olingo's handler keeps per-request state, so one is
 * made per request; the parsed model is shared. HEAD and OPTIONS, which Olingo does not know, are answered here
 * ({@link HttpMethods}).
 */
final class ODataServlet extends HttpServlet {

    private static final Logger LOG = LoggerFactory.getLogger(ODataServlet.class);

    private final transient OData odata = OData.newInstance();
    private final transient Services services;
    private final transient BaseUrls baseUrls;
    private final transient ClientAddresses clients;
    private final transient Batches batches;

    ODataServlet(Services services) {
        this.services = services;
        this.baseUrls = new BaseUrls(services.config().http().publicBaseUrl(),
                services.config().http().trustedProxies());
        this.clients = new ClientAddresses(services.config().http().trustedProxies());
        this.batches = new Batches(services, odata);
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) {
        // the answer, once the request may read PHI: held until those reads are recorded (HeldAnswer)
        HttpServletResponse answer = response;
        try {
            ServiceException refused = OperationHeaders.refusal(request.getMethod(),
                    name -> request.getHeader(name) == null ? null : Collections.list(request.getHeaders(name)));
            if (refused != null) {
                throw refused;
            }
            if ("OPTIONS".equals(request.getMethod())) {
                HttpMethods.answerOptions(response,
                        AllowedMethods.of(services.model().metadata().getEdm(), request.getRequestURI()));
                return;
            }
            Caller caller = AuthenticationFilter.callerOf(request);
            AccessAudit audit = new AccessAudit(services.auditTrail(), caller, RequestIds.current(),
                    clients.of(request.getRemoteAddr(), request::getHeader));
            HeldAnswer held = new HeldAnswer(response, audit::awaitRecorded);
            answer = held;
            String base = baseUrls.baseFor(request.getRemoteAddr(), request.getScheme(), request::getHeader);
            String prepared = QueryText.prepare(request.getQueryString(), services.config().query().maxNestingDepth(),
                    () -> EntityPaths.readsOneEntity(services.model().metadata().getEdm(), request.getMethod(),
                            request.getRequestURI()));
            HttpServletRequest rewritten = new RewrittenRequest(request, base, request.getRequestURI(), prepared);
            HttpServletRequest odataRequest = new OlingoHeaders(new LazyBody(rewritten,
                    new BodyRate(services.config().clientLimits().minRequestBytesPerSecond())));
            if (JsonBatch.isJsonBatch(request.getMethod(), request.getRequestURI(), request.getContentType())) {
                jsonBatch(odataRequest, held, audit);
            } else if ("HEAD".equals(request.getMethod())) {
                HttpMethods.Bodiless bodiless = new HttpMethods.Bodiless(held);
                process(HttpMethods.asGet(odataRequest), bodiless, audit, MediaResponse.headersOnly());
                bodiless.finish();
            } else {
                process(odataRequest, held, audit, MediaResponse.direct());
            }
            held.finish();
        } catch (ServiceException e) {
            answerError(ErrorResponse.of(e).allowing(() -> AllowedMethods.forRefusal(
                    services.model().metadata().getEdm(), request.getRequestURI())), response, answer);
        } catch (IOException | RuntimeException e) {
            // A failure while a response body is sent: mostly a client that went away mid-download (an I/O failure),
            // else the service failed midway, leaving the body unfinished.
            if (answer.isCommitted() && (e instanceof IOException || e.getCause() instanceof IOException)) {
                LOG.info("request {} ended while sending the response: {}", RequestIds.current(),
                        e.getClass().getSimpleName());
            } else if (answer.isCommitted()) {
                LOG.error("request {} failed while sending the response: {}", RequestIds.current(),
                        SafeTrace.describe(e));
            } else {
                LOG.error("request {} failed: {}", RequestIds.current(), SafeTrace.describe(e));
                answerError(ErrorResponse.internal(RequestIds.current()), response, answer);
            }
        }
    }

    /**
     * Answers with the error: through the held answer, which sends it once what the request read is recorded (a
     * refusal's own event among it), or, when that is what failed, to the response directly.
     */
    private static void answerError(ErrorResponse error, HttpServletResponse response, HttpServletResponse answer) {
        if (answer instanceof HeldAnswer held && !held.refused()) {
            error.write(held);
            try {
                held.finish();
            } catch (IOException e) {
                LOG.info("request {} ended while sending the response: {}", RequestIds.current(),
                        e.getClass().getSimpleName());
            }
        } else {
            error.write(response);
        }
    }

    /**
     * Olingo answers the request; a download's bytes are then copied here, through a larger buffer than Olingo's
     * (or, for HEAD, never opened).
     */
    private void process(HttpServletRequest request, HttpServletResponse response, AccessAudit audit,
                         MediaResponse media) throws IOException {
        try {
            handler(audit, media, request.getRequestURI()).process(request, response);
            // a download's bytes go straight to the client, once what the request read is recorded
            media.copyTo(media.hasContent() && response instanceof HeldAnswer held ? held.released() : response);
        } finally {
            media.discard();
        }
    }

    /**
     * A handler with this service's processors acting for the caller (and recording what they do in the audit
     * trail); Olingo's handlers serve one request.
     *
     * @param path the path of the HTTP request, which a batch's operations share
     */
    private ODataHttpHandler handler(AccessAudit audit, MediaResponse media, String path) {
        ODataHttpHandler handler = odata.createHandler(services.model().metadata());
        handler.register(new CollectionProcessor(services, audit));
        handler.register(new EntityRequestProcessor(services, audit, media));
        handler.register(new PropertyProcessor(services, audit));
        handler.register(new ServiceRootProcessor());
        handler.register(new MetadataDocumentProcessor());
        handler.register(batches.multipart(() -> handler(audit.eachAwaited(), MediaResponse.viaOlingo(), path)));
        handler.register(new ErrorAnswerProcessor(path, audit));
        return handler;
    }

    private void jsonBatch(HttpServletRequest request, HttpServletResponse response, AccessAudit audit)
            throws IOException {
        String url = request.getRequestURL().toString();
        String base = url.substring(0, url.length() - request.getRequestURI().length());
        batches.json(() -> handler(audit.eachAwaited(), MediaResponse.viaOlingo(), request.getRequestURI()))
                .process(request, response, base);
    }

    /** The request with the headers {@link OperationHeaders#forOlingo} rewrites. */
    private static final class OlingoHeaders extends HttpServletRequestWrapper {

        OlingoHeaders(HttpServletRequest request) {
            super(request);
        }

        @Override
        public String getHeader(String name) {
            Enumeration<String> values = getHeaders(name);
            return values.hasMoreElements() ? values.nextElement() : null;
        }

        @Override
        public Enumeration<String> getHeaders(String name) {
            Enumeration<String> values = super.getHeaders(name);
            if (values == null || !values.hasMoreElements()) {
                return values;
            }
            return Collections.enumeration(OperationHeaders.forOlingo(getMethod(), name, Collections.list(values)));
        }
    }
}
