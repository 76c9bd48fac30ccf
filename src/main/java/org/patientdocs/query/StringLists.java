package org.patientdocs.query;

import java.util.List;

import org.apache.olingo.server.api.uri.UriResource;
import org.apache.olingo.server.api.uri.UriResourceCount;
import org.apache.olingo.server.api.uri.UriResourceLambdaAll;
import org.apache.olingo.server.api.uri.UriResourceLambdaAny;
import org.apache.olingo.server.api.uri.UriResourceLambdaVariable;
import org.apache.olingo.server.api.uri.queryoption.expression.Binary;
import org.apache.olingo.server.api.uri.queryoption.expression.BinaryOperatorKind;
import org.apache.olingo.server.api.uri.queryoption.expression.Expression;
import org.apache.olingo.server.api.uri.queryoption.expression.Member;

/**
 * Lists of strings in expressions ({@code Collection(Edm.String)} properties, stored as an array column):
 * {@code document_ids/any(d: d eq 'doc-1')} becomes {@code ? = ANY(t0.document_ids)}, {@code all} becomes
 * {@code ALL}, and {@code document_ids/$count} the list's length. A lambda's body is one comparison of its variable
 * with a value that does not depend on it (the parser has checked that the value is a string), which both stores
 * evaluate alike: H2 cannot read an array column of the outer row in a subquery ({@code UNNEST(t0.document_ids)}),
 * which any other body would need. As for navigation, {@code all} over an empty list is true; over a missing list
 * (null) {@code any} and {@code all} are false.
 */
final class StringLists {

    private StringLists() {
    }

    /** The list, after which comes {@code next}: {@code any}, {@code all} or {@code $count}. */
    static Operand resolve(SqlFragment list, UriResource next, FilterTranslator translator) {
        if (next instanceof UriResourceCount) {
            return Operand.of(SqlFragment.format("COALESCE(CARDINALITY({}), 0)", list).withNullable(false),
                    ValueType.INTEGER);
        }
        if (next instanceof UriResourceLambdaAny any) {
            if (any.getExpression() == null) {
                return Operand.of(SqlFragment.format("(COALESCE(CARDINALITY({}), 0) > 0)", list).withNullable(false),
                        ValueType.BOOLEAN);
            }
            return lambda(list, any.getLambdaVariable(), any.getExpression(), "ANY", translator);
        }
        if (next instanceof UriResourceLambdaAll all && all.getExpression() != null) {
            return lambda(list, all.getLambdaVariable(), all.getExpression(), "ALL", translator);
        }
        throw translator.unsupported("a list of values without any (with or without a condition), all (with one)"
                + " or $count");
    }

    /** {@code value op ANY(list)}, or ALL: the list's elements on the right of the comparison. */
    private static Operand lambda(SqlFragment list, String variable, Expression body, String quantifier,
                                  FilterTranslator translator) {
        if (!(body instanceof Binary binary) || operator(binary.getOperator()) == null) {
            throw onlyComparisons(translator);
        }
        boolean elementLeft = isVariable(binary.getLeftOperand(), variable);
        boolean elementRight = isVariable(binary.getRightOperand(), variable);
        if (elementLeft == elementRight) {
            throw onlyComparisons(translator);
        }
        Operand value = translator.value(elementLeft ? binary.getRightOperand() : binary.getLeftOperand());
        if (value.isNull()) {
            throw translator.unsupported("comparing the values of a list with null");
        }
        // d lt 'x' is 'x' gt d: the element moves to the right-hand side, so the operator turns round
        String operator = operator(elementLeft ? mirrored(binary.getOperator()) : binary.getOperator());
        // false, not null, when the list is null (or the value is), also under not
        return Operand.of(SqlFragment.format("COALESCE({} " + operator + " " + quantifier + "({}), FALSE)",
                value.sql(), list).withNullable(false), ValueType.BOOLEAN);
    }

    private static boolean isVariable(Expression expression, String variable) {
        if (!(expression instanceof Member member) || member.getResourcePath() == null) {
            return false;
        }
        List<UriResource> parts = member.getResourcePath().getUriResourceParts();
        return parts.size() == 1 && parts.get(0) instanceof UriResourceLambdaVariable lambda
                && lambda.getVariableName().equals(variable);
    }

    private static String operator(BinaryOperatorKind kind) {
        return switch (kind) {
            case EQ -> "=";
            case NE -> "<>";
            case LT -> "<";
            case LE -> "<=";
            case GT -> ">";
            case GE -> ">=";
            default -> null;
        };
    }

    private static BinaryOperatorKind mirrored(BinaryOperatorKind kind) {
        return switch (kind) {
            case LT -> BinaryOperatorKind.GT;
            case LE -> BinaryOperatorKind.GE;
            case GT -> BinaryOperatorKind.LT;
            case GE -> BinaryOperatorKind.LE;
            default -> kind;
        };
    }

    private static RuntimeException onlyComparisons(FilterTranslator translator) {
        return translator.unsupported("this lambda over a list of values: its condition must compare the lambda"
                + " variable with a value, e.g. document_ids/any(d: d eq 'doc-…')");
    }
}
