package org.patientdocs.error;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import jakarta.servlet.http.HttpServletResponse;

/**
 * The only place that knows HTTP status codes and the OData JSON error body
 * ({@code {"error":{"code":…,"message":…,"target":…}}}).
 */
public final class ErrorMapper {

    public static final String ERROR_CONTENT_TYPE = "application/json;odata.metadata=minimal";

    private ErrorMapper() {
    }

    /** An error as it leaves the service. */
    public record ErrorBody(int status, String code, String message, String target) {

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
    }

    private static final Map<Class<? extends ServiceException>, Integer> STATUS = Map.ofEntries(
            Map.entry(ServiceException.BadRequest.class, 400),
            Map.entry(ServiceException.Unauthorized.class, 401),
            Map.entry(ServiceException.Forbidden.class, 403),
            Map.entry(ServiceException.NotFound.class, 404),
            Map.entry(ServiceException.MethodNotAllowed.class, 405),
            Map.entry(ServiceException.NotAcceptable.class, 406),
            Map.entry(ServiceException.Conflict.class, 409),
            Map.entry(ServiceException.PreconditionFailed.class, 412),
            Map.entry(ServiceException.PayloadTooLarge.class, 413),
            Map.entry(ServiceException.UnsupportedMediaType.class, 415),
            Map.entry(ServiceException.FailedDependency.class, 424),
            Map.entry(ServiceException.NotImplemented.class, 501),
            Map.entry(ServiceException.ServiceUnavailable.class, 503));

    public static int status(ServiceException e) {
        return STATUS.getOrDefault(e.getClass(), 500);
    }

    public static ErrorBody map(ServiceException e) {
        return new ErrorBody(status(e), e.code().name(), e.getMessage(), e.target());
    }

    /** The body for an unexpected failure: a generic message that names the request id, nothing else. */
    public static ErrorBody internal(String requestId) {
        return new ErrorBody(500, ErrorCode.INTERNAL_ERROR.name(),
                "An unexpected error occurred; quote request id " + requestId + " when reporting it.", null);
    }

    /** An error decided by the protocol layer (Olingo or Jetty) with only a status and a client-safe message. */
    public static ErrorBody ofStatus(int status, String message) {
        return new ErrorBody(status, codeFor(status).name(), message, null);
    }

    public static ErrorCode codeFor(int status) {
        return switch (status) {
            case 401 -> ErrorCode.UNAUTHORIZED;
            case 403 -> ErrorCode.FORBIDDEN;
            case 404 -> ErrorCode.NOT_FOUND;
            case 405 -> ErrorCode.METHOD_NOT_ALLOWED;
            case 406 -> ErrorCode.NOT_ACCEPTABLE;
            case 409 -> ErrorCode.CONFLICT;
            case 412 -> ErrorCode.PRECONDITION_FAILED;
            case 413 -> ErrorCode.PAYLOAD_TOO_LARGE;
            case 415 -> ErrorCode.UNSUPPORTED_MEDIA_TYPE;
            case 424 -> ErrorCode.FAILED_DEPENDENCY;
            case 501 -> ErrorCode.NOT_IMPLEMENTED;
            case 503 -> ErrorCode.SERVICE_UNAVAILABLE;
            default -> status >= 500 ? ErrorCode.INTERNAL_ERROR : ErrorCode.BAD_REQUEST;
        };
    }

    /** Writes the error to a servlet response that has not been committed yet. */
    public static void write(HttpServletResponse response, ErrorBody error) {
        try {
            response.resetBuffer();
            response.setStatus(error.status());
            response.setContentType(ERROR_CONTENT_TYPE);
            response.setHeader("OData-Version", "4.0");
            byte[] body = error.json().getBytes(StandardCharsets.UTF_8);
            response.setContentLength(body.length);
            response.getOutputStream().write(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
