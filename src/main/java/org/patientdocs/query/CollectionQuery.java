package org.patientdocs.query;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

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

    /** The rows of its order a page's {@link Window} holds per row the page reads. */
    static final int WINDOW_PER_ROW = 20;
    /** The largest window, in multiples of the smallest ({@link Indexes#windowRows}). */
    static final int MAX_WINDOWS = 50;

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
     * @param window   the first attempt at the page, or null: {@code rows} at once
     */
    record Page(SqlFragment rows, RowLayout layout, int pageRows, Window window) {

        /** Whether the database returned more rows than this page delivers. */
        boolean hasMore(int rowsRead) {
            return rowsRead > pageRows;
        }

        /** The position after a delivered row: its sort-key values and the rows delivered up to it. */
        Keyset.Position positionAfter(Row row, long deliveredSoFar) {
            return new Keyset.Position(row.sortKey(), deliveredSoFar);
        }

        /** The page's rows: from its window when the window holds them all, else from {@code rows}. */
        List<Row> read(StatementRunner store) {
            if (window != null) {
                List<Row> bound = store.rows(window.bound(), window.boundLayout());
                SqlFragment attempt = window.upTo().apply(bound.isEmpty() ? null : bound.get(0));
                if (attempt != null) {
                    List<Row> read = store.rows(attempt, layout);
                    if (bound.isEmpty() || read.size() == window.limit()) {
                        return read;
                    }
                }
            }
            return store.rows(rows, layout);
        }
    }

    /**
     * A page's first attempt, where the filter narrows the rows by a property an index could find them by and another
     * index has them in the page's order. H2 then takes the filter's index, reads every row it finds and sorts them:
     * seconds for {@code startswith(file_name,'ref')} over a million documents, where reading the key's index stops
     * after some hundred rows, but would read them all for a prefix no document has. So the page is first looked for
     * among the first rows of its order (without the filter: the window), read through the index of that order:
     * {@code bound} answers the value of the first sort key at the window's last row, {@code upTo} the page among
     * the rows up to that value (given that row, or null for all rows: there are fewer than the window), or null when
     * the window cannot be read by its bound (a descending key whose nulls, last, the window reaches). The rows up to
     * a value of the first key (nulls too, where they come first) are the start of the order, so when they hold the
     * whole page ({@code limit} rows), it is the page; otherwise it is read as H2 chooses. Either way the answer is
     * the same.
     */
    record Window(SqlFragment bound, RowLayout boundLayout, Function<Row, SqlFragment> upTo, int limit) {
    }

    private final Selection selection;
    private final Options options;
    private final List<SqlFragment> scope;
    /**
     * Columns the scope holds to one value ({@link TargetRows#heldColumns}), ordered by first, in the direction of
     * the first sort key.
     */
    private final List<SqlFragment> held;
    /** How the page is read ({@link Indexes}). */
    private final Reading reading;
    /** The fewest rows of the order a {@link Window} holds. */
    private final int windowRows;
    private final Set<String> selected;

    private CollectionQuery(Selection selection, Options options, List<SqlFragment> scope, List<SqlFragment> held,
                            Reading reading, int windowRows, Set<String> selected) {
        this.selection = selection;
        this.options = options;
        this.scope = scope;
        this.held = held;
        this.reading = reading;
        this.windowRows = windowRows;
        this.selected = selected;
    }

    /**
     * The index a page is read through, or none (null: the database's choice), and the index in the page's order a
     * {@link Window} reads, or none, with the first sort key that index orders by (those before it are properties the
     * filter holds equal).
     */
    private record Reading(String index, String window, int windowKey) {

        static final Reading ANY = new Reading(null, null, 0);

        static Reading through(String index) {
            return new Reading(index, null, 0);
        }
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
                reading(context, selection, options, held, descending,
                        computation == null ? Set.of() : computation.names()),
                context.indexes().windowRows(), Set.copyOf(selected));
    }

    /**
     * How a page is read. When every sort key is a column of the table and an index has the rows in the order of the
     * ORDER BY (the held columns, then the sort keys), reading that index stops after the page, where the database's
     * own choice may read and sort every row of the tenant: the statement names it, unless the filter narrows the rows
     * by a property ({@link Selection#narrowingProperties}) another index could find them by. Then the database
     * chooses, after a {@link Window} over the index in order if the filter holds no sort key equal (a window of the
     * order without the filter would hold few of its rows). When no index has the order because properties the filter
     * holds equal lead it ({@code document_type eq 'Imaging'&$orderby=file_name}), a window reads an index that has
     * the rest of the order, if one does.
     */
    private static Reading reading(QueryContext context, Selection selection, Options options,
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
                return Reading.ANY;
            }
            order.add(new Indexes.Column(column.name(), key.descending()));
        }
        Set<String> pinned = new HashSet<>();
        Selection.pinnedProperties(options.filter()).stream().filter(property -> !computed.contains(property))
                .forEach(property -> pinned.add(table.column(property).name()));
        int pinnedKeys = 0;
        while (held.size() + pinnedKeys < order.size() - 1
                && pinned.contains(order.get(held.size() + pinnedKeys).name())) {
            pinnedKeys++;
        }
        String inOrder = context.indexes().inOrder(table.name(), order);
        if (inOrder == null && pinnedKeys > 0) {
            List<Indexes.Column> rest = new ArrayList<>(order.subList(0, held.size()));
            rest.addAll(order.subList(held.size() + pinnedKeys, order.size()));
            String window = context.indexes().inOrder(table.name(), rest);
            return window != null ? new Reading(null, window, pinnedKeys) : Reading.ANY;
        }
        Set<String> equal = new HashSet<>(pinned);
        held.forEach(column -> equal.add(column.name()));
        for (String property : Selection.narrowingProperties(options.filter())) {
            if (computed.contains(property)) {
                // a computed property: no index finds rows by it
                continue;
            }
            if (context.indexes().couldFind(table.name(), equal, table.column(property).name())) {
                return inOrder != null && pinnedKeys == 0 ? new Reading(null, inOrder, 0) : Reading.ANY;
            }
        }
        return Reading.through(inOrder);
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
        return new Page(rows(conditions, reading.index(), limit, offset),
                selection.layout().withSortKeys(selection.keys()), pageRows, window(conditions, limit, offset));
    }

    private SqlFragment rows(List<SqlFragment> conditions, String index, int limit, int offset) {
        return SqlFragment.format("SELECT {}, {}{} ORDER BY {}" + selection.orderByOutput() + " LIMIT {} OFFSET {}",
                selection.columnList(), selection.keyList(), selection.from(conditions, index), heldPrefix(),
                SqlFragment.param(limit), SqlFragment.param(offset));
    }

    private SqlFragment heldPrefix() {
        return held.isEmpty() ? SqlFragment.of("") : SqlFragment.format("{}, ", SqlFragment.join(", ", held));
    }

    /**
     * The page's {@link Window}: at least {@link Indexes#windowRows} rows of the order, and {@value #WINDOW_PER_ROW}
     * per row the page reads (its offset too); none where that would be more than {@value #MAX_WINDOWS} windows.
     */
    private Window window(List<SqlFragment> conditions, int limit, int offset) {
        long rows = Math.max(windowRows, (long) WINDOW_PER_ROW * (limit + offset));
        if (reading.window() == null || limit == 0 || rows > (long) windowRows * MAX_WINDOWS) {
            return null;
        }
        SortKey first = selection.keys().get(reading.windowKey());
        SqlFragment bound = SqlFragment.format("SELECT {}{} ORDER BY {}{} LIMIT 1 OFFSET {}", first.sql(),
                selection.block().from(conditions, reading.window()), heldPrefix(),
                selection.orderByKeys(reading.windowKey()),
                SqlFragment.param(rows - 1));
        return new Window(bound, RowLayout.values(List.of(first.type().readKind())),
                end -> end == null ? rows(conditions, reading.window(), limit, offset)
                        : upTo(conditions, first, end.value(0), limit, offset), limit);
    }

    /**
     * The page among the rows whose first window key comes up to {@code last} in the order; null when a descending
     * key's nulls, which come last, reach into the window (no bound holds them). An ascending key's nulls come first:
     * those rows and the rows up to the value are read as two ranges of the index, each its first rows, and the page
     * taken from both.
     */
    private SqlFragment upTo(List<SqlFragment> conditions, SortKey first, Object last, int limit, int offset) {
        if (last == null && first.descending()) {
            return null;
        }
        SqlFragment isNull = SqlFragment.format("{} IS NULL", first.sql());
        List<SqlFragment> upTo = new ArrayList<>(conditions);
        upTo.add(last == null ? isNull : SqlFragment.format("{} " + (first.descending() ? ">=" : "<=") + " {}",
                first.sql(), SqlFragment.param(last)));
        if (!first.nullable() || first.descending() || last == null) {
            return rows(upTo, reading.window(), limit, offset);
        }
        List<SqlFragment> nulls = new ArrayList<>(conditions);
        nulls.add(isNull);
        return SqlFragment.format("SELECT * FROM (({}) UNION ALL ({})) w ORDER BY " + selection.orderByOutput()
                        + " LIMIT {} OFFSET {}", rows(nulls, reading.window(), limit + offset, 0),
                rows(upTo, reading.window(), limit + offset, 0), SqlFragment.param(limit), SqlFragment.param(offset));
    }
}
