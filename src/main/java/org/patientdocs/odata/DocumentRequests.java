package org.patientdocs.odata;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import io.micrometer.core.instrument.Metrics;
import org.apache.olingo.commons.api.data.Entity;
import org.apache.olingo.commons.api.data.Property;
import org.apache.olingo.commons.api.edm.EdmEntityType;
import org.apache.olingo.commons.api.format.ContentType;
import org.apache.olingo.commons.api.http.HttpHeader;
import org.apache.olingo.commons.api.http.HttpStatusCode;
import org.apache.olingo.server.api.OData;
import org.apache.olingo.server.api.ODataRequest;
import org.apache.olingo.server.api.ODataResponse;
import org.apache.olingo.server.api.deserializer.DeserializerException;
import org.apache.olingo.server.api.uri.UriResourceEntitySet;
import org.patientdocs.auth.Caller;
import org.patientdocs.error.ErrorResponse;
import org.patientdocs.error.ServiceException;
import org.patientdocs.query.Literals;
import org.patientdocs.query.Row;
import org.patientdocs.query.Target;
import org.patientdocs.storage.AuditEvent.Action;
import org.patientdocs.storage.ContentSniffer;
import org.patientdocs.storage.DocumentRecord;
import org.patientdocs.storage.DocumentRecords;
import org.patientdocs.storage.DocumentStore;
import org.patientdocs.storage.FileKind;
import org.patientdocs.storage.PendingContent;

/**
 * Uploads, downloads, label changes and deletes of documents. A document becomes visible only after its bytes are
 * durable and its row is committed; a failure at any step leaves neither a row without bytes nor reachable bytes
 * without a row.
 */
final class DocumentRequests {

    /** The properties a client may change; every other one is set by the service. */
    private static final Set<String> WRITABLE = Set.of("document_type", "description");
    /** A document's one relationship, which a body may name only as it is. */
    private static final String PATIENT = "Patient";
    private static final String RELATIONSHIPS = "a document belongs to the patient it was uploaded to and cannot"
            + " move to another";

    private final Services services;
    private final UploadReader uploads;
    private final ContentSniffer contents;
    private final MediaResponse media;

    DocumentRequests(Services services, MediaResponse media) {
        this.services = services;
        this.media = media;
        this.uploads = new UploadReader(services.config().upload().maxBytes());
        this.contents = new ContentSniffer(services.config().upload());
    }

    /** A stored upload, and whether it came as an HTML form (which answers in the spec's plain shape). */
    record Upload(DocumentRecord record, boolean fromForm) {
    }

    /**
     * @param patient the patient the document is uploaded to, found (in the caller's tenant) before any byte is read;
     *                uploading needs no scope reading patients
     * @param stored  what must commit with the document's row (its audit event), run in its transaction
     */
    Upload upload(ODataRequest request, Target patient, Caller caller, Consumer<DocumentRecord> stored) {
        // the patient's id from its row: a path may reach it without naming it (Documents('…')/Patient/Documents)
        String patientId = (String) services.queryService().entityToChange(caller, patient).get("id");
        try (UploadReader.Received received = counted(() -> uploads.read(request, services.documentStore()))) {
            return new Upload(create(caller, patientId, received, stored), received.fromForm());
        }
    }

    /**
     * Makes a received upload a document of the patient (found in the caller's tenant by the caller already), with
     * every check of its content, its file name and its labels: what the spec's multipart form, a raw body and the
     * last byte of a resumable upload have in common.
     *
     * @param stored what must commit with the document's row (its audit event), run in its transaction
     */
    DocumentRecord create(Caller caller, String patientId, UploadReader.Received received,
                          Consumer<DocumentRecord> stored) {
        return counted(() -> {
            DocumentStore store = services.documentStore();
            PendingContent pending = received.content();
            FileKind kind = contents.verify(received.declaredType(), pending);
            DocumentRecord record = new DocumentRecord(caller.tenant(), pending.documentId(), patientId,
                    FileNames.checked(received.fileName(), kind), kind.mimeType(), pending.size(),
                    received.documentType(), received.description(), caller.subject(),
                    Instant.now().truncatedTo(ChronoUnit.MILLIS), pending.sha256Hex());
            // outside the transaction, which holds a pooled connection from its start
            store.prepare(pending, record.id());
            AtomicBoolean begun = new AtomicBoolean();
            try {
                services.transactions().atomically(() -> {
                    begun.set(true);
                    store.create(pending, record);
                    stored.accept(record);
                    return null;
                });
            } catch (RuntimeException | Error e) {
                if (!begun.get()) {
                    // no row can refer to the prepared bytes; once create ran, it cleans up after itself
                    store.abandon(pending, record.id());
                }
                throw e;
            }
            return record;
        });
    }

    /** A step of an upload that may fail on I/O; a refusal is counted, by reason only. */
    private static <T> T counted(UploadStep<T> step) {
        try {
            return step.run();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ServiceException e) {
            // counted where the service has its metrics (server.ServiceMetrics), by reason only
            Metrics.counter("patientdocs.uploads.refused", "reason", e.code().name()).increment();
            throw e;
        }
    }

    @FunctionalInterface
    private interface UploadStep<T> {
        T run() throws IOException;
    }

    /**
     * Answers a document's content: whole (200), or the one range a {@code Range} asks for (206, {@link ByteRanges});
     * a HEAD the GET's headers, without opening the content (and without a range: RFC 9110 §14.2 defines ranges for
     * GET only). Every answer says {@code Accept-Ranges: bytes} and carries the document's digest ({@link Digests}).
     *
     * @param audit what the request records: a download, also of a range; a HEAD, a 412 (an If-Match that names
     *              other content) or a 416, which send no content, is recorded as a read
     */
    void download(ODataRequest request, ODataResponse response, Target target, AccessAudit audit) {
        DocumentRecord document = find(target, audit.caller());
        String etag = "\"" + document.contentSha256() + "\"";
        response.setHeader(HttpHeader.ETAG, etag);
        response.setHeader("Accept-Ranges", "bytes");
        if (!ETags.ifMatchAllows(request.getHeader(HttpHeader.IF_MATCH), etag)) {
            audit.download(request, Action.READ, document.id(), document.patientId(),
                    HttpStatusCode.PRECONDITION_FAILED.getStatusCode());
            throw ETags.notMatched("the document's content");
        }
        boolean unchanged = ETags.matchesAny(request.getHeader(HttpHeader.IF_NONE_MATCH), etag);
        ByteRanges.Slice slice;
        try {
            slice = unchanged || !media.sendsBody() ? null : ByteRanges.choose(request.getHeader(HttpHeader.RANGE),
                    request.getHeader("If-Range"), etag, document.fileSizeBytes());
        } catch (ServiceException.RangeNotSatisfiable e) {
            audit.download(request, Action.READ, document.id(), document.patientId(),
                    ErrorResponse.of(e).status());
            throw e;
        }
        int status = unchanged ? HttpStatusCode.NOT_MODIFIED.getStatusCode()
                : slice == null ? HttpStatusCode.OK.getStatusCode() : HttpStatusCode.PARTIAL_CONTENT.getStatusCode();
        audit.download(request, media.sendsBody() ? Action.DOWNLOAD : Action.READ, document.id(),
                document.patientId(), status);
        if (unchanged) {
            response.setStatusCode(status);
            return;
        }
        // opened before any header is set: if it fails, the error answer must not carry the document's headers
        InputStream bytes = null;
        if (media.sendsBody()) {
            try {
                bytes = slice == null ? services.documentStore().openContent(document)
                        : services.documentStore().openContent(document, slice.offset(), slice.length());
            } catch (IOException e) {
                throw new UncheckedIOException("document content missing", e);
            }
        }
        response.setStatusCode(status);
        response.setHeader(HttpHeader.CONTENT_TYPE, document.contentType());
        response.setHeader(HttpHeader.CONTENT_LENGTH,
                Long.toString(slice == null ? document.fileSizeBytes() : slice.length()));
        if (slice != null) {
            response.setHeader("Content-Range", slice.contentRange());
        }
        response.setHeader("Content-Disposition", FileNames.attachment(document.fileName()));
        String digest = Digests.field(document.contentSha256());
        if (Digests.wanted(request.getHeader("Want-Repr-Digest"))) {
            response.setHeader(Digests.REPR_DIGEST, digest);
        }
        if (slice == null && Digests.wanted(request.getHeader("Want-Content-Digest"))) {
            // the content is the representation: no content coding is applied
            response.setHeader(Digests.CONTENT_DIGEST, digest);
        }
        if (bytes != null) {
            media.send(response, bytes);
        }
    }

    /**
     * Changes the labels if the row is still as {@code current} (the document as the caller checked If-Match on).
     * The body may repeat the other properties, and bind the document to its own patient, as they are.
     */
    void update(OData odata, ODataRequest request, ContentType format, Caller caller, Row current, boolean replace)
            throws DeserializerException {
        EdmEntityType type = services.model().documentType();
        JsonBodies.Body body = JsonBodies.entity(odata, request, format, type, Set.of(PATIENT), RELATIONSHIPS);
        body.requireEtag(ETags.of(current.version()));
        body.requireUnchanged(type, WRITABLE, current);
        String patient = body.bindings().get(PATIENT);
        if (patient != null && !current.get("patient_id").equals(boundPatient(odata, request, patient))) {
            throw JsonBodies.relationship(PATIENT + "@odata.bind", "A document cannot move to another patient; "
                    + "upload it to that patient instead");
        }
        String id = (String) current.get("id");
        String documentType = labelOrCurrent(body.entity(), "document_type", replace,
                (String) current.get("document_type"));
        String description = labelOrCurrent(body.entity(), "description", replace,
                (String) current.get("description"));
        if (!services.documentRecords().updateLabels(caller.tenant(), id, documentType, description,
                current.version())) {
            throw services.documentRecords().exists(caller.tenant(), id) ? ETags.changedMeanwhile()
                    : new ServiceException.NotFound("The document does not exist");
        }
    }

    /** The id of the patient a {@code Patient@odata.bind} URL names, relative to the service root or absolute. */
    private String boundPatient(OData odata, ODataRequest request, String url) {
        String name = PATIENT + "@odata.bind";
        UriResourceEntitySet entity;
        try {
            entity = odata.createUriHelper().parseEntityId(services.model().metadata().getEdm(), url,
                    request.getRawBaseUri() + "/");
        } catch (DeserializerException e) {
            throw JsonBodies.relationship(name, name + " must name a patient, e.g. Patients('12345')");
        }
        if (!Model.PATIENTS.equals(entity.getEntitySet().getName())) {
            throw JsonBodies.relationship(name, name + " must name a patient, e.g. Patients('12345')");
        }
        return Literals.stringKey(entity.getKeyPredicates().get(0).getText());
    }

    /** Deletes the document the caller found, row and bytes. */
    void delete(Caller caller, String id) {
        if (!services.documentStore().delete(caller.tenant(), id)) {
            throw new ServiceException.NotFound("The document does not exist");
        }
    }

    /**
     * The addressed document as stored, its content's digest and data key included, read in one statement by the query
     * service: one reached through another patient's URL is as missing as one that never was.
     */
    private DocumentRecord find(Target target, Caller caller) {
        return DocumentRecords.of(caller.tenant(),
                services.queryService().entity(caller, target, DocumentRecords.STORED));
    }

    private static String labelOrCurrent(Entity body, String name, boolean replace, String current) {
        Property property = body.getProperty(name);
        if (property == null) {
            return replace ? null : current;
        }
        return UploadReader.label(name, property.getValue() == null ? null : property.getValue().toString());
    }
}
