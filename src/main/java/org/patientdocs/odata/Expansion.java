package org.patientdocs.odata;

import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.olingo.commons.api.data.Entity;
import org.apache.olingo.commons.api.data.EntityCollection;
import org.apache.olingo.commons.api.data.Link;
import org.apache.olingo.commons.api.edm.EdmEntitySet;
import org.apache.olingo.server.api.OData;
import org.apache.olingo.server.api.ODataRequest;
import org.apache.olingo.server.api.uri.UriResource;
import org.apache.olingo.server.api.uri.UriResourceCount;
import org.apache.olingo.server.api.uri.UriResourceNavigation;
import org.apache.olingo.server.api.uri.queryoption.AliasQueryOption;
import org.apache.olingo.server.api.uri.queryoption.ExpandItem;
import org.apache.olingo.server.api.uri.queryoption.ExpandOption;
import org.patientdocs.error.ErrorCode;
import org.patientdocs.error.ServiceException;
import org.patientdocs.query.CollectionQuery;
import org.patientdocs.query.ColumnMap;
import org.patientdocs.query.ExpandQuery;
import org.patientdocs.query.ExpandText;
import org.patientdocs.query.QueryContext;
import org.patientdocs.query.QueryText;
import org.patientdocs.query.Row;
import org.patientdocs.storage.EntityStore;

/**
 * Runs {@code $expand}: one statement per expanded navigation and level (per {@value #CHUNK} parents), never one
 * per row. {@link #fetch} reads one level as rows, for {@link CollectionJson}; {@link #expand} reads every level and
 * attaches the results to Olingo entities as inline links that Olingo serialises. An expanded collection holds at
 * most {@code query.max-page-size} entities per parent; when more match, it carries a next link to the navigation's
 * own URL with the expand's options.
 */
final class Expansion {

    /** The most parent keys bound in one statement. */
    static final int CHUNK = 1000;

    /**
     * One expanded navigation of a list of parent rows.
     *
     * @param selected the target's properties to write
     * @param counted  whether each parent's count is asked for ({@code $count=true} inside the expand)
     * @param inline   per parent row, in the same order: what the navigation holds for it
     */
    record Navigated(ColumnMap.Navigation navigation, EdmEntitySet targetSet, ColumnMap.Table target,
                     Set<String> selected, boolean counted, List<Inline> inline, ExpandOption nested,
                     Map<String, String> text) {
    }

    /**
     * What one navigation of one parent holds.
     *
     * @param rows  the entities' rows: at most a page for a collection, at most one for a single entity
     * @param count all matching entities, when counted
     * @param next  where the rest of a collection continues, or null
     */
    record Inline(List<Row> rows, Long count, URI next) {
    }

    private final OData odata;
    private final EntityStore store;
    private final QueryContext context;
    private final ODataRequest request;
    private final List<AliasQueryOption> aliases;
    private final int perParent;

    Expansion(OData odata, EntityStore store, QueryContext context, ODataRequest request,
              List<AliasQueryOption> aliases, int perParent) {
        this.odata = odata;
        this.store = store;
        this.context = context;
        this.request = request;
        this.aliases = aliases;
        this.perParent = perParent;
    }

    /** The properties the rows of a table must carry so that {@code expand} can follow its navigations. */
    static Set<String> required(ColumnMap.Table table, ExpandOption expand) {
        Set<String> required = new LinkedHashSet<>();
        if (expand != null) {
            for (ExpandItem item : expand.getExpandItems()) {
                for (ColumnMap.Navigation navigation : navigations(table, item)) {
                    required.add(table.columnNamed(navigation.sourceColumn()).property());
                }
            }
        }
        return required;
    }

    /**
     * Adds the expanded navigations to the entities, which were built from the rows in the same order, level by
     * level.
     *
     * @param text the $expand value as the client wrote it, for next links (the parser keeps no text of the
     *             options inside it)
     */
    void expand(EdmEntitySet set, ColumnMap.Table table, List<Entity> entities, List<Row> rows,
                ExpandOption expand, String text) {
        for (Navigated navigated : fetch(set, table, rows, expand, text)) {
            attach(entities, navigated);
        }
    }

    /** The rows each expanded navigation of the given rows holds: one level, in the order of the $expand. */
    List<Navigated> fetch(EdmEntitySet set, ColumnMap.Table table, List<Row> rows,
                          ExpandOption expand, String text) {
        List<Navigated> navigated = new ArrayList<>();
        if (expand == null || rows.isEmpty()) {
            return navigated;
        }
        Map<String, Map<String, String>> texts = ExpandText.items(text);
        for (ExpandItem item : expand.getExpandItems()) {
            if (item.isRef() || item.getLevelsOption() != null || item.getApplyOption() != null) {
                throw new ServiceException.NotImplemented(ErrorCode.QUERY_FEATURE_UNSUPPORTED, "$expand",
                        "$expand supports navigation properties with options, not $ref, $levels or $apply");
            }
            for (ColumnMap.Navigation navigation : navigations(table, item)) {
                EdmEntitySet targetSet = (EdmEntitySet) set.getRelatedBindingTarget(navigation.name());
                ExpandItem options = item.isStar() ? null : item;
                Map<String, String> itemText = item.isStar() ? Map.of()
                        : texts.getOrDefault(navigation.name(), Map.of());
                navigated.add(navigate(set, table, rows, navigation, targetSet, options, itemText));
            }
        }
        return navigated;
    }

    private static List<ColumnMap.Navigation> navigations(ColumnMap.Table table, ExpandItem item) {
        if (item.isStar()) {
            return List.copyOf(table.navigations().values());
        }
        List<UriResource> parts = item.getResourcePath() == null ? List.of()
                : item.getResourcePath().getUriResourceParts();
        boolean countPath = parts.size() == 2 && parts.get(1) instanceof UriResourceCount;
        if (parts.isEmpty() || parts.size() > 2 || parts.size() == 2 && !countPath
                || !(parts.get(0) instanceof UriResourceNavigation navigation) || item.getStartTypeFilter() != null) {
            throw new ServiceException.NotImplemented(ErrorCode.QUERY_FEATURE_UNSUPPORTED, "$expand",
                    "$expand supports navigation properties of the entity itself, not $ref, casts or longer paths");
        }
        return List.of(table.navigation(navigation.getProperty().getName()));
    }

    private Navigated navigate(EdmEntitySet set, ColumnMap.Table table, List<Row> rows,
                               ColumnMap.Navigation navigation, EdmEntitySet targetSet, ExpandItem item,
                               Map<String, String> text) {
        ColumnMap.Column source = table.columnNamed(navigation.sourceColumn());
        List<Object> parents = distinct(rows, source);
        CollectionQuery.Options options = CollectionQuery.Options.of(item);
        ColumnMap.Table target = context.columns().table(navigation.target());
        ExpandOption nested = item == null ? null : item.getExpandOption();
        ExpandQuery query = ExpandQuery.of(context, navigation, options, required(target, nested));
        boolean countOnly = item != null && item.hasCountPath();
        boolean counted = countOnly
                || item != null && item.getCountOption() != null && item.getCountOption().getValue();

        Map<Object, Long> counts = counted && navigation.collection() ? counts(query, parents) : Map.of();
        Map<Object, List<Row>> children = countOnly ? Map.of() : children(query, parents);

        List<Inline> inline = new ArrayList<>();
        for (Row row : rows) {
            Object value = row.get(source);
            List<Row> found = value == null ? List.of() : children.getOrDefault(value, List.of());
            if (navigation.collection()) {
                boolean more = found.size() > perParent;
                inline.add(new Inline(more ? found.subList(0, perParent) : found,
                        counted ? Math.min(Integer.MAX_VALUE, counts.getOrDefault(value, 0L)) : null,
                        more ? nextLink(set, row, navigation, text, options) : null));
            } else {
                inline.add(new Inline(found.isEmpty() ? List.of() : List.of(found.get(0)), null, null));
            }
        }
        return new Navigated(navigation, targetSet, target, query.selected(), counted, inline, nested, text);
    }

    /** Attaches one expanded navigation to the parents' entities, then expands the next level below it. */
    void attach(List<Entity> entities, Navigated navigated) {
        ColumnMap.Navigation navigation = navigated.navigation();
        List<Entity> childEntities = new ArrayList<>();
        List<Row> childRows = new ArrayList<>();
        for (int i = 0; i < entities.size(); i++) {
            Entity parent = entities.get(i);
            Inline inline = navigated.inline().get(i);
            Link link = new Link();
            link.setTitle(navigation.name());
            link.setRel(navigation.name());
            // Clients (Olingo's among them) resolve an inline entity against its navigation link.
            link.setHref(parent.getId() + "/" + navigation.name());
            List<Entity> children = new ArrayList<>();
            for (Row row : inline.rows()) {
                children.add(Entities.fromRow(odata, navigated.targetSet(), row, navigated.selected()));
                childRows.add(row);
            }
            childEntities.addAll(children);
            if (navigation.collection()) {
                EntityCollection collection = new EntityCollection();
                collection.getEntities().addAll(children);
                if (inline.count() != null) {
                    collection.setCount(inline.count().intValue());
                }
                collection.setNext(inline.next());
                link.setInlineEntitySet(collection);
            } else if (!children.isEmpty()) {
                link.setInlineEntity(children.get(0));
            }
            parent.getNavigationLinks().add(link);
        }
        expand(navigated.targetSet(), navigated.target(), childEntities, childRows, navigated.nested(),
                navigated.text().get("$expand"));
    }

    private Map<Object, List<Row>> children(ExpandQuery query, List<Object> parents) {
        Map<Object, List<Row>> children = new LinkedHashMap<>();
        for (int from = 0; from < parents.size(); from += CHUNK) {
            List<Object> chunk = parents.subList(from, Math.min(parents.size(), from + CHUNK));
            for (Row row : store.rows(query.rows(chunk, perParent), query.layout())) {
                children.computeIfAbsent(row.parent(), k -> new ArrayList<>()).add(row);
            }
        }
        return children;
    }

    private Map<Object, Long> counts(ExpandQuery query, List<Object> parents) {
        Map<Object, Long> counts = new LinkedHashMap<>();
        for (int from = 0; from < parents.size(); from += CHUNK) {
            List<Object> chunk = parents.subList(from, Math.min(parents.size(), from + CHUNK));
            counts.putAll(store.counts(query.counts(chunk), query.parentKind()));
        }
        return counts;
    }

    private static List<Object> distinct(List<Row> rows, ColumnMap.Column column) {
        Set<Object> seen = new HashSet<>();
        List<Object> values = new ArrayList<>();
        for (Row row : rows) {
            Object value = row.get(column);
            if (value != null && seen.add(value)) {
                values.add(value);
            }
        }
        return values;
    }

    /** The navigation's own URL with the expand's options, continuing after the rows delivered inline. */
    private URI nextLink(EdmEntitySet set, Row parent, ColumnMap.Navigation navigation,
                         Map<String, String> text, CollectionQuery.Options options) {
        List<String> params = new ArrayList<>();
        text.forEach((name, value) -> {
            if (!name.equals("$top") && !name.equals("$skip")) {
                params.add(QueryText.encode(name) + "=" + QueryText.encode(value));
            }
        });
        int skip = options.skip() == null ? 0 : options.skip();
        params.add("$skip=" + (skip + perParent));
        if (options.top() != null) {
            params.add("$top=" + (options.top() - perParent));
        }
        for (AliasQueryOption alias : aliases) {
            if (alias.getText() != null) {
                params.add(QueryText.encode(alias.getName()) + "=" + QueryText.encode(alias.getText()));
            }
        }
        String path = Entities.canonicalUrl(odata, set, parent) + "/" + navigation.name();
        return Paging.absolute(request.getRawBaseUri() + "/" + path + "?"
                + QueryText.restore(String.join("&", params)));
    }
}
