package org.patientdocs.odata;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

import org.apache.olingo.server.api.uri.queryoption.AliasQueryOption;
import org.patientdocs.config.ServiceConfig;
import org.patientdocs.query.Dialect;
import org.patientdocs.query.QueryContext;
import org.patientdocs.storage.DocumentRecords;
import org.patientdocs.storage.DocumentStore;
import org.patientdocs.storage.EntityStore;
import org.patientdocs.storage.PatientStore;
import org.patientdocs.storage.Transactions;

/** What the processors need, built once at start-up and shared by all requests. */
public record Services(Model model, EntityStore entities, PatientStore patients, DocumentRecords documents,
                       DocumentStore content, Transactions transactions, ServiceConfig config) {

    /** The context one request's query options are translated in: this store's dialect, the aliases, its now(). */
    public QueryContext queryContext(List<AliasQueryOption> aliases) {
        return new QueryContext(Dialect.fromJdbcUrl(config.database().url()), model.columns(), aliases,
                OffsetDateTime.now(ZoneOffset.UTC));
    }
}
