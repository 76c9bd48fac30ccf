package org.patientdocs.bench;

import java.util.EnumSet;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.olingo.server.api.OData;
import org.apache.olingo.server.api.uri.UriInfo;
import org.apache.olingo.server.core.uri.parser.Parser;
import org.patientdocs.auth.Caller;
import org.patientdocs.auth.Scope;
import org.patientdocs.config.ServiceConfig;
import org.patientdocs.odata.Model;
import org.patientdocs.query.ColumnMap;
import org.patientdocs.query.Dialect;
import org.patientdocs.query.Indexes;
import org.patientdocs.query.Keyset;
import org.patientdocs.query.QueryService;
import org.patientdocs.query.Row;
import org.patientdocs.query.RowLayout;
import org.patientdocs.query.SqlFragment;
import org.patientdocs.query.StatementRunner;
import org.patientdocs.storage.EntityStore;
import org.patientdocs.storage.IndexCatalog;

/**
 * The statements the service runs for a collection request, recorded from the service's own {@link QueryService} as
 * the collection processor drives it (a page, or with {@code $apply} an aggregated page): the URL is parsed by Olingo
 * against the service's EDM, and the query service reads the page (continuing after the position of a
 * {@code $skiptoken}, decoded by {@link Keyset}) with every statement that takes (the existence of the patient whose
 * documents are listed, the page, its count, one per expanded navigation), each recorded as it runs on the floor's
 * pool.
 */
final class ScenarioSql {

    private static final Caller CALLER = new Caller("benchmark", Caller.DEFAULT_TENANT, "benchmark",
            EnumSet.allOf(Scope.class));

    private final Model model;
    private final ServiceConfig config;
    private final EntityStore store;
    private final Indexes indexes;

    /** @param jdbc runs the statements once, as the service would, to bind each to what the one before read */
    ScenarioSql(ServiceConfig config, JdbcFloor jdbc) {
        this.model = Model.load(config.query().maxPageSize(), config.upload().maxBytes());
        this.config = config;
        this.store = new EntityStore(jdbc.dataSource());
        this.indexes = IndexCatalog.read(jdbc.dataSource(), Dialect.fromJdbcUrl(config.database().url()));
    }

    /** @param relativeUrl a URL relative to the service root, query percent-encoded as sent */
    List<SqlFragment> statements(String relativeUrl) {
        UriInfo uri = parse(relativeUrl);
        String token = uri.getSkipTokenOption() == null ? null : uri.getSkipTokenOption().getValue();
        List<SqlFragment> statements = new ArrayList<>();
        StatementRunner recorder = new StatementRunner() {
            @Override
            public List<Row> rows(SqlFragment statement, RowLayout layout) {
                statements.add(statement);
                return store.rows(statement, layout);
            }

            @Override
            public long count(SqlFragment statement) {
                statements.add(statement);
                return store.count(statement);
            }

            @Override
            public Map<Object, Long> counts(SqlFragment statement, ColumnMap.Kind group) {
                statements.add(statement);
                return store.counts(statement, group);
            }
        };
        QueryService queries = new QueryService(model.columns(), Dialect.fromJdbcUrl(config.database().url()),
                indexes, config.query(), recorder, QueryService.BeforeReading.NOTHING);
        String fingerprint = token == null ? null : fingerprintOf(token);
        if (uri.getApplyOption() != null) {
            queries.aggregate(CALLER, uri, config.query().maxPageSize(), fingerprint, Set.of());
        } else {
            queries.page(CALLER, uri, config.query().maxPageSize(), fingerprint, Set.of());
        }
        return statements;
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
