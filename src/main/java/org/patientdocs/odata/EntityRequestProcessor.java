package org.patientdocs.odata;

import java.util.List;
import java.util.Set;

import org.apache.olingo.commons.api.data.ContextURL;
import org.apache.olingo.commons.api.data.Entity;
import org.apache.olingo.commons.api.edm.EdmEntitySet;
import org.apache.olingo.commons.api.edm.EdmEntityType;
import org.apache.olingo.commons.api.format.ContentType;
import org.apache.olingo.commons.api.http.HttpHeader;
import org.apache.olingo.commons.api.http.HttpMethod;
import org.apache.olingo.commons.api.http.HttpStatusCode;
import org.apache.olingo.server.api.OData;
import org.apache.olingo.server.api.ODataLibraryException;
import org.apache.olingo.server.api.ODataRequest;
import org.apache.olingo.server.api.ODataResponse;
import org.apache.olingo.server.api.deserializer.DeserializerException;
import org.apache.olingo.server.api.prefer.Preferences.Return;
import org.apache.olingo.server.api.prefer.PreferencesApplied;
import org.apache.olingo.server.api.processor.MediaEntityProcessor;
import org.apache.olingo.server.api.processor.ReferenceProcessor;
import org.apache.olingo.server.api.serializer.EntitySerializerOptions;
import org.apache.olingo.server.api.serializer.ReferenceSerializerOptions;
import org.apache.olingo.server.api.serializer.SerializerException;
import org.apache.olingo.server.api.uri.UriInfo;
import org.apache.olingo.server.api.uri.queryoption.ApplyOption;
import org.apache.olingo.server.api.uri.queryoption.ExpandOption;
import org.apache.olingo.server.api.uri.queryoption.SelectOption;
import org.apache.olingo.server.api.uri.queryoption.SystemQueryOption;
import org.apache.olingo.server.api.uri.queryoption.SystemQueryOptionKind;
import org.apache.olingo.server.core.uri.parser.Parser;
import org.patientdocs.error.ErrorCode;
import org.patientdocs.error.ServiceException;
import org.patientdocs.query.Expanded;
import org.patientdocs.query.Page;
import org.patientdocs.query.Row;
import org.patientdocs.query.Single;
import org.patientdocs.query.Target;
import org.patientdocs.storage.AuditEvent.Action;
import org.patientdocs.storage.DocumentRecord;
import org.patientdocs.url.QueryText;

/**
 * Every request on a single entity, media or not, and on its reference ({@code Documents('…')/Patient/$ref}): Olingo
 * hands all of them to one processor, so this class routes by entity set to {@link PatientRequests} and
 * {@link DocumentRequests} and does the shared serialisation.
 */
public final class EntityRequestProcessor extends CallerProcessor implements MediaEntityProcessor,
        ReferenceProcessor {

    /** Why no reference can be added, set or removed: the one relationship is fixed when a document is uploaded. */
    private static final String FIXED_RELATIONSHIP = "References cannot be added, set or removed ($ref): a document"
            + " belongs to the patient it was uploaded to, cannot move to another patient and cannot exist without"
            + " one; upload a document to its patient with POST Patients('{id}')/Documents";

    private final PatientRequests patients;
    private final DocumentRequests documents;

    /**
     * @param audit what this request records, for its authenticated caller (processors are made per request)
     * @param media how this request's download, if any, is sent
     */
    public EntityRequestProcessor(Services services, AccessAudit audit, MediaResponse media) {
        super(services, audit);
        this.patients = new PatientRequests(services);
        this.documents = new DocumentRequests(services, media);
    }

    @Override
    public void readEntity(ODataRequest request, ODataResponse response, UriInfo uriInfo, ContentType format)
            throws ODataLibraryException {
        Target target = Target.of(uriInfo);
        EdmEntityType type = target.set().getEntityType();
        ApplyOption compute = compute(request, target);
        boolean computes = compute != null || CollectionJson.computes(uriInfo.getExpandOption());
        if (computes) {
            CollectionJson.requireComputable(format, uriInfo.getExpandOption());
        }
        Single found = services.queryService().entity(caller, uriInfo,
                AccessAudit.withAuditedProperties(Entities.withMediaProperties(Set.of(), format, type), type),
                compute);
        String etag = ETags.of(found.row().version());
        response.setHeader(HttpHeader.ETAG, etag);
        if (!ETags.ifMatchAllows(request.getHeader(HttpHeader.IF_MATCH), etag)) {
            audit.read(request, target, found.row(), List.of(), HttpStatusCode.PRECONDITION_FAILED.getStatusCode());
            throw ETags.notMatched("the entity");
        }
        if (ETags.matchesAny(request.getHeader(HttpHeader.IF_NONE_MATCH), etag)) {
            audit.read(request, target, found.row(), List.of(), HttpStatusCode.NOT_MODIFIED.getStatusCode());
            response.setStatusCode(HttpStatusCode.NOT_MODIFIED.getStatusCode());
            return;
        }
        ExpandOption expand = uriInfo.getExpandOption();
        List<Expanded> expanded = expand == null ? List.of() : services.queryService().expand(caller, uriInfo,
                List.of(found.row()), services.config().query().maxPageSize());
        audit.read(request, target, found.row(), expanded, HttpStatusCode.OK.getStatusCode());
        Expansion expansion = new Expansion(odata, request, uriInfo.getAliases(), target.set(), expanded,
                expand == null ? null : expand.getText());
        if (computes || CollectionJson.writes(format, expand, uriInfo.getSelectOption(), type)) {
            // written directly, as a collection's page is (the same bytes as Olingo's, CollectionJsonTest), without
            // building Olingo's entity first; computed properties only this way, as Olingo writes declared ones only
            Page page = new Page(found.row().table(), found.selected(), List.of(found.row()), null, null, expanded,
                    found.computed());
            ContextURL context = ContextUrls.entity(odata, request, target.set(), expand, uriInfo.getSelectOption(),
                    page);
            response.setODataContent(CollectionJson.entity(format, type,
                    new CollectionJson.Answer(context, page, null, expansion)));
            response.setStatusCode(HttpStatusCode.OK.getStatusCode());
            response.setHeader(HttpHeader.CONTENT_TYPE, format.toContentTypeString());
            return;
        }
        Entity entity = Entities.fromRow(odata, target.set(), found.row(),
                Entities.withMediaProperties(found.selected(), format, type));
        expansion.attach(List.of(entity));
        writeEntity(request, response, target.set(), entity, format, uriInfo.getSelectOption(), expand,
                HttpStatusCode.OK);
    }

    /**
     * The request's {@code $compute}, which the parser takes on no single entity: {@code url.QueryText} hands it over
     * as a custom option, parsed here as the {@code $apply} of the entity's set (its parse errors answered as any
     * other's); null when the request computes nothing.
     */
    private ApplyOption compute(ODataRequest request, Target target) throws ODataLibraryException {
        String query = QueryText.entityComputation(request.getRawQueryPath());
        if (query == null) {
            return null;
        }
        return new Parser(metadata.getEdm(), odata).parseUri("/" + target.set().getName(), query, null,
                request.getRawBaseUri()).getApplyOption();
    }

    /**
     * The reference of the one entity a path addresses ({@code Documents('…')/Patient/$ref}): a read of its key,
     * audited like a read of the entity.
     */
    @Override
    public void readReference(ODataRequest request, ODataResponse response, UriInfo uriInfo, ContentType format)
            throws SerializerException {
        Target target = Target.of(uriInfo);
        EdmEntityType type = target.set().getEntityType();
        Single found = services.queryService().entity(caller, uriInfo, AccessAudit.withAuditedProperties(Set.of(),
                type));
        audit.read(request, target, found.row(), List.of(), HttpStatusCode.OK.getStatusCode());
        Entity entity = Entities.referenceFromRow(odata, target.set(), found.row());
        response.setContent(odata.createSerializer(format).reference(metadata, target.set(), entity,
                ReferenceSerializerOptions.with().contextURL(ContextUrls.references(request, false)).build())
                .getContent());
        response.setStatusCode(HttpStatusCode.OK.getStatusCode());
        response.setHeader(HttpHeader.CONTENT_TYPE, format.toContentTypeString());
    }

    @Override
    public void createReference(ODataRequest request, ODataResponse response, UriInfo uriInfo,
                                ContentType requestFormat) {
        refuseReferenceChange(uriInfo);
    }

    @Override
    public void updateReference(ODataRequest request, ODataResponse response, UriInfo uriInfo,
                                ContentType requestFormat) {
        refuseReferenceChange(uriInfo);
    }

    @Override
    public void deleteReference(ODataRequest request, ODataResponse response, UriInfo uriInfo) {
        refuseReferenceChange(uriInfo);
    }

    /**
     * Every change of a reference would move a document to another patient or leave it without one, which the model
     * forbids: 400 naming the rule, once the caller is known to hold the scope of changing documents and the entities
     * the path names exist for the caller (another tenant's are as missing as any other: 404).
     */
    private void refuseReferenceChange(UriInfo uriInfo) {
        Target target = Target.of(uriInfo);
        requireChangeable(target.set());
        if (target.navigation() == null) {
            throw new ServiceException.MethodNotAllowed("An entity's own reference cannot be changed; a relationship's"
                    + " $ref is addressed through it, e.g. Documents('{id}')/Patient/$ref");
        }
        caller.require(access(services.model().documents()).write());
        services.queryService().entityToChange(caller, target.key() == null ? target.parent() : target);
        throw new ServiceException.BadRequest(ErrorCode.RELATIONSHIP_NOT_WRITABLE, target.navigation().getName(),
                FIXED_RELATIONSHIP);
    }

    /** The changed entity with every property, as it is now. */
    private Entity changed(Target target) {
        return Entities.fromRow(odata, target.set(), services.queryService().entityToChange(caller, target));
    }

    @Override
    public void createEntity(ODataRequest request, ODataResponse response, UriInfo uriInfo, ContentType requestFormat,
                             ContentType responseFormat) throws DeserializerException, SerializerException {
        Target target = Target.of(uriInfo);
        requireChangeable(target.set());
        if (Model.isDocuments(target.set())) {
            throw new ServiceException.UnsupportedMediaType("Documents are created by uploading their content");
        }
        refuseReadOptions(request, uriInfo);
        caller.require(access(target.set()).write());
        int status = answersMinimally(preferredReturn(request), uriInfo) ? HttpStatusCode.NO_CONTENT.getStatusCode()
                : HttpStatusCode.CREATED.getStatusCode();
        Entity created = services.transactions().atomically(() -> {
            Entity patient = patients.create(odata, request, requestFormat, caller, null);
            audit.created(request, Action.CREATE, target, (String) patient.getProperty("id").getValue(), null,
                    status);
            return patient;
        });
        answerCreated(request, response, uriInfo, target.set(), created, responseFormat);
    }

    /**
     * A {@code PATCH} or {@code PUT} of one entity. One that does not exist in the caller's tenant is an upsert
     * (OData 4.01 Protocol 11.4.4): a patient is created with the key the URL names, as a {@code POST} would create
     * it, unless the request has an {@code If-Match} header (an update only: 412); a document cannot be, its content
     * comes with its upload (400).
     */
    @Override
    public void updateEntity(ODataRequest request, ODataResponse response, UriInfo uriInfo, ContentType requestFormat,
                             ContentType responseFormat) throws DeserializerException, SerializerException {
        Target target = Target.of(uriInfo);
        requireChangeable(target.set());
        requireEntity(target);
        refuseReadOptions(request, uriInfo);
        caller.require(access(target.set()).write());
        // the entity's other properties are shown only to a caller who may read them: 204 otherwise, which a change
        // may always answer (OData 4.01 Protocol 11.4.3), and without claiming a return=representation preference
        boolean shown = caller.may(access(target.set()).read());
        Return preferred = shown ? preferredReturn(request) : null;
        int status = !shown || answersMinimally(preferred, uriInfo) ? HttpStatusCode.NO_CONTENT.getStatusCode()
                : HttpStatusCode.OK.getStatusCode();
        int createdStatus = answersMinimally(preferredReturn(request), uriInfo)
                ? HttpStatusCode.NO_CONTENT.getStatusCode() : HttpStatusCode.CREATED.getStatusCode();
        Changed outcome = services.transactions().atomically(() -> {
            Row current = services.queryService().entityToChangeIfAny(caller, target).orElse(null);
            if (current == null) {
                return new Changed(upsert(request, requestFormat, target, createdStatus), true);
            }
            checkPreconditions(request, current);
            boolean replace = request.getMethod() == HttpMethod.PUT;
            if (Model.isDocuments(target.set())) {
                documents.update(odata, request, requestFormat, caller, current, replace);
            } else {
                patients.update(odata, request, requestFormat, caller, current, replace);
            }
            audit.changed(request, Action.UPDATE, target, current, status);
            return new Changed(changed(target), false);
        });
        if (outcome.created()) {
            answerCreated(request, response, uriInfo, target.set(), outcome.entity(), responseFormat);
            return;
        }
        Entity updated = outcome.entity();
        response.setHeader(HttpHeader.ETAG, updated.getETag());
        boolean minimal = !shown || answersMinimally(preferred, uriInfo);
        applied(response, preferred, minimal);
        if (minimal) {
            response.setStatusCode(HttpStatusCode.NO_CONTENT.getStatusCode());
            return;
        }
        writeEntity(request, response, target.set(), updated, responseFormat, null, HttpStatusCode.OK);
    }

    /** The entity a PATCH or PUT left, and whether it created it. */
    private record Changed(Entity entity, boolean created) {
    }

    /**
     * Creates the missing entity a PATCH or PUT addresses, where it may: see {@link #updateEntity}. A refusal is
     * recorded in the audit trail as one of a missing entity is (it may be another tenant's).
     */
    private Entity upsert(ODataRequest request, ContentType requestFormat, Target target, int status)
            throws DeserializerException {
        if (request.getHeader(HttpHeader.IF_MATCH) != null) {
            audit.denied(request, metadata.getEdm(), HttpStatusCode.PRECONDITION_FAILED.getStatusCode());
            throw new ServiceException.PreconditionFailed("The " + (Model.isDocuments(target.set()) ? "document"
                    : "patient") + " does not exist; with If-Match the request only updates, so nothing was created");
        }
        if (Model.isDocuments(target.set()) || target.parent() != null) {
            audit.denied(request, metadata.getEdm(), HttpStatusCode.BAD_REQUEST.getStatusCode());
            throw new ServiceException.BadRequest(ErrorCode.UPSERT_NOT_SUPPORTED, null, "The document does not exist,"
                    + " and a PUT or PATCH cannot create one (no upsert): a document's content comes with its upload,"
                    + " POST Patients('{id}')/Documents");
        }
        Entity patient = patients.create(odata, request, requestFormat, caller, target.key());
        audit.created(request, Action.CREATE, target, target.key(), null, status);
        return patient;
    }

    /**
     * A create or change takes {@code $select} and {@code $expand}, and answers them with 204 (OData 4.01 Protocol
     * 11.4.1.5); any other system query option is refused, naming it. Olingo's validator lets the others through
     * whenever {@code $select} or {@code $expand} follows them, and they would be ignored.
     */
    private static void refuseReadOptions(ODataRequest request, UriInfo uriInfo) {
        for (SystemQueryOption option : uriInfo.getSystemQueryOptions()) {
            if (option.getKind() != SystemQueryOptionKind.SELECT && option.getKind() != SystemQueryOptionKind.EXPAND) {
                // $compute reaches the parser as $apply (url.QueryText)
                String name = option.getKind() == SystemQueryOptionKind.APPLY ? "$apply / $compute" : option.getName();
                throw new ServiceException.BadRequest(ErrorCode.INVALID_QUERY_OPTION, name, "The system query option "
                        + name + " is not allowed on a " + request.getMethod() + ": a create or change takes only"
                        + " $select and $expand");
            }
        }
    }

    /**
     * Whether a create or change answers 204 without the entity: the client prefers {@code return=minimal}, or asks
     * for the answer shaped by $select or $expand. The service does not shape those answers, and a service that
     * cannot apply them "MUST return 204 No Content" rather than fail (OData 4.01 Protocol 11.4.1.5) or, as an
     * unshaped 200 would, pretend to have applied them.
     */
    private static boolean answersMinimally(Return preferred, UriInfo uriInfo) {
        return preferred == Return.MINIMAL || uriInfo.getSelectOption() != null || uriInfo.getExpandOption() != null;
    }

    @Override
    public void deleteEntity(ODataRequest request, ODataResponse response, UriInfo uriInfo) {
        Target target = Target.of(uriInfo);
        requireChangeable(target.set());
        requireEntity(target);
        caller.require(access(target.set()).delete());
        services.transactions().atomically(() -> {
            Row current = services.queryService().entityToChange(caller, target);
            checkPreconditions(request, current);
            if (Model.isDocuments(target.set())) {
                documents.delete(caller, target.key());
            } else {
                patients.delete(caller, target.key());
            }
            audit.changed(request, Action.DELETE, target, current, HttpStatusCode.NO_CONTENT.getStatusCode());
            return null;
        });
        response.setStatusCode(HttpStatusCode.NO_CONTENT.getStatusCode());
    }

    @Override
    public void readMediaEntity(ODataRequest request, ODataResponse response, UriInfo uriInfo, ContentType format) {
        documents.download(request, response, Target.of(uriInfo), audit);
    }

    @Override
    public void createMediaEntity(ODataRequest request, ODataResponse response, UriInfo uriInfo,
                                  ContentType requestFormat, ContentType responseFormat) throws SerializerException {
        Target target = Target.of(uriInfo);
        if (target.parent() == null) {
            throw new ServiceException.MethodNotAllowed(
                    "Upload a document to its patient: POST /Patients('{id}')/Documents");
        }
        refuseReadOptions(request, uriInfo);
        caller.require(access(target.set()).write());
        int status = answersMinimally(preferredReturn(request), uriInfo) ? HttpStatusCode.NO_CONTENT.getStatusCode()
                : HttpStatusCode.CREATED.getStatusCode();
        DocumentRequests.Upload upload = documents.upload(request, target.parent(), caller, stored -> audit.created(
                request, Action.UPLOAD, target, stored.patientId(), stored.id(), status));
        DocumentRecord record = upload.record();
        Entity entity = Entities.fromRow(odata, services.model().documents(),
                Entities.row(services.model().columns().table(services.model().documentType()), record));
        ContentType format = upload.fromForm() && !Negotiation.asksForMetadata(request)
                ? ContentType.JSON_NO_METADATA : responseFormat;
        answerCreated(request, response, uriInfo, services.model().documents(), entity, format);
    }

    @Override
    public void updateMediaEntity(ODataRequest request, ODataResponse response, UriInfo uriInfo,
                                  ContentType requestFormat, ContentType responseFormat) {
        throw new ServiceException.MethodNotAllowed(
                "A document's content cannot be replaced; upload a new document and delete the old one");
    }

    @Override
    public void deleteMediaEntity(ODataRequest request, ODataResponse response, UriInfo uriInfo) {
        throw new ServiceException.MethodNotAllowed("Delete the document itself, not its $value");
    }

    /**
     * The answer to every create, of a patient or a document (whichever form its upload took): {@code 201} with the
     * entity, or {@code 204} without it ({@link #answersMinimally}); both with the entity's URL in
     * {@code Location} (and in {@code OData-EntityId} when no body says which entity it is) and its ETag, and a
     * {@code return} preference confirmed in {@code Preference-Applied}.
     */
    private void answerCreated(ODataRequest request, ODataResponse response, UriInfo uriInfo, EdmEntitySet set,
                               Entity entity, ContentType format) throws SerializerException {
        String url = absoluteUrl(request, set, entity);
        response.setHeader(HttpHeader.LOCATION, url);
        response.setHeader(HttpHeader.ETAG, entity.getETag());
        Return preferred = preferredReturn(request);
        boolean minimal = answersMinimally(preferred, uriInfo);
        applied(response, preferred, minimal);
        if (minimal) {
            response.setHeader(HttpHeader.ODATA_ENTITY_ID, url);
            response.setStatusCode(HttpStatusCode.NO_CONTENT.getStatusCode());
            return;
        }
        writeEntity(request, response, set, entity, format, null, HttpStatusCode.CREATED);
    }

    /** The client's {@code return} preference, or null. */
    private Return preferredReturn(ODataRequest request) {
        return odata.createPreferences(request.getHeaders(HttpHeader.PREFER)).getReturn();
    }

    /**
     * Confirms a {@code return} preference in {@code Preference-Applied} when the answer is what it asked for: a
     * {@code return=representation} answered 204 (the request has {@code $select} or {@code $expand}, or the caller
     * may not read the entity) was not applied, and is not claimed.
     */
    private static void applied(ODataResponse response, Return preferred, boolean minimal) {
        if (preferred != null && (preferred == Return.MINIMAL) == minimal) {
            response.setHeader(HttpHeader.PREFERENCE_APPLIED,
                    PreferencesApplied.with().returnRepresentation(preferred).build().toValueString());
        }
    }

    /**
     * Refuses a change with 412, and nothing changes, unless its conditions hold for the entity as it is: an If-Match
     * header (if any) names its ETag, an If-None-Match header (if any) neither names it nor is {@code *}.
     */
    private static void checkPreconditions(ODataRequest request, Row current) {
        String etag = ETags.of(current.version());
        if (!ETags.ifMatchAllows(request.getHeader(HttpHeader.IF_MATCH), etag)) {
            throw new ServiceException.PreconditionFailed("If-Match names an older version of the entity; "
                    + "read it again and retry");
        }
        if (ETags.matchesAny(request.getHeader(HttpHeader.IF_NONE_MATCH), etag)) {
            throw new ServiceException.PreconditionFailed("If-None-Match names the entity's current version (or is *,"
                    + " and the entity exists); nothing was changed");
        }
    }

    private static void requireEntity(Target target) {
        if (target.key() == null) {
            throw new ServiceException.MethodNotAllowed("Address a single entity by its key");
        }
    }

    private void writeEntity(ODataRequest request, ODataResponse response, EdmEntitySet set, Entity entity,
                             ContentType format, SelectOption select, HttpStatusCode status)
            throws SerializerException {
        writeEntity(request, response, set, entity, format, select, null, status);
    }

    private void writeEntity(ODataRequest request, ODataResponse response, EdmEntitySet set, Entity entity,
                             ContentType format, SelectOption select, ExpandOption expand, HttpStatusCode status)
            throws SerializerException {
        ContextURL context = ContextUrls.entity(odata, request, set, expand, select);
        EntitySerializerOptions options = EntitySerializerOptions.with().contextURL(context).select(select)
                .expand(expand).build();
        Entities.describeMediaForXml(format, metadata.getEdm(), List.of(entity));
        response.setContent(odata.createSerializer(format)
                .entity(metadata, set.getEntityType(), entity, options).getContent());
        response.setStatusCode(status.getStatusCode());
        response.setHeader(HttpHeader.CONTENT_TYPE, format.toContentTypeString());
    }

    private String absoluteUrl(ODataRequest request, EdmEntitySet set, Entity entity) {
        return request.getRawBaseUri() + "/" + Entities.canonicalUrl(odata, set, entity);
    }
}
