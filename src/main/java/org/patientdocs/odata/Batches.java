package org.patientdocs.odata;

import java.util.function.Supplier;

import org.apache.olingo.server.api.OData;
import org.apache.olingo.server.api.ODataHandler;

/**
 * The two entry points of {@code $batch}, multipart (through Olingo) and JSON (ahead of Olingo), made with the one
 * {@link BatchRules} and the one {@link BatchExecution} both follow. Built once; thread-safe.
 */
public final class Batches {

    private final Services services;
    private final BatchRules rules;

    public Batches(Services services, OData odata) {
        this.services = services;
        this.rules = new BatchRules(services.config().batch(), services.config().query().maxNestingDepth(), odata,
                services.model().metadata().getEdm());
    }

    /**
     * The processor Olingo hands a multipart batch to.
     *
     * @param handlers a fresh handler with the processors of the calling request, for each operation
     */
    public MultipartBatchProcessor multipart(Supplier<ODataHandler> handlers) {
        return new MultipartBatchProcessor(rules, new BatchExecution(handlers, services.transactions(), rules));
    }

    /**
     * A JSON batch.
     *
     * @param handlers a fresh handler with the processors of the calling request, for each operation
     */
    public JsonBatch json(Supplier<ODataHandler> handlers) {
        return new JsonBatch(rules, new BatchExecution(handlers, services.transactions(), rules));
    }
}
