package org.patientdocs.storage;

import org.patientdocs.error.ServiceException;

/**
 * Where the service records every access to PHI ({@link AuditEvent}). A read is recorded, durably, before its answer
 * is sent; a change in the transaction that makes it. {@link AuditLog} is the service's; tests and the benchmark may
 * wrap or replace it in their own process, never through configuration.
 */
public interface AuditTrail {

    /**
     * Queues the event to be recorded in a transaction of its own (shared with other requests' events). Nothing of
     * the answer it describes may be sent before the receipt's {@link Receipt#await} has returned.
     */
    Receipt record(AuditEvent event);

    /**
     * Records the event in the transaction open on this thread ({@link Transactions}), written just before it commits:
     * the event and the change it describes commit together or not at all.
     *
     * @throws IllegalStateException when no transaction is open
     */
    void recordWithChange(AuditEvent event);

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
