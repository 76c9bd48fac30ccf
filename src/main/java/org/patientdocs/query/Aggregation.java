package org.patientdocs.query;

import java.util.List;

/**
 * A page of the result of {@code $apply} or {@code $compute}: rows of grouped and aggregated values, or of entities'
 * properties with computed ones.
 *
 * @param table the table the values come from
 * @param names the names of each row's values, in order; a navigation path's name has its segments
 *              ({@code Patient/last_name})
 * @param shown how many of the names, from the first, the answer shows; the others the service read for itself
 * @param types the types of each row's values, in the same order
 * @param rows  the page's rows, each value found by its position ({@link Row#value})
 * @param count how many rows the whole result has, ignoring {@code $top}, {@code $skip} and paging; null when not
 *              asked for
 * @param next  where the next page starts (the rows delivered so far), or null on the last page
 */
public record Aggregation(ColumnMap.Table table, List<String> names, int shown, List<ValueType> types, List<Row> rows,
                          Long count, Keyset.Position next) {
}
