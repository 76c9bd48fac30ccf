package org.patientdocs.query;

/**
 * One key of a total order: an {@code $orderby} expression or the entity key appended after them. Ascending keys
 * put nulls first and descending keys put them last (OData's rule), written out only for nullable keys so that a
 * plain index on a non-null column still serves the order.
 *
 * @param sql the key's SQL; it may hold bind parameters and is repeated where the key is used
 */
public record SortKey(SqlFragment sql, ValueType type, boolean descending, boolean nullable) {

    /** The key in an ORDER BY, referring to it by its output column when given. */
    String orderBy(String outputColumn) {
        String direction = descending ? " DESC" : " ASC";
        String nulls = nullable ? (descending ? " NULLS LAST" : " NULLS FIRST") : "";
        return outputColumn + direction + nulls;
    }
}
