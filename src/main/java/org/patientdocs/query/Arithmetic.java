package org.patientdocs.query;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;

import org.apache.olingo.server.api.uri.queryoption.expression.BinaryOperatorKind;

/**
 * {@code add sub mul div mod} (and {@code divby}, which arrives as {@code mul 1.0 div}: see
 * {@link org.patientdocs.url.QueryText}). Integer operands give integer results ({@code div} truncates towards zero,
 * {@code mod} takes the dividend's sign, as in both stores); a decimal operand makes the result a decimal with 18
 * fractional digits, rounded half away from zero on both stores. Division and modulo by zero give null, so a
 * comparison with them is false: a query whose answer depends on the data never fails half-way on one store and not
 * on the other. A timestamp plus or minus a duration is a timestamp; the difference of two timestamps is a duration.
 */
final class Arithmetic {

    /** The decimal type computed decimals are held in: enough for any document size, 18 fractional digits. */
    static final String DECIMAL = "DECIMAL(38,18)";
    private static final int DECIMAL_SCALE = 18;

    private Arithmetic() {
    }

    static Operand apply(BinaryOperatorKind operator, Operand left, Operand right, FilterTranslator translator) {
        if (left.isNull() || right.isNull()) {
            return Operand.NULL;
        }
        ValueType l = left.type();
        ValueType r = right.type();
        if (l.isNumeric() && r.isNumeric()) {
            return numeric(operator, left, right, wider(l, r));
        }
        Dialect dialect = translator.block().context().dialect();
        if (operator == BinaryOperatorKind.ADD || operator == BinaryOperatorKind.SUB) {
            boolean subtract = operator == BinaryOperatorKind.SUB;
            if (l == ValueType.DATE_TIME_OFFSET && r == ValueType.DURATION) {
                SqlFragment seconds = subtract ? SqlFragment.format("(-{})", right.typedSql()) : right.typedSql();
                return Operand.of(dialect.plusSeconds(left.typedSql(), seconds), ValueType.DATE_TIME_OFFSET);
            }
            if (l == ValueType.DURATION && r == ValueType.DATE_TIME_OFFSET && !subtract) {
                return Operand.of(dialect.plusSeconds(right.typedSql(), left.typedSql()), ValueType.DATE_TIME_OFFSET);
            }
            if (l == ValueType.DATE_TIME_OFFSET && r == ValueType.DATE_TIME_OFFSET && subtract) {
                return Operand.of(SqlFragment.format("({} - {})", dialect.epochSeconds(left.typedSql()),
                        dialect.epochSeconds(right.typedSql())), ValueType.DURATION);
            }
            if (l == ValueType.DURATION && r == ValueType.DURATION) {
                return Operand.of(SqlFragment.format(subtract ? "({} - {})" : "({} + {})", left.sql(), right.sql()),
                        ValueType.DURATION);
            }
        }
        throw translator.unsupported("the operator " + operator.name().toLowerCase(Locale.ROOT)
                + " on " + l.name().toLowerCase(Locale.ROOT) + " and "
                + r.name().toLowerCase(Locale.ROOT) + " values");
    }

    private static ValueType wider(ValueType a, ValueType b) {
        if (a == ValueType.DOUBLE || b == ValueType.DOUBLE) {
            return ValueType.DOUBLE;
        }
        if (a == ValueType.DECIMAL || b == ValueType.DECIMAL) {
            return ValueType.DECIMAL;
        }
        return ValueType.INTEGER;
    }

    /**
     * Literal operands are typed: H2 types {@code ? / ?} as a decimal (7 div 2 would be 3.5) and cannot type
     * {@code MOD(?, ?)} at all. A decimal divisor stays as given, exactly.
     */
    private static Operand numeric(BinaryOperatorKind operator, Operand left, Operand right, ValueType type) {
        SqlFragment a = left.typedSql();
        SqlFragment b = right.typedSql();
        SqlFragment sql = switch (operator) {
            case ADD -> decimal(SqlFragment.format("({} + {})", a, b), type);
            case SUB -> decimal(SqlFragment.format("({} - {})", a, b), type);
            case MUL -> decimal(SqlFragment.format("({} * {})", a, b), type);
            case DIV -> type == ValueType.INTEGER
                    ? SqlFragment.format("({} / {})", a, divisor(b, right, false))
                    : SqlFragment.format("CAST(CAST({} AS " + DECIMAL + ") / {} AS " + DECIMAL + ")", a,
                            divisor(right.sql(), right, false));
            case MOD -> type == ValueType.INTEGER
                    ? SqlFragment.format("MOD({}, {})", a, divisor(b, right, false))
                    // H2's MOD takes the divisor's type (MOD(7.5, 2) is 2 there), so both become decimals
                    : decimal(SqlFragment.format("MOD(CAST({} AS " + DECIMAL + "), {})", left.sql(),
                            divisor(SqlFragment.format("CAST({} AS " + DECIMAL + ")", right.sql()), right, true)),
                            type);
            default -> throw new IllegalArgumentException("not arithmetic: " + operator);
        };
        return Operand.of(sql, type == ValueType.DOUBLE ? ValueType.DECIMAL : type);
    }

    /**
     * The divisor's SQL, made null where the divisor is zero; a non-zero literal needs no guard.
     *
     * @param scaled whether the SQL holds the literal cast to {@link #DECIMAL}, where a tiny one becomes zero
     */
    private static SqlFragment divisor(SqlFragment sql, Operand divisor, boolean scaled) {
        if (divisor.literal() instanceof Number number) {
            BigDecimal value = new BigDecimal(number.toString());
            if ((scaled ? value.setScale(DECIMAL_SCALE, RoundingMode.HALF_UP) : value).signum() != 0) {
                return sql;
            }
        }
        return SqlFragment.format("NULLIF({}, 0)", sql).withNullable(true);
    }

    /** Decimal results are brought to the common scale so both stores produce the same digits. */
    private static SqlFragment decimal(SqlFragment sql, ValueType type) {
        return type == ValueType.INTEGER ? sql : SqlFragment.format("CAST({} AS " + DECIMAL + ")", sql);
    }
}
