package org.patientdocs.query;

import java.util.List;

/**
 * The computed properties ({@code $compute}) an answer shows for each row of a statement, found after the row's
 * other values.
 *
 * @param names the computed properties' names, in order
 * @param types their types, in the same order
 * @param first the result column (from 0) of the first of them
 */
public record ComputedValues(List<String> names, List<ValueType> types, int first) {

    /** None: rows of a statement that computes nothing. */
    public static final ComputedValues NONE = new ComputedValues(List.of(), List.of(), 0);

    /** The {@code i}-th computed value of the row. */
    public Object value(Row row, int i) {
        return row.value(first + i);
    }
}
