package org.patientdocs.query;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.apache.olingo.server.api.uri.UriResource;
import org.apache.olingo.server.api.uri.UriResourcePrimitiveProperty;
import org.apache.olingo.server.api.uri.queryoption.FilterOption;
import org.apache.olingo.server.api.uri.queryoption.OrderByItem;
import org.apache.olingo.server.api.uri.queryoption.OrderByOption;
import org.apache.olingo.server.api.uri.queryoption.SelectItem;
import org.apache.olingo.server.api.uri.queryoption.SelectOption;
import org.patientdocs.error.ErrorCode;
import org.patientdocs.error.ServiceException;

/**
 * One collection request as SQL: the rows of a page ({@link #rows()}) and, with the same WHERE, their total count
 * ({@link #count()}). Filtering, ordering, paging and counting all happen in the database.
 *
 * @param columns the columns read, in the order of the SELECT list
 * @param limit   the number of rows asked of the database: one more than the page, to learn whether another
 *                page follows
 */
public record CollectionQuery(SqlFragment rows, SqlFragment count, List<ColumnMap.Column> columns, int pageSize,
                              int limit) {

    /** The parts of a collection request the translation needs. */
    public record Options(FilterOption filter, OrderByOption orderBy, SelectOption select, Integer top,
                          Integer skip) {
    }

    /**
     * @param scope    a condition every row must meet regardless of the request (e.g. the patient of a
     *                 navigation), or null
     * @param pageSize the most rows in one response; more rows are offered through a next link
     */
    public static CollectionQuery translate(ColumnMap.Table table, SqlFragment scope, Options options, int pageSize) {
        List<SqlFragment> conditions = new ArrayList<>();
        if (scope != null) {
            conditions.add(scope);
        }
        if (options.filter() != null) {
            conditions.add(new FilterTranslator(table, "$filter").translate(options.filter().getExpression()));
        }
        SqlFragment where = conditions.isEmpty()
                ? SqlFragment.of("")
                : SqlFragment.format(" WHERE {}", SqlFragment.join(" AND ", conditions));

        List<ColumnMap.Column> columns = selectedColumns(table, options.select());
        String selectList = String.join(", ", columns.stream().map(ColumnMap.Column::name).toList());

        int skip = options.skip() == null ? 0 : options.skip();
        int wanted = options.top() == null ? pageSize : Math.min(options.top(), pageSize);
        int limit = options.top() != null && options.top() <= pageSize ? wanted : wanted + 1;

        SqlFragment rows = SqlFragment.format("SELECT " + selectList + " FROM " + table.name() + "{}{} LIMIT {} OFFSET {}",
                where, orderBy(table, options.orderBy()), SqlFragment.param(limit), SqlFragment.param(skip));
        SqlFragment count = SqlFragment.format("SELECT COUNT(*) FROM " + table.name() + "{}", where);
        return new CollectionQuery(rows, count, columns, wanted, limit);
    }

    /** Whether the database returned more rows than fit on this page. */
    public boolean hasMore(int rowsRead) {
        return rowsRead > pageSize;
    }

    static List<ColumnMap.Column> selectedColumns(ColumnMap.Table table, SelectOption select) {
        if (select == null || select.getSelectItems().stream().anyMatch(SelectItem::isStar)) {
            return table.allColumns();
        }
        Set<ColumnMap.Column> columns = new LinkedHashSet<>();
        columns.add(table.key());
        for (SelectItem item : select.getSelectItems()) {
            List<UriResource> parts = item.getResourcePath() == null ? List.of()
                    : item.getResourcePath().getUriResourceParts();
            if (parts.size() != 1 || !(parts.get(0) instanceof UriResourcePrimitiveProperty property)) {
                throw new ServiceException.NotImplemented(ErrorCode.QUERY_FEATURE_UNSUPPORTED, "$select",
                        "$select supports the entity's own properties only");
            }
            columns.add(table.column(property.getProperty().getName()));
        }
        return List.copyOf(columns);
    }

    /** ORDER BY with OData's null ordering (nulls first ascending) and the key last, so pages are stable. */
    private static SqlFragment orderBy(ColumnMap.Table table, OrderByOption orderBy) {
        List<SqlFragment> keys = new ArrayList<>();
        boolean keyIncluded = false;
        if (orderBy != null) {
            FilterTranslator translator = new FilterTranslator(table, "$orderby");
            for (OrderByItem item : orderBy.getOrders()) {
                SqlFragment expression = translator.translate(item.getExpression());
                keyIncluded |= expression.sql().equals(table.key().name());
                keys.add(SqlFragment.format(item.isDescending() ? "{} DESC NULLS LAST" : "{} ASC NULLS FIRST",
                        expression));
            }
        }
        if (!keyIncluded) {
            keys.add(SqlFragment.of(table.key().name() + " ASC"));
        }
        return SqlFragment.format(" ORDER BY {}", SqlFragment.join(", ", keys));
    }
}
