package org.patientdocs.query;

import java.util.ArrayList;
import java.util.List;

import org.apache.olingo.server.api.uri.queryoption.expression.BinaryOperatorKind;

/**
 * Comparison operators with OData's two-valued logic. In SQL a comparison with NULL is unknown, and {@code NOT}
 * of unknown is unknown again; in OData {@code null eq x} is false, {@code null eq null} is true and any ordering
 * comparison with null is false. Each comparison involving a nullable operand is therefore guarded so that the
 * result is always true or false.
 */
final class Comparisons {

    private Comparisons() {
    }

    static Operand compare(BinaryOperatorKind operator, Operand left, Operand right, FilterTranslator translator) {
        SqlFragment sql = switch (operator) {
            case EQ -> equality(left.sql(), right.sql(), true);
            case NE -> equality(left.sql(), right.sql(), false);
            case GT -> ordering(">", left.sql(), right.sql());
            case GE -> ordering(">=", left.sql(), right.sql());
            case LT -> ordering("<", left.sql(), right.sql());
            case LE -> ordering("<=", left.sql(), right.sql());
            default -> throw translator.unsupported("the operator " + operator);
        };
        return Operand.of(sql, ValueType.BOOLEAN);
    }

    static SqlFragment equality(SqlFragment left, SqlFragment right, boolean equal) {
        if (left.isNullLiteral() && right.isNullLiteral()) {
            return SqlFragment.of(equal ? "(1=1)" : "(1=0)");
        }
        if (right.isNullLiteral() || left.isNullLiteral()) {
            SqlFragment operand = right.isNullLiteral() ? left : right;
            if (operand.isParameter()) {
                // a bound value is never null; H2 could not even tell its type in "? IS NULL"
                return SqlFragment.of(equal ? "(1=0)" : "(1=1)");
            }
            return SqlFragment.format(equal ? "({} IS NULL)" : "({} IS NOT NULL)", operand).withNullable(false);
        }
        SqlFragment plain = SqlFragment.format(equal ? "({} = {})" : "({} <> {})", left, right);
        if (!left.nullable() && !right.nullable()) {
            return plain;
        }
        if (left.nullable() && right.nullable()) {
            return (equal
                    ? SqlFragment.format("(({} AND {} IS NOT NULL AND {} IS NOT NULL) OR ({} IS NULL AND {} IS NULL))",
                            plain, left, right, left, right)
                    : SqlFragment.format("(({} AND {} IS NOT NULL AND {} IS NOT NULL)"
                                    + " OR ({} IS NULL AND {} IS NOT NULL) OR ({} IS NOT NULL AND {} IS NULL))",
                            plain, left, right, left, right, left, right))
                    .withNullable(false);
        }
        SqlFragment nullableSide = left.nullable() ? left : right;
        return SqlFragment.format(equal ? "({} AND {} IS NOT NULL)" : "({} OR {} IS NULL)", plain, nullableSide)
                .withNullable(false);
    }

    static SqlFragment ordering(String op, SqlFragment left, SqlFragment right) {
        if (left.isNullLiteral() || right.isNullLiteral()) {
            return SqlFragment.of("(1=0)");
        }
        SqlFragment comparison = SqlFragment.format("({} " + op + " {})", left, right);
        if (!comparison.nullable()) {
            return comparison;
        }
        List<SqlFragment> guarded = new ArrayList<>(List.of(comparison.withNullable(false)));
        for (SqlFragment side : List.of(left, right)) {
            if (side.nullable()) {
                guarded.add(SqlFragment.format("{} IS NOT NULL", side));
            }
        }
        return SqlFragment.format("({})", SqlFragment.join(" AND ", guarded)).withNullable(false);
    }

    /**
     * {@code x in (a, b, …)}: a plain {@code IN} over bound literals, guarded when x may be null; a list with other
     * expressions or a null becomes the disjunction of the equalities, which keeps the two-valued logic.
     */
    static Operand in(Operand subject, List<Operand> items) {
        if (items.isEmpty()) {
            return Operand.of(SqlFragment.of("(1=0)"), ValueType.BOOLEAN);
        }
        boolean literals = items.stream().allMatch(Operand::isLiteral);
        if (literals && !subject.isNull()) {
            List<SqlFragment> values = items.stream().map(Operand::sql).toList();
            SqlFragment in = SqlFragment.format("({} IN ({}))", subject.sql(), SqlFragment.join(", ", values));
            SqlFragment sql = subject.nullable()
                    ? SqlFragment.format("({} AND {} IS NOT NULL)", in.withNullable(false), subject.sql())
                    : in;
            return Operand.of(sql.withNullable(false), ValueType.BOOLEAN);
        }
        List<SqlFragment> equalities = new ArrayList<>();
        for (Operand item : items) {
            equalities.add(equality(subject.sql(), item.sql(), true));
        }
        return Operand.of(SqlFragment.format("({})", SqlFragment.join(" OR ", equalities)).withNullable(false),
                ValueType.BOOLEAN);
    }
}
