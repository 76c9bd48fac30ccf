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
 * schema mapping, the caller the statements read for, the parameter aliases ({@code @p=…}), the request's
 * {@code now()} and the counter that names table aliases.
 */
final class QueryContext {

    private final Dialect dialect;
    private final ColumnMap columns;
    private final Caller caller;
    private final Map<String, Expression> aliases;
    private final OffsetDateTime now;
    private int tableAliases;

    QueryContext(Dialect dialect, ColumnMap columns, Caller caller, List<AliasQueryOption> aliases,
                        OffsetDateTime now) {
        this.dialect = dialect;
        this.columns = columns;
        this.caller = caller;
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

    /** Whom the statements read for: {@link Block} reads every table with a tenant column in its tenant only. */
    Caller caller() {
        return caller;
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
