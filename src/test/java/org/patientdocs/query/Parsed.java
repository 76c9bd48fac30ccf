package org.patientdocs.query;

import java.util.EnumSet;
import java.time.OffsetDateTime;
import java.util.Set;

import org.apache.olingo.server.api.OData;
import org.apache.olingo.server.api.ServiceMetadata;
import org.apache.olingo.server.api.uri.UriInfo;
import org.apache.olingo.server.core.uri.parser.Parser;
import org.patientdocs.auth.Caller;
import org.patientdocs.auth.Scope;
import org.patientdocs.odata.EdmLoader;
import org.patientdocs.odata.Model;
import org.patientdocs.url.QueryText;

/** Real URIs parsed against the real EDM, and the translation of their options, for the translator's unit tests. */
final class Parsed {

    static final ServiceMetadata METADATA = EdmLoader.load();
    static final ColumnMap COLUMNS = ColumnMap.fromEdm(METADATA.getEdm(), EdmLoader.NAMESPACE, Model.TABLES);
    static final OffsetDateTime NOW = OffsetDateTime.parse("2026-03-01T12:00:00Z");
    /** The tenant of {@link #CALLER}, bound as the first parameter of every WHERE. */
    static final String TENANT = "clinic-7";
    static final Caller CALLER = new Caller("user-456", TENANT, "test-key", EnumSet.allOf(Scope.class));

    private Parsed() {
    }

    static UriInfo parse(String path, String query) {
        try {
            return new Parser(METADATA.getEdm(), OData.newInstance())
                    .parseUri(path, QueryText.prepare(query, 32), null, "http://h/");
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    static ColumnMap.Table table(String set) {
        return COLUMNS.table(METADATA.getEdm().getEntityContainer().getEntitySet(set).getEntityType());
    }

    static QueryContext context(Dialect dialect, UriInfo uri) {
        return context(dialect, uri, Indexes.NONE);
    }

    static QueryContext context(Dialect dialect, UriInfo uri, Indexes indexes) {
        return new QueryContext(dialect, COLUMNS, indexes, CALLER, uri.getAliases(), NOW,
                QueryService.BeforeReading.NOTHING);
    }

    /** The WHERE condition of {@code $filter} over the set, on H2. */
    static SqlFragment filter(String set, String filter) {
        return filter(Dialect.H2, set, filter);
    }

    static SqlFragment filter(Dialect dialect, String set, String filter) {
        UriInfo uri = parse(set, "$filter=" + filter.replace("%", "%25").replace("&", "%26").replace("+", "%2B"));
        Block block = new Block(context(dialect, uri), table(set));
        return new FilterTranslator(block, "$filter").condition(uri.getFilterOption().getExpression());
    }

    static CollectionQuery collection(String set, String query) {
        return collection(set, query, Indexes.NONE);
    }

    /** A collection request over H2 with the given indexes to name. */
    static CollectionQuery collection(String set, String query, Indexes indexes) {
        UriInfo uri = parse(set, query);
        return CollectionQuery.of(context(Dialect.H2, uri, indexes), Target.of(uri), CollectionQuery.Options.of(uri),
                Set.of());
    }
}
