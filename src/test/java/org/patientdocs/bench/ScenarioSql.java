package org.patientdocs.bench;

import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.apache.olingo.server.api.OData;
import org.apache.olingo.server.api.uri.UriInfo;
import org.apache.olingo.server.api.uri.UriResource;
import org.apache.olingo.server.api.uri.UriResourceNavigation;
import org.apache.olingo.server.api.uri.queryoption.ExpandItem;
import org.apache.olingo.server.core.uri.parser.Parser;
import org.patientdocs.config.ServiceConfig;
import org.patientdocs.odata.Model;
import org.patientdocs.query.CollectionQuery;
import org.patientdocs.query.ColumnMap;
import org.patientdocs.query.Dialect;
import org.patientdocs.query.ExpandQuery;
import org.patientdocs.query.Keyset;
import org.patientdocs.query.QueryContext;
import org.patientdocs.query.SqlFragment;
import org.patientdocs.query.Target;

/**
 * The statements the service runs for a collection request, obtained from the service's own translator as the
 * collection processor drives it: the URL is parsed by Olingo against the service's EDM, the page comes from
 * {@link CollectionQuery} (continuing after the position of a {@code $skiptoken}, decoded by {@link Keyset}), the
 * count with it when asked for (always for a patient's documents, after the patient's existence check), and one
 * {@link ExpandQuery} per expanded navigation, bound to the parents the page returns. Handles the shapes the
 * benchmark sends: collections, scoped to a patient or not, with one level of {@code $expand}.
 */
final class ScenarioSql {

    private final Model model;
    private final ServiceConfig config;
    private final JdbcFloor jdbc;

    /** @param jdbc runs a page once to learn the parents an expansion is bound to */
    ScenarioSql(ServiceConfig config, JdbcFloor jdbc) {
        this.model = Model.load(config.query().maxPageSize(), config.upload().maxBytes());
        this.config = config;
        this.jdbc = jdbc;
    }

    /** @param relativeUrl a URL relative to the service root, query percent-encoded as sent */
    List<SqlFragment> statements(String relativeUrl) throws SQLException {
        UriInfo uri = parse(relativeUrl);
        Target target = Target.of(uri);
        ColumnMap.Table table = model.columns().table(target.set().getEntityType());
        QueryContext context = new QueryContext(Dialect.fromJdbcUrl(config.database().url()), model.columns(),
                uri.getAliases(), OffsetDateTime.now(ZoneOffset.UTC));
        List<SqlFragment> statements = new ArrayList<>();
        if (target.parent() != null) {
            statements.add(SqlFragment.of("SELECT 1 FROM patient WHERE id = ?", target.parent().key()));
        }
        List<ExpandItem> expands = uri.getExpandOption() == null ? List.of() : uri.getExpandOption().getExpandItems();
        Set<String> required = new LinkedHashSet<>();
        for (ExpandItem item : expands) {
            required.add(table.columnNamed(navigation(table, item).sourceColumn()).property());
        }
        CollectionQuery query = CollectionQuery.of(context, target, CollectionQuery.Options.of(uri), required);
        String token = uri.getSkipTokenOption() == null ? null : uri.getSkipTokenOption().getValue();
        Keyset.Position position = token == null ? null : Keyset.decode(token, fingerprintOf(token), query.keys());
        int pageSize = config.query().maxPageSize();
        CollectionQuery.Page page = query.page(pageSize, position);
        statements.add(page.rows());
        boolean counted = uri.getCountOption() != null && uri.getCountOption().getValue();
        if (counted || target.parent() != null) {
            statements.add(query.count());
        }
        for (ExpandItem item : expands) {
            ColumnMap.Navigation navigation = navigation(table, item);
            String source = table.columnNamed(navigation.sourceColumn()).property();
            int column = page.layout().indexOf(table.column(source));
            List<Object> parents = jdbc.distinctValues(page.rows(), column + 1, page.pageRows());
            ExpandQuery expand = ExpandQuery.of(context, navigation, CollectionQuery.Options.of(item), Set.of());
            statements.add(expand.rows(parents, pageSize));
        }
        return statements;
    }

    private static ColumnMap.Navigation navigation(ColumnMap.Table table, ExpandItem item) {
        List<UriResource> parts = item.getResourcePath().getUriResourceParts();
        if (parts.size() != 1 || !(parts.get(0) instanceof UriResourceNavigation navigation)
                || item.getExpandOption() != null) {
            throw new IllegalArgumentException("the benchmark expands one navigation property, one level deep");
        }
        return table.navigation(navigation.getProperty().getName());
    }

    /**
     * The fingerprint the service put into its own token. The service computes it from the request it receives; the
     * benchmark's request is the one the token was issued for, so the token's own is the right one.
     */
    private static String fingerprintOf(String token) {
        return new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8).split("\n", -1)[1];
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
