package org.patientdocs.error;

/**
 * Stable, machine-readable error codes sent in the {@code code} member of the OData error body.
 * Clients may switch on them; their names never change once released.
 */
public enum ErrorCode {
    BAD_REQUEST,
    INVALID_KEY,
    INVALID_QUERY_OPTION,
    UNKNOWN_PROPERTY,
    INVALID_LITERAL,
    INVALID_SKIPTOKEN,
    INVALID_BODY,
    MISSING_FILE,
    UNSUPPORTED_FILE_TYPE,
    /** The content is not the declared type, or the file name's extension is not one of the content's type (400). */
    CONTENT_TYPE_MISMATCH,
    EMPTY_FILE,
    /** Content that starts as an accepted type but is not built as one, e.g. a PNG signature without IHDR (400). */
    MALFORMED_FILE,
    /** An archive (DOCX) beyond a configured limit: entries, unpacked size or compression ratio (400). */
    ARCHIVE_LIMIT_EXCEEDED,
    /** A document with macros (a VBA project, a macro-enabled content type) (400). */
    MACROS_NOT_ALLOWED,
    /** An upload whose {@code Repr-Digest}, {@code Content-Digest} or form field {@code digest} is wrong (400). */
    DIGEST_MISMATCH,
    /** An upload carrying digests only in algorithms the service does not compute: it has sha-256 only (400). */
    UNSUPPORTED_DIGEST_ALGORITHM,
    /** A file name the service does not store: empty, too long, with control or bidirectional characters (400). */
    INVALID_FILE_NAME,
    PROPERTY_NOT_WRITABLE,
    /** A body that binds or nests related entities the service cannot relate that way (400). */
    RELATIONSHIP_NOT_WRITABLE,
    /** A PUT or PATCH to a document that does not exist: documents are created by uploading their content (400). */
    UPSERT_NOT_SUPPORTED,
    METHOD_OVERRIDE_REFUSED,
    BATCH_TOO_MANY_OPERATIONS,
    BATCH_OPERATION_REFUSED,
    /** A batch request's {@code $<id>} reference to no earlier request it depends on, or to no usable value (400). */
    BATCH_INVALID_REFERENCE,
    /** A batch request not run because a request it depends on failed (424). */
    FAILED_DEPENDENCY,
    /** A request in an OData version the service cannot read or answer in, e.g. a JSON batch limited to 4.0 (400). */
    ODATA_VERSION_UNSUPPORTED,
    /**
     * A request that presents its bearer token in a form the service refuses: an {@code Authorization: Bearer}
     * header without exactly one token, or an {@code access_token} parameter (400, RFC 6750 {@code invalid_request}).
     */
    INVALID_AUTHORIZATION_REQUEST,
    UNAUTHORIZED,
    FORBIDDEN,
    /** The access token lacks the scope the request needs; the challenge names it (403). */
    INSUFFICIENT_SCOPE,
    NOT_FOUND,
    METHOD_NOT_ALLOWED,
    NOT_ACCEPTABLE,
    CONFLICT,
    PATIENT_HAS_DOCUMENTS,
    PRECONDITION_FAILED,
    PAYLOAD_TOO_LARGE,
    UNSUPPORTED_MEDIA_TYPE,
    /** A request body that arrived too slowly or stalled, or request headers that took too long (408). */
    REQUEST_TIMEOUT,
    /** A caller over its rate limit, per API key or per subject (429, with Retry-After). */
    TOO_MANY_REQUESTS,
    NOT_IMPLEMENTED,
    QUERY_FEATURE_UNSUPPORTED,
    SERVICE_UNAVAILABLE,
    INTERNAL_ERROR,
    /** A function of $filter/$orderby the service parses but does not evaluate (501). */
    FILTER_FUNCTION_UNSUPPORTED,
    /** A matchesPattern pattern that is not a well-formed regular expression (400). */
    INVALID_PATTERN,
    /** A query beyond a configured limit: $top, filter size, nesting or expand depth; the message names it (400). */
    QUERY_LIMIT_EXCEEDED,
    /** A query the database cannot evaluate over the data, e.g. an arithmetic overflow (400). */
    QUERY_NOT_EVALUABLE,
    /** A resumable (tus) upload request whose tus headers are missing or malformed, e.g. no Upload-Length (400). */
    INVALID_UPLOAD_HEADER,
    /** A tus PATCH whose Upload-Offset is not where the upload stands; HEAD tells where it does (409). */
    UPLOAD_OFFSET_MISMATCH,
    /** A tus PATCH whose Upload-Checksum does not match the bytes that arrived; they were discarded (460). */
    CHECKSUM_MISMATCH,
    /** A tus request in a protocol version the service does not speak; Tus-Version lists those it does (412). */
    TUS_VERSION_UNSUPPORTED,
    /** A {@code Range} none of whose ranges overlaps the document (416, with {@code Content-Range: bytes *}/size). */
    RANGE_NOT_SATISFIABLE
}
