package org.patientdocs.odata;

import org.apache.olingo.commons.api.edm.EdmEntitySet;
import org.patientdocs.auth.Caller;
import org.patientdocs.query.ColumnMap;

/**
 * An Olingo processor that reads or changes entities for the authenticated caller of its one request (processors are
 * made per request): everything it reads goes through {@link Services#queryService()} with that caller, which also
 * checks the caller's scope for reading each entity set read; a change checks the scope of the change first, before
 * anything is read or changed.
 */
abstract class CallerProcessor extends OlingoProcessor {

    final Services services;
    final Caller caller;

    CallerProcessor(Services services, Caller caller) {
        this.services = services;
        this.caller = caller;
    }

    /** The scopes reading, changing and deleting the entity set's entities need. */
    ColumnMap.Access access(EdmEntitySet set) {
        return services.model().columns().table(set.getEntityType()).access();
    }
}
