package org.patientdocs.storage;

import org.patientdocs.error.ServiceException;

/**
 * Where the service records every access to PHI ({@link AuditEvent}). A read is recorded, durably, before its answer
 * is sent; a change in the transaction that makes it. {@link AuditLog} is the service's; tests and the benchmark may
 * wrap or replace it in their own process, never through configuration.
 */
public interface AuditTrail {

    /**
     * Records the event in a transaction of its own and returns once it is durable.
     *
     * @throws ServiceException.ServiceUnavailable when it cannot be written: the request must then fail rather than
     *                                             answer unaudited
     */
    void record(AuditEvent event);

    /**
     * Records the event in the transaction open on this thread ({@link Transactions}), written just before it commits:
     * the event and the change it describes commit together or not at all.
     *
     * @throws IllegalStateException when no transaction is open
     */
    void recordWithChange(AuditEvent event);
}
