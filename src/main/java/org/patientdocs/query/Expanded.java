package org.patientdocs.query;

import java.util.List;
import java.util.Set;

import org.apache.olingo.commons.api.edm.EdmEntitySet;
import org.apache.olingo.server.api.uri.queryoption.ExpandItem;

/**
 * One expanded navigation of a list of parent rows, with the levels expanded below it.
 *
 * @param navigation the navigation property expanded
 * @param set        the entity set of its targets
 * @param table      where they are stored
 * @param options    the expand item with its options; null for a navigation {@code *} expands, which has none
 * @param selected   the targets' properties to write, the key among them
 * @param computed   the targets' computed properties to write ({@code $compute} inside the expand)
 * @param counted    whether each parent's count is asked for ({@code $count=true} inside the expand)
 * @param inline     per parent row, in the same order: what the navigation holds for it
 * @param nested     the navigations expanded below this one, over the targets of every parent in order
 */
public record Expanded(ColumnMap.Navigation navigation, EdmEntitySet set, ColumnMap.Table table, ExpandItem options,
                       Set<String> selected, ComputedValues computed, boolean counted, List<Inline> inline, List<Expanded> nested) {

    /**
     * What the navigation holds for one parent.
     *
     * @param rows  the targets: at most a page for a collection, at most one for a single entity
     * @param count all matching targets, when counted
     * @param next  where the rest of a collection continues, or null when nothing is left
     */
    public record Inline(List<Row> rows, Long count, Continuation next) {
    }

    /**
     * Where an expanded collection continues after the rows delivered inline: at the navigation's own URL
     * ({@code Patients('p1')/Documents}) with the expand's options and these {@code $skip} and {@code $top}.
     *
     * @param top null when the expand has no {@code $top}
     */
    public record Continuation(int skip, Integer top) {
    }
}
