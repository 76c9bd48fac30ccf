package org.patientdocs.query;

import java.util.ArrayList;
import java.util.List;

/**
 * A piece of SQL with its bind parameters in order. Request values only ever travel in {@link #params()};
 * {@link #sql()} holds placeholders, operators and identifiers from the {@link ColumnMap}.
 *
 * @param nullable whether the value may be SQL NULL, so that comparisons can keep OData's two-valued logic
 */
public record SqlFragment(String sql, List<Object> params, boolean nullable) {

    /** The null literal. */
    public static final SqlFragment NULL = new SqlFragment("NULL", List.of(), true);

    public SqlFragment {
        params = List.copyOf(params);
    }

    public static SqlFragment of(String sql, Object... params) {
        return new SqlFragment(sql, List.of(params), false);
    }

    /** A bound value. */
    public static SqlFragment param(Object value) {
        return new SqlFragment("?", List.of(value), false);
    }

    /** Whether this is a single bound value, which is never null. */
    public boolean isParameter() {
        return sql.equals("?") && params.size() == 1;
    }

    public boolean isNullLiteral() {
        return this == NULL;
    }

    public SqlFragment withNullable(boolean value) {
        return new SqlFragment(sql, params, value);
    }

    /** Joins the parts' SQL with the separator, keeping their parameters in order. */
    public static SqlFragment join(String separator, List<SqlFragment> parts) {
        StringBuilder sql = new StringBuilder();
        List<Object> params = new ArrayList<>();
        boolean nullable = false;
        for (SqlFragment part : parts) {
            if (!sql.isEmpty()) {
                sql.append(separator);
            }
            sql.append(part.sql);
            params.addAll(part.params);
            nullable |= part.nullable;
        }
        return new SqlFragment(sql.toString(), params, nullable);
    }

    /**
     * Fills a template whose {@code {}} markers stand for the given parts, in order. The template is always a
     * constant of the translator, never request text.
     */
    public static SqlFragment format(String template, SqlFragment... parts) {
        StringBuilder sql = new StringBuilder();
        List<Object> params = new ArrayList<>();
        boolean nullable = false;
        int from = 0;
        for (SqlFragment part : parts) {
            int at = template.indexOf("{}", from);
            if (at < 0) {
                throw new IllegalArgumentException("template has fewer markers than parts: " + template);
            }
            sql.append(template, from, at).append(part.sql);
            params.addAll(part.params);
            nullable |= part.nullable;
            from = at + 2;
        }
        if (template.indexOf("{}", from) >= 0) {
            throw new IllegalArgumentException("template has more markers than parts: " + template);
        }
        sql.append(template, from, template.length());
        return new SqlFragment(sql.toString(), params, nullable);
    }
}
