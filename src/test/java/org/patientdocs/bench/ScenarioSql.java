package org.patientdocs.bench;

import java.util.ArrayList;
import java.util.List;

import org.apache.olingo.server.api.OData;
import org.apache.olingo.server.api.uri.UriInfo;
import org.apache.olingo.server.core.uri.parser.Parser;
import org.patientdocs.odata.Model;
import org.patientdocs.odata.Services;
import org.patientdocs.odata.Target;
import org.patientdocs.query.CollectionQuery;
import org.patientdocs.query.ColumnMap;
import org.patientdocs.query.SqlFragment;

/**
 * The statements the service runs for a collection request, obtained from the service's own translator: the URL is
 * parsed by Olingo against the service's EDM, as the service does, and translated by {@link CollectionQuery}. For a
 * patient's documents this includes the patient's existence check; with a count (asked for, or always for a
 * patient's documents) the count statement.
 */
final class ScenarioSql {

    private final Model model;

    ScenarioSql(long maxUploadBytes) {
        this.model = Model.load(Services.PAGE_SIZE, maxUploadBytes);
    }

    /** @param relativeUrl a URL relative to the service root, query percent-encoded as sent */
    List<SqlFragment> statements(String relativeUrl) {
        UriInfo uri = parse(relativeUrl);
        Target target = Target.of(uri);
        ColumnMap.Table table = model.columns().table(target.set().getEntityType());
        List<SqlFragment> statements = new ArrayList<>();
        SqlFragment scope = null;
        if (target.patientScope() != null) {
            statements.add(SqlFragment.of("SELECT 1 FROM patient WHERE id = ?", target.patientScope()));
            scope = SqlFragment.of("patient_id = ?", target.patientScope());
        }
        int delivered = uri.getSkipTokenOption() == null ? 0 : Integer.parseInt(uri.getSkipTokenOption().getValue());
        Integer top = uri.getTopOption() == null ? null : uri.getTopOption().getValue();
        int skip = uri.getSkipOption() == null ? 0 : uri.getSkipOption().getValue();
        CollectionQuery query = CollectionQuery.translate(table, scope, new CollectionQuery.Options(
                uri.getFilterOption(), uri.getOrderByOption(), uri.getSelectOption(),
                top == null ? null : Math.max(0, top - delivered), skip + delivered), Services.PAGE_SIZE);
        statements.add(query.rows());
        boolean counted = uri.getCountOption() != null && uri.getCountOption().getValue();
        if (counted || target.patientScope() != null) {
            statements.add(query.count());
        }
        return statements;
    }

    private UriInfo parse(String relativeUrl) {
        int question = relativeUrl.indexOf('?');
        String path = question < 0 ? relativeUrl : relativeUrl.substring(0, question);
        String query = question < 0 ? null : relativeUrl.substring(question + 1);
        try {
            return new Parser(model.metadata().getEdm(), OData.newInstance()).parseUri(path, query, null,
                    "http://bench/");
        } catch (Exception e) {
            throw new IllegalArgumentException("cannot parse " + relativeUrl + ": " + e.getMessage(), e);
        }
    }
}
