package org.patientdocs.query;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The store's indexes, for the one choice H2 gets wrong by itself: the index a page is read through. H2 weighs an
 * index by how many of its leading columns the WHERE holds equal, how many of the ORDER BY's columns it has in
 * order and how many columns it has past those, and guesses that {@code tenant_id = ?} keeps a hundred rows; so
 * {@code $orderby=uploaded_at desc&$top=50} sorted every document of the tenant, and an unindexed filter
 * ({@code file_size_bytes gt 100000}) looked up every one of them before sorting, when reading an index in the
 * order asked for stops after the page. {@link #inOrder} finds that index, read forwards or backwards; the
 * statement names it ({@code USE INDEX}) only where nothing in the filter could find the rows through another
 * index ({@link #couldFind}). The hint changes no answer: H2 sorts whatever an index does not have in order.
 * PostgreSQL has {@link #NONE}: its planner keeps statistics of its own and reads indexes backwards unasked.
 */
public final class Indexes {

    /** A column of an index, as the index orders it. */
    public record Column(String name, boolean descending) {

        public Column {
            name = name.toLowerCase(Locale.ROOT);
        }
    }

    /** An index of a table: its name and its columns in order. */
    public record Index(String name, List<Column> columns) {

        public Index {
            if (!nameable(name)) {
                throw new IllegalArgumentException("not a plain identifier: " + name);
            }
            columns = List.copyOf(columns);
        }
    }

    /** Whether a statement can name the index as it is: a plain identifier. */
    public static boolean nameable(String name) {
        return name != null && name.matches("[A-Za-z_][A-Za-z0-9_]*");
    }

    /** No index is ever named: the database chooses. */
    public static final Indexes NONE = new Indexes(Map.of());

    /** The fewest rows of its order a page's first attempt reads ({@link #windowRows}). */
    static final int WINDOW_ROWS = 1000;

    private final Map<String, List<Index>> byTable;
    private final int windowRows;

    /** @param byTable each table's indexes, by table name in any case */
    public Indexes(Map<String, List<Index>> byTable) {
        this(byTable, WINDOW_ROWS);
    }

    /** @param windowRows see {@link #windowRows}; smaller than the default only to try windows over few rows */
    Indexes(Map<String, List<Index>> byTable, int windowRows) {
        this.byTable = byTable.entrySet().stream().collect(Collectors.toUnmodifiableMap(
                e -> e.getKey().toLowerCase(Locale.ROOT), e -> List.copyOf(e.getValue())));
        this.windowRows = windowRows;
    }

    /** These indexes, with the first attempt of a page reading at least {@code rows} rows of its order. */
    Indexes withWindowRows(int rows) {
        return new Indexes(byTable, rows);
    }

    /**
     * The fewest rows of a page's order its first attempt reads, when the filter narrows by a property another index
     * could find rows by (see {@code CollectionQuery.Window}): enough that a filter keeping one row in 20 or more
     * fills a page of 50 from them.
     */
    int windowRows() {
        return windowRows;
    }

    /** Whether the store's indexes are known here (H2), rather than left to the database ({@link #NONE}). */
    boolean known() {
        return !byTable.isEmpty();
    }

    /**
     * The index whose leading columns are the order's columns, all in the order's directions or all in the opposite
     * ones (read backwards), the one with fewest columns if several are; null if none is.
     */
    String inOrder(String table, List<Column> order) {
        return byTable.getOrDefault(table.toLowerCase(Locale.ROOT), List.of()).stream()
                .filter(index -> serves(index, order))
                .min(Comparator.comparingInt(index -> index.columns().size()))
                .map(Index::name)
                .orElse(null);
    }

    private static boolean serves(Index index, List<Column> order) {
        if (order.isEmpty() || index.columns().size() < order.size()) {
            return false;
        }
        boolean backwards = index.columns().get(0).descending() != order.get(0).descending();
        for (int i = 0; i < order.size(); i++) {
            Column wanted = order.get(i);
            Column indexed = index.columns().get(i);
            if (!indexed.name().equals(wanted.name()) || (indexed.descending() != wanted.descending()) != backwards) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether some index of the table could find rows by the column: the column follows, in an index, only columns
     * held equal ({@code held}), so that a condition on it is a range of that index.
     */
    boolean couldFind(String table, Set<String> held, String column) {
        String wanted = column.toLowerCase(Locale.ROOT);
        for (Index index : byTable.getOrDefault(table.toLowerCase(Locale.ROOT), List.of())) {
            for (Column indexed : index.columns()) {
                if (indexed.name().equals(wanted)) {
                    return true;
                }
                if (held.stream().noneMatch(name -> name.equalsIgnoreCase(indexed.name()))) {
                    break;
                }
            }
        }
        return false;
    }
}
