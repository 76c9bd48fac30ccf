package org.patientdocs.error;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

import jakarta.servlet.http.HttpServletResponse;

/**
 * An error as it leaves the service, whichever way it leaves: from a filter or a servlet, from Olingo, inside a
 * {@code $batch} answer, or from Jetty itself. The only place that knows HTTP status codes, the headers an error
 * answer carries and the OData JSON error body ({@code {"error":{"code":…,"message":…,"target":…}}}); each entry
 * point copies {@link #status()}, {@link #headers()} and {@link #body()} into its own kind of response, as
 * {@link #write(HttpServletResponse)} does for the servlet API.
 */
public final class ErrorResponse {

    /** The media type of every error body. */
    private static final String CONTENT_TYPE = "application/json;odata.metadata=minimal";
    /** The OData version every error answer is written in. */
    private static final String ODATA_VERSION = "4.0";
    /**
     * How long a client should wait after a 503 before it tries again. What the service reports as unavailable (its
     * database, the token signing keys) is mostly back within seconds.
     */
    private static final String RETRY_AFTER_SECONDS = "5";
    /** The RFC 6750 challenge of every 401 and of a 400 for a token presented wrongly. */
    private static final String CHALLENGE = "Bearer realm=\"patientdocs\"";

    private static final Map<Class<? extends ServiceException>, Integer> STATUS = Map.ofEntries(
            Map.entry(ServiceException.BadRequest.class, 400),
            Map.entry(ServiceException.Unauthorized.class, 401),
            Map.entry(ServiceException.Forbidden.class, 403),
            Map.entry(ServiceException.NotFound.class, 404),
            Map.entry(ServiceException.MethodNotAllowed.class, 405),
            Map.entry(ServiceException.NotAcceptable.class, 406),
            Map.entry(ServiceException.Conflict.class, 409),
            Map.entry(ServiceException.RequestTimeout.class, 408),
            Map.entry(ServiceException.PreconditionFailed.class, 412),
            Map.entry(ServiceException.PayloadTooLarge.class, 413),
            Map.entry(ServiceException.UnsupportedMediaType.class, 415),
            Map.entry(ServiceException.RangeNotSatisfiable.class, 416),
            Map.entry(ServiceException.FailedDependency.class, 424),
            Map.entry(ServiceException.TooManyRequests.class, 429),
            // tus 1.0 checksum extension: "460 Checksum Mismatch"
            Map.entry(ServiceException.ChecksumMismatch.class, 460),
            Map.entry(ServiceException.NotImplemented.class, 501),
            Map.entry(ServiceException.ServiceUnavailable.class, 503));

    private final int status;
    private final String code;
    private final String message;
    private final String target;
    /** The RFC 6750 error code of the {@code WWW-Authenticate} challenge, or null for a plain one (or none). */
    private final String bearerError;
    /** The scope a 403 names in its challenge, or null. */
    private final String requiredScope;
    private final Supplier<String> allow;
    /** The {@code Retry-After} value in seconds, or null for none. */
    private final String retryAfter;
    /** The {@code Content-Range} of a 416 ({@code bytes *}/size), or null for none. */
    private final String contentRange;

    private ErrorResponse(int status, String code, String message, String target, String bearerError,
                          String requiredScope, Supplier<String> allow, String retryAfter) {
        this(status, code, message, target, bearerError, requiredScope, allow, retryAfter, null);
    }

    private ErrorResponse(int status, String code, String message, String target, String bearerError,
                          String requiredScope, Supplier<String> allow, String retryAfter, String contentRange) {
        this.status = status;
        this.code = code;
        this.message = message;
        this.target = target;
        this.bearerError = bearerError;
        this.requiredScope = requiredScope;
        this.allow = allow;
        this.retryAfter = retryAfter;
        this.contentRange = contentRange;
    }

    /** The answer to a failure whose meaning the service knows. */
    public static ErrorResponse of(ServiceException e) {
        int status = STATUS.getOrDefault(e.getClass(), 500);
        String retryAfter = e instanceof ServiceException.TooManyRequests tooMany
                ? Long.toString(tooMany.retryAfterSeconds()) : retryAfterFor(status);
        return new ErrorResponse(status, e.code().name(), e.getMessage(), e.target(), bearerError(e),
                e instanceof ServiceException.Forbidden forbidden ? forbidden.scope() : null, null, retryAfter,
                e instanceof ServiceException.RangeNotSatisfiable range ? "bytes */" + range.size() : null);
    }

    /**
     * RFC 6750 §3.1: a rejected token is {@code invalid_token}, a token presented wrongly {@code invalid_request}, a
     * token lacking the scope an operation needs {@code insufficient_scope}.
     */
    private static String bearerError(ServiceException e) {
        if (e instanceof ServiceException.Unauthorized unauthorized && unauthorized.tokenRejected()) {
            return "invalid_token";
        }
        if (e instanceof ServiceException.Forbidden forbidden && forbidden.scope() != null) {
            return "insufficient_scope";
        }
        return e.code() == ErrorCode.INVALID_AUTHORIZATION_REQUEST ? "invalid_request" : null;
    }

    /** The answer to an unexpected failure: a generic message that names the request id, nothing else. */
    public static ErrorResponse internal(String requestId) {
        String message = "An unexpected error occurred; quote request id " + requestId + " when reporting it.";
        return new ErrorResponse(500, ErrorCode.INTERNAL_ERROR.name(), message, null, null, null, null, null);
    }

    /** An error decided by the protocol layer (Olingo or Jetty) with only a status and a client-safe message. */
    public static ErrorResponse ofStatus(int status, String message) {
        return new ErrorResponse(status, codeFor(status).name(), message, null, null, null, null,
                retryAfterFor(status));
    }

    private static String retryAfterFor(int status) {
        return status == 503 ? RETRY_AFTER_SECONDS : null;
    }

    /**
     * The answer, told which methods the addressed resource supports: a 405 names them in {@code Allow}. Asked only
     * for a 405; a supplier without an answer (null) leaves {@code Allow} out.
     *
     * @param methods the {@code Allow} value, e.g. {@code GET, HEAD, OPTIONS}
     */
    public ErrorResponse allowing(Supplier<String> methods) {
        return new ErrorResponse(status, code, message, target, bearerError, requiredScope, methods, retryAfter,
                contentRange);
    }

    private static ErrorCode codeFor(int status) {
        return switch (status) {
            case 401 -> ErrorCode.UNAUTHORIZED;
            case 403 -> ErrorCode.FORBIDDEN;
            case 404 -> ErrorCode.NOT_FOUND;
            case 405 -> ErrorCode.METHOD_NOT_ALLOWED;
            case 406 -> ErrorCode.NOT_ACCEPTABLE;
            case 408 -> ErrorCode.REQUEST_TIMEOUT;
            case 409 -> ErrorCode.CONFLICT;
            case 412 -> ErrorCode.PRECONDITION_FAILED;
            case 413 -> ErrorCode.PAYLOAD_TOO_LARGE;
            case 415 -> ErrorCode.UNSUPPORTED_MEDIA_TYPE;
            case 416 -> ErrorCode.RANGE_NOT_SATISFIABLE;
            case 424 -> ErrorCode.FAILED_DEPENDENCY;
            case 429 -> ErrorCode.TOO_MANY_REQUESTS;
            case 501 -> ErrorCode.NOT_IMPLEMENTED;
            case 503 -> ErrorCode.SERVICE_UNAVAILABLE;
            default -> status >= 500 ? ErrorCode.INTERNAL_ERROR : ErrorCode.BAD_REQUEST;
        };
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public String message() {
        return message;
    }

    /** The request part the error is about, or null. */
    public String target() {
        return target;
    }

    /**
     * The headers of the answer, in the order they are written: every error says what its body is and in which
     * OData version; a 503 says when to try again, and so does a 429, when the caller's rate limit will admit the
     * request; a 401 challenges the client to authenticate (RFC 6750), saying {@code error="invalid_token"} only when
     * a token was presented and rejected, and a 400 for a token presented wrongly does so with
     * {@code error="invalid_request"}; a 403 for want of a scope says {@code error="insufficient_scope"} and names the
     * scope (RFC 6750 §3.1); a 405 names the methods the resource supports, when it was told them ({@link #allowing}).
     */
    public Map<String, String> headers() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", CONTENT_TYPE);
        headers.put("OData-Version", ODATA_VERSION);
        if (retryAfter != null) {
            headers.put("Retry-After", retryAfter);
        }
        if (contentRange != null) {
            headers.put("Content-Range", contentRange);
        }
        if (status == 401 || bearerError != null) {
            headers.put("WWW-Authenticate", challenge());
        }
        String methods = status == 405 && allow != null ? allow.get() : null;
        if (methods != null) {
            headers.put("Allow", methods);
        }
        return Collections.unmodifiableMap(headers);
    }

    private String challenge() {
        if (bearerError == null) {
            return CHALLENGE;
        }
        String challenge = CHALLENGE + ", error=\"" + bearerError + "\", error_description=\"" + quotable(message)
                + "\"";
        return requiredScope == null ? challenge : challenge + ", scope=\"" + quotable(requiredScope) + "\"";
    }

    /** RFC 6750 §3: error_description allows only %x20-21 / %x23-5B / %x5D-7E, i.e. no quote or backslash. */
    private static String quotable(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            out.append(c >= 0x20 && c <= 0x7e && c != '"' && c != '\\' ? c : '\'');
        }
        return out.toString();
    }

    /** The OData JSON error body. */
    public String json() {
        StringBuilder json = new StringBuilder(96).append("{\"error\":{\"code\":");
        Json.appendString(json, code);
        json.append(",\"message\":");
        Json.appendString(json, message);
        if (target != null) {
            json.append(",\"target\":");
            Json.appendString(json, target);
        }
        return json.append("}}").toString();
    }

    /** The body as it is sent. */
    public byte[] body() {
        return json().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Writes the answer to a servlet response that has not been committed yet, replacing whatever body it holds;
     * headers set before (the security headers, {@code Connection: close}) stay.
     */
    public void write(HttpServletResponse response) {
        try {
            response.resetBuffer();
            response.setStatus(status);
            headers().forEach(response::setHeader);
            byte[] body = body();
            response.setContentLength(body.length);
            response.getOutputStream().write(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String toString() {
        return status + " " + json();
    }
}
