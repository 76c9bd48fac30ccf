package org.patientdocs.query;

import java.util.List;
import java.util.Set;

/**
 * One page of the collection a request addresses, as {@link QueryService#page} reads it.
 *
 * @param table    where the entities are stored
 * @param selected the properties the client selected, the key among them; rows may hold more, read for the service
 * @param rows     the page's entities, in order
 * @param count    how many entities the request's conditions match, ignoring paging; null when not asked for
 * @param next     where the next page starts, or null on the last page; a skip token carries it
 * @param expanded the expanded navigations of the rows, at every level
 * @param computed the computed properties ({@code $compute}) the rows carry
 */
public record Page(ColumnMap.Table table, Set<String> selected, List<Row> rows, Long count, Keyset.Position next,
                   List<Expanded> expanded, ComputedValues computed) {

    /** A page without computed properties. */
    public Page(ColumnMap.Table table, Set<String> selected, List<Row> rows, Long count, Keyset.Position next,
                List<Expanded> expanded) {
        this(table, selected, rows, count, next, expanded, ComputedValues.NONE);
    }
}
