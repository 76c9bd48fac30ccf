package org.patientdocs.query;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.olingo.commons.api.edm.EdmEntitySet;
import org.apache.olingo.server.api.uri.UriResource;
import org.apache.olingo.server.api.uri.UriResourceCount;
import org.apache.olingo.server.api.uri.UriResourceNavigation;
import org.apache.olingo.server.api.uri.UriResourceRef;
import org.apache.olingo.server.api.uri.queryoption.ExpandItem;
import org.apache.olingo.server.api.uri.queryoption.ExpandOption;
import org.patientdocs.error.ErrorCode;
import org.patientdocs.error.ServiceException;

/**
 * Reads {@code $expand} at every level: one statement per expanded navigation and level (per {@value #CHUNK}
 * parents), never one per row, and one more per navigation for the counts asked for inside it. An expanded
 * collection holds at most a page of entities per parent; when more match, it says where they continue.
 */
final class Expander {

    /** The most parent keys bound in one statement. */
    static final int CHUNK = 1000;

    private final QueryContext context;
    private final StatementRunner store;
    private final int perParent;

    /** @param perParent the most entities an expanded collection holds for one parent */
    Expander(QueryContext context, StatementRunner store, int perParent) {
        this.context = context;
        this.store = store;
        this.perParent = perParent;
    }

    /** The properties the rows of a table must carry so that their navigations can be expanded. */
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

    /** The expanded navigations of the rows, in the order of the $expand, each with the levels below it. */
    List<Expanded> expand(EdmEntitySet set, ColumnMap.Table table, List<Row> rows, ExpandOption expand) {
        List<Expanded> expanded = new ArrayList<>();
        if (expand == null || rows.isEmpty()) {
            return expanded;
        }
        for (ExpandItem item : expand.getExpandItems()) {
            if (item.getLevelsOption() != null) {
                throw new ServiceException.NotImplemented(ErrorCode.QUERY_FEATURE_UNSUPPORTED, "$expand",
                        "$expand supports navigation properties with options and their $ref, not $levels");
            }
            for (ColumnMap.Navigation navigation : navigations(table, item)) {
                EdmEntitySet targetSet = (EdmEntitySet) set.getRelatedBindingTarget(navigation.name());
                expanded.add(navigate(table, rows, navigation, targetSet, item.isStar() ? null : item));
            }
        }
        return expanded;
    }

    private static List<ColumnMap.Navigation> navigations(ColumnMap.Table table, ExpandItem item) {
        if (item.isStar()) {
            return List.copyOf(table.navigations().values());
        }
        List<UriResource> parts = item.getResourcePath() == null ? List.of()
                : item.getResourcePath().getUriResourceParts();
        // Documents/$count and Documents/$ref read the same rows as Documents; the answer shows less of them
        boolean countOrRef = parts.size() == 2
                && (parts.get(1) instanceof UriResourceCount || parts.get(1) instanceof UriResourceRef);
        if (parts.isEmpty() || parts.size() > 2 || parts.size() == 2 && !countOrRef
                || !(parts.get(0) instanceof UriResourceNavigation navigation) || item.getStartTypeFilter() != null) {
            throw new ServiceException.NotImplemented(ErrorCode.QUERY_FEATURE_UNSUPPORTED, "$expand",
                    "$expand supports navigation properties of the entity itself, not casts or longer paths");
        }
        ColumnMap.Navigation found = table.navigation(navigation.getProperty().getName());
        if (!found.collection()) {
            refuseCollectionOptions(item, found);
        }
        return List.of(found);
    }

    /**
     * {@code $top}, {@code $skip}, {@code $orderby} and {@code $count} choose among the entities of a collection
     * (OData 4.01 Protocol 11.2.5.2.1): a single-valued navigation has at most one, so they are refused rather than
     * ignored. A {@code $filter} applies (the entity, or null when it does not match).
     */
    private static void refuseCollectionOptions(ExpandItem item, ColumnMap.Navigation navigation) {
        String option = item.getTopOption() != null ? "$top" : item.getSkipOption() != null ? "$skip"
                : item.getOrderByOption() != null ? "$orderby" : item.getCountOption() != null ? "$count" : null;
        if (option != null) {
            throw new ServiceException.BadRequest(ErrorCode.INVALID_QUERY_OPTION, option, "The option " + option
                    + " of $expand applies to a collection; " + navigation.name() + " is one entity");
        }
    }

    private Expanded navigate(ColumnMap.Table table, List<Row> rows, ColumnMap.Navigation navigation,
                              EdmEntitySet targetSet, ExpandItem item) {
        ColumnMap.Column source = table.columnNamed(navigation.sourceColumn());
        List<Object> parents = distinct(rows, source);
        CollectionQuery.Options options = CollectionQuery.Options.of(item);
        ColumnMap.Table target = context.columns().table(navigation.target());
        ExpandOption nested = item == null ? null : item.getExpandOption();
        ExpandQuery query = ExpandQuery.of(context, navigation, options, required(target, nested),
                item == null ? null : Computation.of(item.getApplyOption()));
        boolean countOnly = item != null && item.hasCountPath();
        boolean counted = countOnly
                || item != null && item.getCountOption() != null && item.getCountOption().getValue();

        Map<Object, Long> counts = counted && navigation.collection() ? counts(query, parents) : Map.of();
        Map<Object, List<Row>> children = countOnly ? Map.of() : children(query, parents);

        List<Expanded.Inline> inline = new ArrayList<>();
        List<Row> targets = new ArrayList<>();
        for (Row row : rows) {
            Object value = row.get(source);
            List<Row> found = value == null ? List.of() : children.getOrDefault(value, List.of());
            if (navigation.collection()) {
                boolean more = found.size() > perParent;
                inline.add(new Expanded.Inline(more ? found.subList(0, perParent) : found,
                        counted ? Math.min(Integer.MAX_VALUE, counts.getOrDefault(value, 0L)) : null,
                        more ? continuation(options) : null));
            } else {
                inline.add(new Expanded.Inline(found.isEmpty() ? List.of() : List.of(found.get(0)), null, null));
            }
            targets.addAll(inline.get(inline.size() - 1).rows());
        }
        return new Expanded(navigation, targetSet, target, item, query.selected(), query.computed(), counted, inline,
                expand(targetSet, target, targets, nested));
    }

    /** Where a parent's collection continues: after the rows delivered inline, within the expand's own $top. */
    private Expanded.Continuation continuation(CollectionQuery.Options options) {
        int skip = options.skip() == null ? 0 : options.skip();
        return new Expanded.Continuation(skip + perParent, options.top() == null ? null : options.top() - perParent);
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
}
