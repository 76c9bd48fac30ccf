package org.patientdocs.odata;

import java.util.List;
import java.util.Set;

import org.apache.olingo.server.api.uri.queryoption.SelectOption;
import org.patientdocs.error.ServiceException;
import org.patientdocs.query.EntityQuery;
import org.patientdocs.query.Row;
import org.patientdocs.query.Target;

/** Reads the one entity a resource path addresses, or answers 404. */
final class EntityReader {

    private final Services services;

    EntityReader(Services services) {
        this.services = services;
    }

    /** The addressed entity's row, with the selected properties, the required ones and its version. */
    Row row(Target target, SelectOption select, Set<String> required) {
        EntityQuery query = EntityQuery.of(services.queryContext(null), target, select, required);
        List<Row> rows = services.entities().rows(query.sql(), query.layout());
        if (rows.isEmpty()) {
            throw new ServiceException.NotFound(Model.isDocuments(target.set())
                    ? "The document does not exist" : "The patient does not exist");
        }
        return rows.get(0);
    }
}
