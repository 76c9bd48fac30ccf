package org.patientdocs.odata;

import org.apache.olingo.commons.api.edm.EdmEntitySet;
import org.patientdocs.auth.Caller;
import org.patientdocs.error.ServiceException;
import org.patientdocs.query.ColumnMap;

/**
 * An Olingo processor that reads or changes entities for the authenticated caller of its one request (processors are
 * made per request): everything it reads goes through {@link Services#queryService()} with that caller, which also
 * checks the caller's scope for reading each entity set read; a change checks the scope of the change first, before
 * anything is read or changed. What it reads or changes is recorded in the audit trail ({@link AccessAudit}).
 */
abstract class CallerProcessor extends OlingoProcessor {

    final Services services;
    final Caller caller;
    final AccessAudit audit;

    CallerProcessor(Services services, AccessAudit audit) {
        this.services = services;
        this.caller = audit.caller();
        this.audit = audit;
    }

    /** The audit trail is never changed through the service: 405, whatever the caller may do. */
    static void requireChangeable(EdmEntitySet set) {
        if (Model.isAuditEvents(set)) {
            throw new ServiceException.MethodNotAllowed("The audit trail is read-only: its events are never created,"
                    + " changed or deleted through the service");
        }
    }

    /** The scopes reading, changing and deleting the entity set's entities need. */
    ColumnMap.Access access(EdmEntitySet set) {
        return services.model().columns().table(set.getEntityType()).access();
    }
}
