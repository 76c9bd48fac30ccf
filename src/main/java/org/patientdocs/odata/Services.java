package org.patientdocs.odata;

import org.patientdocs.config.ServiceConfig;
import org.patientdocs.query.QueryService;
import org.patientdocs.storage.AuditTrail;
import org.patientdocs.storage.DocumentRecords;
import org.patientdocs.storage.DocumentStore;
import org.patientdocs.storage.PatientStore;
import org.patientdocs.storage.ResumableUploads;
import org.patientdocs.storage.Transactions;

/**
 * What the processors need, built once at start-up and shared by all requests; each part is named for what it gives.
 *
 * @param model           the EDM and the mapping of its properties to columns
 * @param queryService    every read of entities, for a caller
 * @param patientStore    writes of patient rows by key
 * @param documentRecords writes and keyed lookups of document rows (metadata only)
 * @param documentStore   a document's bytes together with its row: uploads, downloads, deletes
 * @param transactions    shared transactions for the change sets of a {@code $batch}, and for each change with its
 *                        audit event
 * @param auditTrail      where every access to PHI is recorded
 * @param config          the service's configuration
 * @param resumableUploads the resumable (tus) uploads not finished yet
 */
public record Services(Model model, QueryService queryService, PatientStore patientStore,
                       DocumentRecords documentRecords, DocumentStore documentStore, Transactions transactions,
                       AuditTrail auditTrail, ServiceConfig config, ResumableUploads resumableUploads) {
}
