package org.patientdocs.server;

import java.io.IOException;
import java.io.InputStream;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.patientdocs.auth.AuthenticationFilter;
import org.patientdocs.auth.Caller;
import org.patientdocs.error.ErrorCode;
import org.patientdocs.error.ErrorResponse;
import org.patientdocs.error.RequestIds;
import org.patientdocs.error.SafeTrace;
import org.patientdocs.error.ServiceException;
import org.patientdocs.odata.AccessAudit;
import org.patientdocs.odata.ResumableUploadRequests;
import org.patientdocs.odata.Services;
import org.patientdocs.storage.ResumableUploads.Upload;
import org.patientdocs.url.BaseUrls;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP of resumable uploads: tus 1.0 at {@code /uploads} with the extensions creation, creation-with-upload,
 * termination, checksum (sha256) and expiration. What the requests do is {@link ResumableUploadRequests}'s; here are
 * the protocol's headers and statuses. Every answer but OPTIONS's carries {@code Tus-Resumable}; errors are OData JSON
 * error bodies ({@link ErrorResponse}) with the tus headers besides.
 */
final class TusServlet extends HttpServlet {

    private static final Logger LOG = LoggerFactory.getLogger(TusServlet.class);

    static final String VERSION = "1.0.0";
    static final String EXTENSIONS = "creation,creation-with-upload,termination,checksum,expiration";
    private static final String CHUNK_TYPE = "application/offset+octet-stream";
    private static final String ALLOW_COLLECTION = "OPTIONS, POST";
    private static final String ALLOW_UPLOAD = "OPTIONS, HEAD, PATCH, DELETE";
    /** RFC 9110 HTTP-date, as tus's Upload-Expires is written. */
    private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);

    private final transient ResumableUploadRequests uploads;
    private final transient Services services;
    private final transient BaseUrls baseUrls;
    private final transient ClientAddresses clients;

    TusServlet(Services services, ResumableUploadRequests uploads) {
        this.services = services;
        this.uploads = uploads;
        this.baseUrls = new BaseUrls(services.config().http().publicBaseUrl(),
                services.config().http().trustedProxies());
        this.clients = new ClientAddresses(services.config().http().trustedProxies());
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) {
        String id = uploadId(request);
        try {
            if ("OPTIONS".equals(request.getMethod())) {
                options(response);
                return;
            }
            response.setHeader("Tus-Resumable", VERSION);
            if (!VERSION.equals(request.getHeader("Tus-Resumable"))) {
                throw new ServiceException.PreconditionFailed(ErrorCode.TUS_VERSION_UNSUPPORTED,
                        "Tus-Resumable must be " + VERSION + ", the only version of tus this service speaks");
            }
            Caller caller = AuthenticationFilter.callerOf(request);
            String method = isPatchOverride(request) ? "PATCH" : request.getMethod();
            switch (id == null ? "collection " + method : method) {
                case "collection POST" -> create(request, response, caller);
                case "HEAD" -> head(request, response, uploads.status(caller, id));
                case "PATCH" -> patch(request, response, caller, id);
                case "DELETE" -> {
                    uploads.terminate(caller, id);
                    response.setStatus(HttpServletResponse.SC_NO_CONTENT);
                }
                default -> throw new ServiceException.MethodNotAllowed(method
                        + " is not a tus request for this URL");
            }
        } catch (ServiceException e) {
            answer(ErrorResponse.of(e).allowing(() -> id == null ? ALLOW_COLLECTION : ALLOW_UPLOAD), response);
        } catch (IOException | RuntimeException e) {
            LOG.error("request {} failed: {}", RequestIds.current(), SafeTrace.describe(e));
            answer(ErrorResponse.internal(RequestIds.current()), response);
        }
    }

    /**
     * Whether the request is a POST to an upload that says, in {@code X-HTTP-Method-Override} alone, that it is a
     * PATCH: what tus clients send where their HTTP library cannot send PATCH (Java's {@code HttpURLConnection}, and
     * so the tus Java client). No other override is accepted anywhere.
     */
    static boolean isPatchOverride(HttpServletRequest request) {
        String uri = request.getRequestURI();
        return "POST".equals(request.getMethod()) && uri != null && uri.startsWith("/uploads/")
                && request.getHeader("X-HTTP-Method") == null
                && "PATCH".equals(request.getHeader("X-HTTP-Method-Override"));
    }

    /** The upload id of {@code /uploads/<id>}; null for {@code /uploads} itself. */
    private static String uploadId(HttpServletRequest request) {
        String path = request.getPathInfo();
        if (path == null || path.equals("/")) {
            return null;
        }
        return path.substring(1);
    }

    private void options(HttpServletResponse response) {
        response.setStatus(HttpServletResponse.SC_NO_CONTENT);
        response.setHeader("Tus-Resumable", VERSION);
        response.setHeader("Tus-Version", VERSION);
        response.setHeader("Tus-Extension", EXTENSIONS);
        response.setHeader("Tus-Max-Size", Long.toString(uploads.maxBytes()));
        response.setHeader("Tus-Checksum-Algorithm", "sha256");
    }

    private void create(HttpServletRequest request, HttpServletResponse response, Caller caller) throws IOException {
        if (request.getHeader("Upload-Defer-Length") != null) {
            throw new ServiceException.BadRequest(ErrorCode.INVALID_UPLOAD_HEADER, "Upload-Defer-Length",
                    "Upload-Defer-Length is not supported (no creation-defer-length extension); send Upload-Length");
        }
        long length = number(request, "Upload-Length");
        if (length < 0) {
            throw new ServiceException.BadRequest(ErrorCode.INVALID_UPLOAD_HEADER, "Upload-Length",
                    "Upload-Length is required: the size of the whole file in bytes");
        }
        boolean withBytes = request.getContentLengthLong() > 0 || request.getHeader("Transfer-Encoding") != null;
        if (withBytes) {
            requireChunkType(request);
        }
        Upload created = uploads.create(caller, request.getHeader("Upload-Metadata"), length,
                request.getHeader("Repr-Digest"));
        response.setHeader("Location", root(request) + "/uploads/" + created.id());
        Upload now = created;
        if (withBytes) {
            ResumableUploadRequests.Appended appended = append(request, caller, created.id(), 0);
            now = appended.upload();
            if (appended.documentId() != null) {
                response.setHeader("OData-EntityId", documentUrl(request, appended.documentId()));
            }
            response.setHeader("Upload-Offset", Long.toString(now.offset()));
        }
        response.setHeader("Upload-Expires", HTTP_DATE.format(now.expiresAt()));
        response.setStatus(HttpServletResponse.SC_CREATED);
    }

    private void head(HttpServletRequest request, HttpServletResponse response, Upload upload) {
        response.setStatus(HttpServletResponse.SC_OK);
        if (upload.documentId() != null) {
            // finished: a client that lost the last PATCH's answer learns where the document is
            response.setHeader("Location", documentUrl(request, upload.documentId()));
        }
        response.setHeader("Upload-Offset", Long.toString(upload.offset()));
        response.setHeader("Upload-Length", Long.toString(upload.length()));
        response.setHeader("Upload-Expires", HTTP_DATE.format(upload.expiresAt()));
        response.setHeader("Cache-Control", "no-store");
    }

    private void patch(HttpServletRequest request, HttpServletResponse response, Caller caller, String id)
            throws IOException {
        requireChunkType(request);
        if (request.getHeader("Repr-Digest") != null) {
            // a part's Repr-Digest would be of the whole file, which the creation gives once
            throw new ServiceException.BadRequest(ErrorCode.BAD_REQUEST, "Repr-Digest", "Repr-Digest belongs on the"
                    + " request that creates the upload (the whole file's digest); a part may carry Content-Digest"
                    + " or Upload-Checksum for its own bytes");
        }
        long offset = number(request, "Upload-Offset");
        if (offset < 0) {
            throw new ServiceException.BadRequest(ErrorCode.INVALID_UPLOAD_HEADER, "Upload-Offset",
                    "Upload-Offset is required: where in the file the bytes sent start");
        }
        ResumableUploadRequests.Appended appended = append(request, caller, id, offset);
        response.setHeader("Upload-Offset", Long.toString(appended.upload().offset()));
        response.setHeader("Upload-Expires", HTTP_DATE.format(appended.upload().expiresAt()));
        if (appended.documentId() != null) {
            // the upload is now a document: where it is, as the OData upload's 201 says it
            response.setHeader("Location", documentUrl(request, appended.documentId()));
        }
        response.setStatus(HttpServletResponse.SC_NO_CONTENT);
    }

    private ResumableUploadRequests.Appended append(HttpServletRequest request, Caller caller, String id,
                                                    long offset) throws IOException {
        AccessAudit audit = new AccessAudit(services.auditTrail(), caller, RequestIds.current(),
                clients.of(request.getRemoteAddr(), request::getHeader));
        LazyBody body = new LazyBody(request,
                new BodyRate(services.config().clientLimits().minRequestBytesPerSecond()));
        try (InputStream in = body.getInputStream()) {
            return uploads.append(caller, audit, id, offset, request.getContentLengthLong(), in,
                    request.getHeader("Upload-Checksum"), request.getHeader("Content-Digest"));
        }
    }

    private static void requireChunkType(HttpServletRequest request) {
        String type = request.getContentType();
        if (type == null || !type.split(";")[0].strip().equalsIgnoreCase(CHUNK_TYPE)) {
            throw new ServiceException.UnsupportedMediaType("The bytes of an upload are sent as " + CHUNK_TYPE);
        }
    }

    /** A non-negative number header; -1 when absent. */
    private static long number(HttpServletRequest request, String name) {
        String value = request.getHeader(name);
        if (value == null) {
            return -1;
        }
        try {
            long number = Long.parseLong(value.strip());
            if (number >= 0) {
                return number;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new ServiceException.BadRequest(ErrorCode.INVALID_UPLOAD_HEADER, name,
                name + " must be a number of bytes, 0 or more");
    }

    /** The service root as the client reaches it, without a trailing slash. */
    private String root(HttpServletRequest request) {
        String base = baseUrls.baseFor(request.getRemoteAddr(), request.getScheme(), request::getHeader);
        if (base == null) {
            String url = request.getRequestURL().toString();
            base = url.substring(0, url.length() - request.getRequestURI().length());
        }
        return base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }

    private String documentUrl(HttpServletRequest request, String documentId) {
        return root(request) + "/Documents('" + documentId + "')";
    }

    /** The error with the tus headers: {@code Tus-Version} on a 412 for the protocol version, as tus requires. */
    private static void answer(ErrorResponse error, HttpServletResponse response) {
        if (response.isCommitted()) {
            return;
        }
        response.setHeader("Tus-Resumable", VERSION);
        if (error.code().equals(ErrorCode.TUS_VERSION_UNSUPPORTED.name())) {
            response.setHeader("Tus-Version", VERSION);
        }
        error.write(response);
    }
}
