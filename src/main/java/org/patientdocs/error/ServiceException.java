package org.patientdocs.error;

/**
 * The one unchecked root of every error the service reports to a client. The throw site picks the meaning
 * (a subclass) and an {@link ErrorCode}; only {@link ErrorResponse} turns it into a status, headers and a body.
 * Messages are shown to the client, so they must never contain SQL, file paths or stack traces.
 */
public abstract class ServiceException extends RuntimeException {

    private final ErrorCode code;
    private final String target;

    protected ServiceException(ErrorCode code, String target, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
        this.target = target;
    }

    public ErrorCode code() {
        return code;
    }

    /** The request part the error is about ({@code $filter}, a property name, a form field), or null. */
    public String target() {
        return target;
    }

    public static final class BadRequest extends ServiceException {
        public BadRequest(ErrorCode code, String target, String message) {
            super(code, target, message, null);
        }

        public BadRequest(ErrorCode code, String target, String message, Throwable cause) {
            super(code, target, message, cause);
        }
    }

    /** Credentials missing or not accepted; {@link #tokenRejected} when a bearer token was presented and refused. */
    public static final class Unauthorized extends ServiceException {
        private final boolean tokenRejected;

        public Unauthorized(String message) {
            this(message, false);
        }

        private Unauthorized(String message, boolean tokenRejected) {
            super(ErrorCode.UNAUTHORIZED, null, message, null);
            this.tokenRejected = tokenRejected;
        }

        /** The bearer token the request presented is not valid (expired, not signed by a trusted key, …). */
        public static Unauthorized invalidToken(String message) {
            return new Unauthorized(message, true);
        }

        public boolean tokenRejected() {
            return tokenRejected;
        }
    }

    /**
     * The caller may not do this; {@link #insufficientScope} when its access token lacks the scope the request needs
     * (RFC 6750 §3.1).
     */
    public static final class Forbidden extends ServiceException {
        private final String scope;

        public Forbidden(String message) {
            this(ErrorCode.FORBIDDEN, message, null);
        }

        private Forbidden(ErrorCode code, String message, String scope) {
            super(code, null, message, null);
            this.scope = scope;
        }

        /** @param scope the name of the scope the request needs, as tokens carry it */
        public static Forbidden insufficientScope(String scope, String message) {
            return new Forbidden(ErrorCode.INSUFFICIENT_SCOPE, message, scope);
        }

        /** The scope the request needs, or null when a scope would not help. */
        public String scope() {
            return scope;
        }
    }

    public static final class NotFound extends ServiceException {
        public NotFound(String message) {
            super(ErrorCode.NOT_FOUND, null, message, null);
        }
    }

    public static final class MethodNotAllowed extends ServiceException {
        public MethodNotAllowed(String message) {
            super(ErrorCode.METHOD_NOT_ALLOWED, null, message, null);
        }
    }

    public static final class NotAcceptable extends ServiceException {
        public NotAcceptable(String message) {
            super(ErrorCode.NOT_ACCEPTABLE, null, message, null);
        }
    }

    public static final class Conflict extends ServiceException {
        public Conflict(ErrorCode code, String message) {
            super(code, null, message, null);
        }
    }

    public static final class PreconditionFailed extends ServiceException {
        public PreconditionFailed(String message) {
            this(ErrorCode.PRECONDITION_FAILED, message);
        }

        public PreconditionFailed(ErrorCode code, String message) {
            super(code, null, message, null);
        }
    }

    /** Bytes that do not match the checksum the client sent with them (tus checksum extension: 460). */
    public static final class ChecksumMismatch extends ServiceException {
        public ChecksumMismatch(String message) {
            super(ErrorCode.CHECKSUM_MISMATCH, null, message, null);
        }
    }

    /** A request of a {@code $batch} not run because one it depends on failed (or a dependency it cannot honour). */
    public static final class FailedDependency extends ServiceException {
        public FailedDependency(String target, String message) {
            super(ErrorCode.FAILED_DEPENDENCY, target, message, null);
        }
    }

    /** The request did not arrive in time: its body too slowly or not at all, or its headers too slowly. */
    public static final class RequestTimeout extends ServiceException {
        public RequestTimeout(String message, Throwable cause) {
            super(ErrorCode.REQUEST_TIMEOUT, null, message, cause);
        }
    }

    public static final class PayloadTooLarge extends ServiceException {
        public PayloadTooLarge(String target, String message) {
            super(ErrorCode.PAYLOAD_TOO_LARGE, target, message, null);
        }
    }

    public static final class UnsupportedMediaType extends ServiceException {
        public UnsupportedMediaType(String message) {
            super(ErrorCode.UNSUPPORTED_MEDIA_TYPE, null, message, null);
        }
    }

    /** A download's {@code Range} none of whose ranges is within the document of {@link #size()} bytes. */
    public static final class RangeNotSatisfiable extends ServiceException {
        private final long size;

        public RangeNotSatisfiable(String message, long size) {
            super(ErrorCode.RANGE_NOT_SATISFIABLE, "Range", message, null);
            this.size = size;
        }

        public long size() {
            return size;
        }
    }

    /** The caller is over a rate limit; it may try again after {@link #retryAfterSeconds()}. */
    public static final class TooManyRequests extends ServiceException {
        private final long retryAfterSeconds;

        /** @param retryAfterSeconds when the request would be admitted, in whole seconds, at least 1 */
        public TooManyRequests(String message, long retryAfterSeconds) {
            super(ErrorCode.TOO_MANY_REQUESTS, null, message, null);
            this.retryAfterSeconds = Math.max(1, retryAfterSeconds);
        }

        public long retryAfterSeconds() {
            return retryAfterSeconds;
        }
    }

    public static final class NotImplemented extends ServiceException {
        public NotImplemented(ErrorCode code, String target, String message) {
            super(code, target, message, null);
        }
    }

    public static final class ServiceUnavailable extends ServiceException {
        public ServiceUnavailable(String message, Throwable cause) {
            super(ErrorCode.SERVICE_UNAVAILABLE, null, message, cause);
        }
    }
}
