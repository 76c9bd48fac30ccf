package org.patientdocs.query;

import java.util.List;
import java.util.Map;

/**
 * Runs the statements {@link QueryService} builds, each on a pooled connection that is returned before any byte goes
 * to the client; the storage layer implements it over JDBC. Failures arrive as the service's exceptions: an
 * unreachable database as 503, a value the client's query cannot compute over the data as 400.
 */
public interface StatementRunner {

    /** The rows of a statement, each column read as the layout says. */
    List<Row> rows(SqlFragment statement, RowLayout layout);

    /** The one number a {@code SELECT COUNT(*)} answers. */
    long count(SqlFragment statement);

    /** The counts of a statement that answers a group's value (read as {@code group}) and its count per row. */
    Map<Object, Long> counts(SqlFragment statement, ColumnMap.Kind group);
}
