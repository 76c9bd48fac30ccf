package org.patientdocs.storage;

import org.patientdocs.error.ServiceException;

/**
 * Where the service records every access to PHI ({@link AuditEvent}). A read is recorded, durably, before its answer
 * is sent; a change in the transaction that makes it. {@link AuditLog} is the service's; tests and the benchmark may
 * wrap or replace it in their own process, never through configuration.
 */
public interface AuditTrail {

    /**
     * Records the event apart from any transaction (in a journal, moved into the table with other requests' events).
     * Nothing of the answer it describes may be sent before the receipt's {@link Receipt#await} has returned.
     */
    Receipt record(AuditEvent event);

    /**
     * Records the event in the transaction open on this thread ({@link Transactions}), written just before it commits:
     * the event and the change it describes commit together or not at all.
     *
     * @throws IllegalStateException when no transaction is open
     */
    void recordWithChange(AuditEvent event);

    /**
     * Returns once every event recorded before is in the audit table, where it can be read: called before the trail
     * itself is read.
     *
     * @throws ServiceException.ServiceUnavailable when they cannot be written
     */
    void awaitWritten();

    /** An event queued by {@link #record}. */
    @FunctionalInterface
    interface Receipt {

        /** Already recorded, or nothing to record. */
        Receipt RECORDED = () -> { };

        /**
         * Returns once the event is durable.
         *
         * @throws ServiceException.ServiceUnavailable when it cannot be written: the request must then fail rather
         *                                             than answer unaudited
         */
        void await();
    }
}
