package org.patientdocs.query;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.olingo.server.api.uri.queryoption.AliasQueryOption;
import org.apache.olingo.server.api.uri.queryoption.expression.Expression;
import org.patientdocs.auth.Caller;

/**
 * What the translation of one request shares across its expressions and statements: the store's dialect, the
 * schema mapping, the caller the statements read for and whether they read for the caller's eyes, the parameter
 * aliases ({@code @p=…}), the request's {@code now()} and the counter that names table aliases.
 */
final class QueryContext {

    private final Dialect dialect;
    private final ColumnMap columns;
    private final Indexes indexes;
    private final Caller caller;
    /** Null for the statements that find the entity a change addresses. */
    private final QueryService.BeforeReading beforeReading;
    private final Map<String, Expression> aliases;
    private final OffsetDateTime now;
    private int tableAliases;

    /**
     * @param indexes       the store's indexes, for naming the one a page is read through
     * @param beforeReading called with each table read for the caller; null when the statements find the entity a
     *                      change addresses, which the caller changes (with the scope the change needs) without being
     *                      shown it: then no read scope is needed
     */
    QueryContext(Dialect dialect, ColumnMap columns, Indexes indexes, Caller caller, List<AliasQueryOption> aliases,
                 OffsetDateTime now, QueryService.BeforeReading beforeReading) {
        this.dialect = dialect;
        this.columns = columns;
        this.indexes = indexes;
        this.caller = caller;
        this.beforeReading = beforeReading;
        this.aliases = new HashMap<>();
        if (aliases != null) {
            for (AliasQueryOption alias : aliases) {
                this.aliases.put(alias.getName(), alias.getValue());
            }
        }
        this.now = now.withOffsetSameInstant(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
    }

    Dialect dialect() {
        return dialect;
    }

    ColumnMap columns() {
        return columns;
    }

    /** The store's indexes, for naming the one a page is read through ({@link Indexes}). */
    Indexes indexes() {
        return indexes;
    }

    /** Whom the statements read for: {@link Block} reads every table with a tenant column in its tenant only. */
    Caller caller() {
        return caller;
    }

    /**
     * Refuses a read of the table's rows for the caller unless it has the scope reading them needs, then does what
     * must come before reading them ({@link QueryService.BeforeReading}); a lookup for a change needs neither.
     *
     * @throws org.patientdocs.error.ServiceException.Forbidden naming the scope the caller lacks
     */
    void requireRead(ColumnMap.Table table) {
        if (beforeReading != null) {
            caller.require(table.access().read());
            beforeReading.tableRead(table);
        }
    }

    /** The value of a parameter alias; null when the alias is absent or explicitly null. */
    Expression alias(String name) {
        return aliases.get(name);
    }

    OffsetDateTime now() {
        return now;
    }

    /** A fresh table alias: t0, t1, … */
    String nextAlias() {
        return "t" + tableAliases++;
    }
}
