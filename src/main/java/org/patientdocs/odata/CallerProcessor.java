package org.patientdocs.odata;

import org.patientdocs.auth.Caller;

/**
 * An Olingo processor that reads or changes entities for the authenticated caller of its one request (processors are
 * made per request): everything it reads goes through {@link Services#queryService()} with that caller.
 */
abstract class CallerProcessor extends OlingoProcessor {

    final Services services;
    final Caller caller;

    CallerProcessor(Services services, Caller caller) {
        this.services = services;
        this.caller = caller;
    }
}
