package org.patientdocs.odata;

import org.apache.olingo.commons.api.edm.EdmEntitySet;
import org.patientdocs.auth.Caller;
import org.patientdocs.auth.Scope;
import org.patientdocs.error.ServiceException;

/**
 * An Olingo processor that reads or changes entities for the authenticated caller of its one request (processors are
 * made per request): everything it reads goes through {@link Services#queryService()} with that caller, and what it
 * reads or changes is recorded in the audit trail ({@link AccessAudit}).
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

    /** The audit trail is read with the scope {@code audit.read} only. */
    void requireMayRead(EdmEntitySet set) {
        if (Model.isAuditEvents(set) && !caller.may(Scope.AUDIT_READ)) {
            throw new ServiceException.Forbidden("Reading the audit trail needs the scope "
                    + Scope.AUDIT_READ.defaultName());
        }
    }

    /** The audit trail is never changed through the service: 405, whatever the caller may do. */
    static void requireChangeable(EdmEntitySet set) {
        if (Model.isAuditEvents(set)) {
            throw new ServiceException.MethodNotAllowed("The audit trail is read-only: its events are never created,"
                    + " changed or deleted through the service");
        }
    }
}
