package org.patientdocs.query;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.apache.olingo.server.api.uri.UriInfoResource;
import org.apache.olingo.server.api.uri.queryoption.ExpandItem;
import org.apache.olingo.server.api.uri.queryoption.FilterOption;
import org.apache.olingo.server.api.uri.queryoption.OrderByOption;
import org.apache.olingo.server.api.uri.queryoption.SearchOption;
import org.apache.olingo.server.api.uri.queryoption.SelectOption;

/**
 * One collection request as SQL: the rows of a page ({@link #page}) and, with the same WHERE, their total count
 * ({@link #count()}). Filtering, searching, ordering, paging and counting all happen in the database. A page
 * continues after a keyset {@link Keyset.Position}; each row also carries its sort-key values, so the last row of a
 * page can become the next token.
 */
final class CollectionQuery {

    /** The query options of a collection request. */
    record Options(FilterOption filter, SearchOption search, OrderByOption orderBy, SelectOption select,
                          Integer top, Integer skip) {

        /** No options: every row, in the order of the key. */
        static final Options NONE = new Options(null, null, null, null, null, null);

        /** A request's options. */
        static Options of(UriInfoResource request) {
            return new Options(request.getFilterOption(), request.getSearchOption(), request.getOrderByOption(),
                    request.getSelectOption(),
                    request.getTopOption() == null ? null : request.getTopOption().getValue(),
                    request.getSkipOption() == null ? null : request.getSkipOption().getValue());
        }

        /** The options inside an item of $expand; none for an item of {@code *}, which has none. */
        static Options of(ExpandItem item) {
            return item == null ? NONE : new Options(item.getFilterOption(), item.getSearchOption(),
                    item.getOrderByOption(), item.getSelectOption(),
                    item.getTopOption() == null ? null : item.getTopOption().getValue(),
                    item.getSkipOption() == null ? null : item.getSkipOption().getValue());
        }

        /** Only the options that decide which rows a count counts: $filter and $search. */
        static Options counting(UriInfoResource request) {
            return new Options(request.getFilterOption(), request.getSearchOption(), null, null, null, null);
        }
    }

    /**
     * One page of rows.
     *
     * @param layout   the statement's result: the selected and required properties, the version, then the sort keys
     * @param pageRows the most rows this page delivers; the statement may return one more, meaning more follow
     */
    record Page(SqlFragment rows, RowLayout layout, int pageRows) {

        /** Whether the database returned more rows than this page delivers. */
        boolean hasMore(int rowsRead) {
            return rowsRead > pageRows;
        }

        /** The position after a delivered row: its sort-key values and the rows delivered up to it. */
        Keyset.Position positionAfter(Row row, long deliveredSoFar) {
            return new Keyset.Position(row.sortKey(), deliveredSoFar);
        }
    }

    private final Selection selection;
    private final Options options;
    private final List<SqlFragment> scope;
    /**
     * Columns the scope holds to one value ({@link TargetRows#heldColumns}), ordered by first, in the direction of
     * the first sort key.
     */
    private final List<SqlFragment> held;
    /** The index a page is read through ({@link Indexes}); null: the database's choice. */
    private final String index;
    private final Set<String> selected;

    private CollectionQuery(Selection selection, Options options, List<SqlFragment> scope, List<SqlFragment> held,
                            String index, Set<String> selected) {
        this.selection = selection;
        this.options = options;
        this.scope = scope;
        this.held = held;
        this.index = index;
        this.selected = selected;
    }

    /**
     * @param target   the collection the rows belong to (a patient's documents, all documents)
     * @param required properties read even when {@code $select} leaves them out (for {@code $expand})
     */
    static CollectionQuery of(QueryContext context, Target target, Options options, Set<String> required) {
        return of(context, target, options, required, null);
    }

    /**
     * @param computation the computed properties ({@code $compute}), which the rows carry after their columns and the
     *                    conditions and the order may use, or null
     */
    static CollectionQuery of(QueryContext context, Target target, Options options, Set<String> required,
                              Computation computation) {
        ColumnMap.Table table = context.columns().table(target.set().getEntityType());
        Selection selection = Selection.of(context, table, options.filter(), options.search(), options.orderBy(),
                options.select(), required, computation);
        List<SqlFragment> scope = TargetRows.conditions(target, selection.block());
        Set<String> selected = new LinkedHashSet<>();
        Selection.selectedColumns(table, options.select(), computation).forEach(c -> selected.add(c.property()));
        List<ColumnMap.Column> held = TargetRows.heldColumns(target, selection.block());
        boolean descending = selection.keys().get(0).descending();
        List<SqlFragment> heldOrder = held.stream().map(column -> SqlFragment.format(
                "{}" + (descending ? " DESC" : ""), selection.root().column(column, false))).toList();
        return new CollectionQuery(selection, options, List.copyOf(scope), heldOrder,
                indexInOrder(context, selection, options, held, descending,
                        computation == null ? Set.of() : computation.names()),
                Set.copyOf(selected));
    }

    /**
     * The index that has a page's rows in the order of its ORDER BY (the held columns, then the sort keys), when
     * every sort key is a column of the table and nothing the filter narrows the rows by
     * ({@link Selection#narrowingProperties}) could find them through an index of its own: then reading that index
     * stops after the page, where the database's own choice may read and sort every row of the tenant. Null
     * otherwise, leaving the choice to the database.
     */
    private static String indexInOrder(QueryContext context, Selection selection, Options options,
                                       List<ColumnMap.Column> held, boolean descending, Set<String> computed) {
        ColumnMap.Table table = selection.root().table();
        List<Indexes.Column> order = new ArrayList<>();
        held.forEach(column -> order.add(new Indexes.Column(column.name(), descending)));
        for (SortKey key : selection.keys()) {
            ColumnMap.Column column = table.allColumns().stream()
                    .filter(c -> key.sql().params().isEmpty()
                            && selection.root().column(c, false).sql().equals(key.sql().sql()))
                    .findFirst().orElse(null);
            if (column == null) {
                return null;
            }
            order.add(new Indexes.Column(column.name(), key.descending()));
        }
        Set<String> equal = new HashSet<>();
        held.forEach(column -> equal.add(column.name()));
        Selection.pinnedProperties(options.filter()).stream().filter(property -> !computed.contains(property))
                .forEach(property -> equal.add(table.column(property).name()));
        for (String property : Selection.narrowingProperties(options.filter())) {
            if (computed.contains(property)) {
                // a computed property: no index finds rows by it
                continue;
            }
            if (context.indexes().couldFind(table.name(), equal, table.column(property).name())) {
                return null;
            }
        }
        return context.indexes().inOrder(table.name(), order);
    }

    /** The sort keys, the last being the entity key: what a skip token must carry. */
    List<SortKey> keys() {
        return selection.keys();
    }

    /** The computed properties the rows carry, after their columns. */
    ComputedValues computed() {
        return selection.computedValues();
    }

    /** The properties the client selected; other columns read are for the service's own use. */
    Set<String> selected() {
        return selected;
    }

    /** The number of rows the request's conditions match, ignoring $top, $skip and paging. */
    SqlFragment count() {
        return SqlFragment.format("SELECT COUNT(*){}", selection.from(scope));
    }

    /**
     * The page of at most {@code pageSize} rows that starts at {@code position} (null: the first page, which
     * applies $skip). With $top, the rows delivered by earlier pages count against it.
     */
    Page page(int pageSize, Keyset.Position position) {
        List<SqlFragment> conditions = new ArrayList<>(scope);
        if (position != null) {
            conditions.add(Keyset.after(selection.keys(), position.values()));
        }
        long delivered = position == null ? 0 : position.delivered();
        long remaining = options.top() == null ? Long.MAX_VALUE : Math.max(0, options.top() - delivered);
        int pageRows = (int) Math.min(remaining, pageSize);
        int limit = remaining > pageRows ? pageRows + 1 : pageRows;
        int offset = position == null && options.skip() != null ? options.skip() : 0;

        SqlFragment rows = SqlFragment.format("SELECT {}, {}{} ORDER BY {}" + selection.orderByOutput()
                        + " LIMIT {} OFFSET {}", selection.columnList(), selection.keyList(),
                selection.from(conditions, index), held.isEmpty() ? SqlFragment.of("")
                        : SqlFragment.format("{}, ", SqlFragment.join(", ", held)),
                SqlFragment.param(limit), SqlFragment.param(offset));
        return new Page(rows, selection.layout().withSortKeys(selection.keys()), pageRows);
    }
}
