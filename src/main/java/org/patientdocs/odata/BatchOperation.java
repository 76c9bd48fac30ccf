package org.patientdocs.odata;

import java.util.List;

import org.apache.olingo.server.api.ODataRequest;
import org.patientdocs.error.ServiceException;

/**
 * One request of a {@code $batch}, read from either format.
 *
 * @param id          its request identifier ({@code id} in JSON, {@code Content-ID} in multipart), or null
 * @param group       its atomicity group (a change set in multipart), or null when it runs alone
 * @param dependsOn   the identifiers and groups it depends on (JSON); null in multipart, where every request depends
 *                    on those before it
 * @param conditional whether it carries a condition ({@code if} in JSON), which the service does not evaluate
 * @param request     the request to run; its URL may still hold a {@code $<id>} reference
 * @param invalid     why it cannot run at all (a URL that is not one), or null
 */
record BatchOperation(String id, String group, List<String> dependsOn, boolean conditional, ODataRequest request,
                      ServiceException invalid) {

    /** A request of a multipart batch. */
    static BatchOperation multipart(String id, String changeSet, ODataRequest request) {
        return new BatchOperation(id, changeSet, null, false, request, null);
    }
}
