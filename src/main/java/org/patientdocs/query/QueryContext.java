package org.patientdocs.query;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.olingo.server.api.uri.queryoption.AliasQueryOption;
import org.apache.olingo.server.api.uri.queryoption.expression.Expression;

/**
 * What the translation of one request shares across its expressions and statements: the store's dialect, the
 * schema mapping, the parameter aliases ({@code @p=…}), the request's {@code now()} and the counter that names
 * table aliases.
 */
public final class QueryContext {

    private final Dialect dialect;
    private final ColumnMap columns;
    private final Map<String, Expression> aliases;
    private final OffsetDateTime now;
    private int tableAliases;

    public QueryContext(Dialect dialect, ColumnMap columns, List<AliasQueryOption> aliases, OffsetDateTime now) {
        this.dialect = dialect;
        this.columns = columns;
        this.aliases = new HashMap<>();
        if (aliases != null) {
            for (AliasQueryOption alias : aliases) {
                this.aliases.put(alias.getName(), alias.getValue());
            }
        }
        this.now = now.withOffsetSameInstant(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
    }

    public Dialect dialect() {
        return dialect;
    }

    public ColumnMap columns() {
        return columns;
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
