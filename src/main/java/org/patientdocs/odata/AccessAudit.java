package org.patientdocs.odata;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;

import org.apache.olingo.commons.api.edm.Edm;
import org.apache.olingo.commons.api.edm.EdmEntityType;
import org.apache.olingo.server.api.OData;
import org.apache.olingo.server.api.ODataRequest;
import org.apache.olingo.server.api.uri.UriInfo;
import org.apache.olingo.server.api.uri.UriInfoKind;
import org.apache.olingo.server.core.uri.parser.Parser;
import org.apache.olingo.server.core.uri.parser.UriParserException;
import org.apache.olingo.server.core.uri.validator.UriValidationException;
import org.patientdocs.auth.Caller;
import org.patientdocs.error.ServiceException;
import org.patientdocs.query.Aggregation;
import org.patientdocs.query.ColumnMap;
import org.patientdocs.query.Expanded;
import org.patientdocs.query.Page;
import org.patientdocs.query.Row;
import org.patientdocs.query.Target;
import org.patientdocs.storage.AuditEvent;
import org.patientdocs.storage.AuditEvent.Action;
import org.patientdocs.storage.AuditTrail;

/**
 * What one request records in the audit trail, for each of its operations (a {@code $batch} has several): the caller,
 * the request id and the client's address, with what each operation did. A read is queued for the audit trail as soon
 * as it knows what it answers, and its answer is held until {@link #awaitRecorded} has returned: the answer fails
 * (503) when the read cannot be recorded. A change is recorded in the transaction that makes it; a refusal (403, or
 * 404 for an entity that is missing or not the caller's) like a read, before the refusal is answered.
 * <p>
 * The ids recorded are those of every patient and document the answer holds, at every level of {@code $expand}
 * (a document's patient with it), or that the request changed or was refused, with those its path names.
 */
public final class AccessAudit {

    private static final OData ODATA = OData.newInstance();
    /** The property that names a document's patient, read for the audit trail even when not selected. */
    private static final String PATIENT_OF_DOCUMENT = "patient_id";
    private static final String KEY = "id";

    private final AuditTrail trail;
    private final Caller caller;
    private final String requestId;
    private final String clientAddress;
    /** Whether each read is awaited as it is recorded, as a batch's operations are (see {@link #eachAwaited}). */
    private final boolean eachAwaited;
    /** The reads queued and not yet known to be recorded. */
    private final Queue<AuditTrail.Receipt> unrecorded = new ConcurrentLinkedQueue<>();

    /**
     * @param requestId     the request's {@code X-Request-Id}
     * @param clientAddress where the request came from (the client a trusted proxy forwarded it for), or null
     */
    public AccessAudit(AuditTrail trail, Caller caller, String requestId, String clientAddress) {
        this(trail, caller, requestId, clientAddress, false);
    }

    private AccessAudit(AuditTrail trail, Caller caller, String requestId, String clientAddress,
                        boolean eachAwaited) {
        this.trail = trail;
        this.caller = caller;
        this.requestId = requestId;
        this.clientAddress = clientAddress;
        this.eachAwaited = eachAwaited;
    }

    /**
     * The same request's audit for the operations of a {@code $batch}, where each read is awaited as it is recorded:
     * a read that cannot be recorded fails its own operation (503), and the batch's other operations, changes among
     * them, keep their answers. (A batch's answer is written only once all of it is done: there is nothing to overlap.)
     */
    public AccessAudit eachAwaited() {
        return new AccessAudit(trail, caller, requestId, clientAddress, true);
    }

    Caller caller() {
        return caller;
    }

    /**
     * The properties a read must fetch beyond {@code alsoRead} so that its event can name every patient concerned:
     * a document's patient.
     */
    static Set<String> withAuditedProperties(Set<String> alsoRead, EdmEntityType type) {
        if (!type.getName().equals("Document") || alsoRead.contains(PATIENT_OF_DOCUMENT)) {
            return alsoRead;
        }
        Set<String> all = new LinkedHashSet<>(alsoRead);
        all.add(PATIENT_OF_DOCUMENT);
        return all;
    }

    /** A page of a collection, with everything expanded in it, about to be answered. */
    void list(ODataRequest request, Target target, Page page) {
        Ids ids = Ids.of(target);
        ids.addAll(page.rows());
        ids.addExpanded(page.expanded());
        record(Action.LIST, request, ids, 200);
    }

    /**
     * A page of an {@code $apply} result about to be answered: the number of its rows, and the patients and
     * documents whose keys it groups by ({@code groupby((Patient/id))}), the only ids its values can name.
     */
    void aggregated(ODataRequest request, Target target, Aggregation result) {
        Ids ids = Ids.of(target);
        ids.count = (long) result.rows().size();
        boolean documents = Model.DOCUMENTS.equals(target.set().getName());
        for (int i = 0; i < result.names().size(); i++) {
            String name = result.names().get(i);
            boolean patient = documents ? name.equals(PATIENT_OF_DOCUMENT) || name.equals("Patient/" + KEY)
                    : name.equals(KEY);
            boolean document = documents && name.equals(KEY);
            for (Row row : result.rows()) {
                Object value = row.value(i);
                if (value != null && patient) {
                    ids.patient(value.toString());
                } else if (value != null && document) {
                    ids.document(value.toString());
                }
            }
        }
        record(Action.LIST, request, ids, 200);
    }

    /** The number a {@code /$count} is about to answer. */
    void count(ODataRequest request, Target target, long count) {
        Ids ids = Ids.of(target);
        ids.count = count;
        record(Action.LIST, request, ids, 200);
    }

    /** One entity (or a property of it), with what is expanded in it, about to be answered with {@code status}. */
    void read(ODataRequest request, Target target, Row row, List<Expanded> expanded, int status) {
        Ids ids = Ids.of(target);
        ids.add(row);
        ids.addExpanded(expanded);
        record(Action.READ, request, ids, status);
    }

    /** A document's content (or, with {@code action} read, only its headers) about to be answered. */
    void download(ODataRequest request, Action action, String documentId, String patientId, int status) {
        Ids ids = new Ids();
        ids.patient(patientId);
        ids.document(documentId);
        ids.count = 1L;
        record(action, request, ids, status);
    }

    /**
     * A change to the entity {@code row} holds as it was before, recorded in the transaction open on this thread, to
     * commit with the change.
     */
    void changed(ODataRequest request, Action action, Target target, Row row, int status) {
        Ids ids = Ids.of(target);
        ids.add(row);
        recordWithChange(action, request, ids, status);
    }

    /**
     * An entity created (a patient, or with {@code documentId} a document of the patient), recorded in the
     * transaction open on this thread, to commit with it.
     */
    void created(ODataRequest request, Action action, Target target, String patientId, String documentId,
                 int status) {
        Ids ids = Ids.of(target);
        ids.patient(patientId);
        if (documentId != null) {
            ids.document(documentId);
        }
        ids.count = 1L;
        recordWithChange(action, request, ids, status);
    }

    /**
     * A document created from a resumable upload (tus), at {@code path} (outside OData), recorded in the transaction
     * open on this thread, to commit with it.
     */
    void uploaded(String path, String patientId, String documentId, int status) {
        Ids ids = new Ids();
        ids.patient(patientId);
        ids.document(documentId);
        ids.count = 1L;
        for (AuditEvent event : events(Action.UPLOAD, path, null, ids, status)) {
            trail.recordWithChange(event);
        }
    }

    /**
     * A refusal about to be answered: of the caller's scope (403), or of an entity missing or not the caller's (404).
     * The ids are those the request's path names.
     */
    void denied(ODataRequest request, Edm edm, int status) {
        Ids ids = new Ids();
        Target target = target(request, edm);
        if (target != null) {
            ids = Ids.of(target);
        }
        ids.count = null;
        record(Action.DENIED, request, ids, status);
    }

    /** What the request's path addresses, or null when it cannot tell (the path names no entity set). */
    private static Target target(ODataRequest request, Edm edm) {
        String path = request.getRawODataPath();
        if (path == null) {
            return null;
        }
        try {
            UriInfo uri = new Parser(edm, ODATA).parseUri(path, null, null, request.getRawBaseUri());
            return uri.getKind() == UriInfoKind.resource ? Target.of(uri) : null;
        } catch (UriParserException | UriValidationException | ServiceException e) {
            return null;
        }
    }

    /**
     * Returns once every read queued so far is recorded durably: before any of the answer is sent.
     *
     * @throws ServiceException.ServiceUnavailable when one cannot be: the answer must not be sent
     */
    public void awaitRecorded() {
        for (AuditTrail.Receipt receipt = unrecorded.peek(); receipt != null; receipt = unrecorded.peek()) {
            try {
                receipt.await();
            } catch (ServiceException e) {
                unrecorded.clear();
                throw e;
            }
            unrecorded.remove(receipt);
        }
    }

    /** Queues for the audit trail, in one event, or several when the answer names very many ids. */
    private void record(Action action, ODataRequest request, Ids ids, int status) {
        for (AuditEvent event : events(action, request, ids, status)) {
            unrecorded.add(trail.record(event));
        }
        if (eachAwaited) {
            awaitRecorded();
        }
    }

    /** Records in the transaction of the change. */
    private void recordWithChange(Action action, ODataRequest request, Ids ids, int status) {
        for (AuditEvent event : events(action, request, ids, status)) {
            trail.recordWithChange(event);
        }
    }

    /**
     * The event, or, when the ids are more than one event lists ({@link AuditEvent#MAX_IDS}), as many events as it
     * takes, each with its share of them and the same request, count and status.
     */
    private List<AuditEvent> events(Action action, ODataRequest request, Ids ids, int status) {
        return events(action, request.getRawODataPath() == null ? "" : request.getRawODataPath(),
                request.getRawQueryPath(), ids, status);
    }

    private List<AuditEvent> events(Action action, String path, String query, Ids ids, int status) {
        Instant at = Instant.now();
        List<String> patients = ids.patients();
        List<String> documents = ids.documents();
        List<AuditEvent> events = new ArrayList<>();
        for (int from = 0; from == 0 || from < Math.max(patients.size(), documents.size());
             from += AuditEvent.MAX_IDS) {
            events.add(new AuditEvent(caller.tenant(), at, caller.subject(), caller.apiKeyId(), action,
                    path.startsWith("/") ? path.substring(1) : path, query == null || query.isEmpty() ? null : query,
                    share(patients, from), share(documents, from), ids.count, status, requestId, clientAddress));
        }
        return events;
    }

    private static List<String> share(List<String> ids, int from) {
        return ids.subList(Math.min(from, ids.size()), Math.min(from + AuditEvent.MAX_IDS, ids.size()));
    }

    /**
     * The patients and documents an event names, each once, in the order met, and how many entities were met. The
     * ids are gathered in lists and made unique once at the end, and a page's own documents not at all (their keys
     * are unique): hashing every id of a 1,000-row page as it was met was most of the audit's cost on the request's
     * thread (JFR, audit benchmark).
     */
    private static final class Ids {
        private final List<String> patients = new ArrayList<>();
        private final List<String> documents = new ArrayList<>();
        /** Whether documents came from more than one place (path, page, expanded rows) and may repeat. */
        private boolean documentsMayRepeat;
        Long count;

        /** The ids the path names: the addressed entity's key and the key of the entity it is reached from. */
        static Ids of(Target target) {
            Ids ids = new Ids();
            for (Target step = target; step != null; step = step.parent()) {
                if (step.key() != null) {
                    ids.named(step.set().getName(), step.key());
                }
            }
            return ids;
        }

        private void named(String set, String key) {
            if (Model.PATIENTS.equals(set)) {
                patient(key);
            } else if (Model.DOCUMENTS.equals(set)) {
                document(key);
            }
        }

        void patient(String id) {
            patients.add(id);
        }

        void document(String id) {
            documentsMayRepeat |= !documents.isEmpty();
            documents.add(id);
        }

        void add(Row row) {
            addAll(List.of(row));
        }

        /**
         * The rows of one table (a page, or what one navigation expanded): their keys, and a document's patient,
         * each column found once for all of them.
         */
        void addAll(List<Row> rows) {
            count = count == null ? rows.size() : count + rows.size();
            if (rows.isEmpty()) {
                return;
            }
            ColumnMap.Table table = rows.get(0).table();
            switch (table.entityType().getName()) {
                case "Patient" -> rows.forEach(row -> patient((String) row.get(table.key())));
                case "Document" -> {
                    ColumnMap.Column patient = table.column(PATIENT_OF_DOCUMENT);
                    documentsMayRepeat |= !documents.isEmpty();
                    for (Row row : rows) {
                        documents.add((String) row.get(table.key()));
                        Object patientId = row.get(patient);
                        if (patientId != null) {
                            patients.add((String) patientId);
                        }
                    }
                }
                default -> {
                    // the audit trail itself: counted, its events name no patient or document of their own
                }
            }
        }

        void addExpanded(List<Expanded> expanded) {
            if (count == null) {
                count = 0L;
            }
            for (Expanded navigation : expanded) {
                for (Expanded.Inline inline : navigation.inline()) {
                    addAll(inline.rows());
                }
                addExpanded(navigation.nested());
            }
        }

        List<String> patients() {
            return unique(patients);
        }

        List<String> documents() {
            return documentsMayRepeat ? unique(documents) : documents;
        }

        private static List<String> unique(List<String> ids) {
            return ids.size() < 2 ? ids : new ArrayList<>(new LinkedHashSet<>(ids));
        }
    }
}
