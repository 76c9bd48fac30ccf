package org.patientdocs.query;

import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;

import org.apache.olingo.commons.api.edm.EdmType;

/**
 * A translated expression: its SQL with bind parameters, its type and, for a literal, the bound Java value (some
 * functions need it, e.g. to escape a LIKE pattern or to check a regular expression).
 *
 * @param type        null for the null literal and for type literals
 * @param literal     the value bound for a literal, or null
 * @param typeLiteral for a type literal ({@code Edm.String} in {@code cast}), the type; else null
 */
record Operand(SqlFragment sql, ValueType type, Object literal, EdmType typeLiteral) {

    static final Operand NULL = new Operand(SqlFragment.NULL, null, null, null);

    static Operand of(SqlFragment sql, ValueType type) {
        return new Operand(sql, type, null, null);
    }

    static Operand literal(Object value, ValueType type) {
        return new Operand(SqlFragment.param(value), type, value, null);
    }

    /**
     * The SQL, with a literal's parameter cast to its type: for the arguments of functions and operators from which
     * the database cannot tell a parameter's type, as when all of them are literals.
     */
    SqlFragment typedSql() {
        if (!isLiteral()) {
            return sql;
        }
        // both stores keep microseconds; cut here, rounding would differ (23:59:59.9999999 is 24:00 on PostgreSQL)
        Object value = literal instanceof OffsetDateTime time ? time.truncatedTo(ChronoUnit.MICROS)
                : literal instanceof LocalTime time ? time.truncatedTo(ChronoUnit.MICROS) : literal;
        return SqlFragment.format("CAST({} AS " + type.sqlType() + ")", SqlFragment.param(value));
    }

    boolean isNull() {
        return sql.isNullLiteral();
    }

    boolean isLiteral() {
        return literal != null;
    }

    boolean nullable() {
        return sql.nullable();
    }
}
