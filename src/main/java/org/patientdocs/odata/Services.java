package org.patientdocs.odata;

import org.patientdocs.config.ServiceConfig;
import org.patientdocs.query.QueryService;
import org.patientdocs.storage.DocumentRecords;
import org.patientdocs.storage.DocumentStore;
import org.patientdocs.storage.PatientStore;
import org.patientdocs.storage.Transactions;

/** What the processors need, built once at start-up and shared by all requests. */
public record Services(Model model, QueryService queries, PatientStore patients, DocumentRecords documents,
                       DocumentStore content, Transactions transactions, ServiceConfig config) {
}
