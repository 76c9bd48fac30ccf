package org.patientdocs.query;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.apache.olingo.commons.api.edm.EdmEnumType;
import org.apache.olingo.commons.api.edm.EdmPrimitiveType;
import org.apache.olingo.commons.api.edm.EdmPrimitiveTypeException;
import org.apache.olingo.commons.api.edm.EdmPrimitiveTypeKind;
import org.apache.olingo.commons.api.edm.EdmType;
import org.apache.olingo.server.api.uri.UriResource;
import org.apache.olingo.server.api.uri.UriResourcePrimitiveProperty;
import org.apache.olingo.server.api.uri.queryoption.expression.BinaryOperatorKind;
import org.apache.olingo.server.api.uri.queryoption.expression.Expression;
import org.apache.olingo.server.api.uri.queryoption.expression.ExpressionVisitor;
import org.apache.olingo.server.api.uri.queryoption.expression.Literal;
import org.apache.olingo.server.api.uri.queryoption.expression.Member;
import org.apache.olingo.server.api.uri.queryoption.expression.MethodKind;
import org.apache.olingo.server.api.uri.queryoption.expression.UnaryOperatorKind;
import org.patientdocs.error.ErrorCode;
import org.patientdocs.error.ServiceException;

/**
 * Translates a parsed {@code $filter} (or an {@code $orderby} expression) into SQL over one table. Literals become
 * bind parameters; identifiers come only from the {@link ColumnMap}. Comparisons keep OData's two-valued logic:
 * a comparison involving a null value is false (except {@code eq null} / {@code ne null}), so {@code not} and
 * {@code ne} behave as OData clients expect.
 */
public final class FilterTranslator implements ExpressionVisitor<SqlFragment> {

    private static final char LIKE_ESCAPE = '\\';

    private final ColumnMap.Table table;
    private final String target;

    public FilterTranslator(ColumnMap.Table table, String target) {
        this.table = table;
        this.target = target;
    }

    /** The SQL condition for a boolean expression. */
    public SqlFragment translate(Expression expression) {
        try {
            return expression.accept(this);
        } catch (ServiceException e) {
            throw e;
        } catch (Exception e) {
            throw new ServiceException.BadRequest(ErrorCode.INVALID_QUERY_OPTION, target,
                    "The " + target + " expression cannot be evaluated", e);
        }
    }

    @Override
    public SqlFragment visitBinaryOperator(BinaryOperatorKind operator, SqlFragment left, SqlFragment right) {
        return switch (operator) {
            case AND -> SqlFragment.format("({} AND {})", left, right).withNullable(false);
            case OR -> SqlFragment.format("({} OR {})", left, right).withNullable(false);
            case EQ -> equality(left, right, true);
            case NE -> equality(left, right, false);
            case GT -> ordering(">", left, right);
            case GE -> ordering(">=", left, right);
            case LT -> ordering("<", left, right);
            case LE -> ordering("<=", left, right);
            default -> throw unsupported("the operator " + operator.name().toLowerCase(Locale.ROOT));
        };
    }

    @Override
    public SqlFragment visitBinaryOperator(BinaryOperatorKind operator, SqlFragment left, List<SqlFragment> right) {
        throw unsupported("the operator " + operator.name().toLowerCase(Locale.ROOT));
    }

    private static SqlFragment equality(SqlFragment left, SqlFragment right, boolean equal) {
        if (left.isNullLiteral() && right.isNullLiteral()) {
            return SqlFragment.of(equal ? "(1=1)" : "(1=0)");
        }
        if (right.isNullLiteral() || left.isNullLiteral()) {
            SqlFragment operand = right.isNullLiteral() ? left : right;
            return SqlFragment.format(equal ? "({} IS NULL)" : "({} IS NOT NULL)", operand).withNullable(false);
        }
        SqlFragment plain = SqlFragment.format(equal ? "({} = {})" : "({} <> {})", left, right);
        if (!left.nullable() && !right.nullable()) {
            return plain;
        }
        // In SQL a comparison with NULL is unknown; in OData null eq x is false and null eq null is true.
        if (left.nullable() && right.nullable()) {
            return SqlFragment.format(equal
                            ? "(({} AND {} IS NOT NULL AND {} IS NOT NULL) OR ({} IS NULL AND {} IS NULL))"
                            : "(({} AND {} IS NOT NULL AND {} IS NOT NULL) OR ({} IS NULL AND {} IS NOT NULL)"
                                    + " OR ({} IS NOT NULL AND {} IS NULL))",
                    equal ? List.of(plain, left, right, left, right).toArray(SqlFragment[]::new)
                            : List.of(plain, left, right, left, right, left, right).toArray(SqlFragment[]::new))
                    .withNullable(false);
        }
        SqlFragment nullableSide = left.nullable() ? left : right;
        return SqlFragment.format(equal ? "({} AND {} IS NOT NULL)" : "({} OR {} IS NULL)", plain, nullableSide)
                .withNullable(false);
    }

    private static SqlFragment ordering(String op, SqlFragment left, SqlFragment right) {
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

    @Override
    public SqlFragment visitUnaryOperator(UnaryOperatorKind operator, SqlFragment operand) {
        return switch (operator) {
            case NOT -> SqlFragment.format("(NOT {})", operand).withNullable(false);
            case MINUS -> SqlFragment.format("(-{})", operand);
        };
    }

    @Override
    public SqlFragment visitMethodCall(MethodKind method, List<SqlFragment> args) {
        return switch (method) {
            case CONTAINS -> like(args, "%", "%");
            case STARTSWITH -> like(args, "", "%");
            case ENDSWITH -> like(args, "%", "");
            case TOLOWER -> SqlFragment.format("LOWER({})", args.get(0));
            case TOUPPER -> SqlFragment.format("UPPER({})", args.get(0));
            case LENGTH -> SqlFragment.format("CHAR_LENGTH({})", args.get(0));
            case TRIM -> SqlFragment.format("TRIM({})", args.get(0));
            default -> throw unsupported("the function " + method.toString());
        };
    }

    /** contains/startswith/endswith: the pattern's own % and _ match literally. */
    private SqlFragment like(List<SqlFragment> args, String prefix, String suffix) {
        SqlFragment subject = args.get(0);
        SqlFragment pattern = args.get(1);
        if (subject.isNullLiteral() || pattern.isNullLiteral()) {
            return SqlFragment.of("(1=0)");
        }
        SqlFragment likePattern;
        if (pattern.sql().equals("?") && pattern.params().get(0) instanceof String text) {
            likePattern = SqlFragment.param(prefix + escapeLike(text) + suffix);
        } else {
            throw unsupported("a search pattern that is not a string literal");
        }
        SqlFragment like = SqlFragment.format("({} LIKE {} ESCAPE '" + LIKE_ESCAPE + "')", subject, likePattern);
        return subject.nullable()
                ? SqlFragment.format("({} AND {} IS NOT NULL)", like, subject).withNullable(false)
                : like;
    }

    static String escapeLike(String text) {
        StringBuilder out = new StringBuilder(text.length() + 8);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '%' || c == '_' || c == LIKE_ESCAPE) {
                out.append(LIKE_ESCAPE);
            }
            out.append(c);
        }
        return out.toString();
    }

    @Override
    public SqlFragment visitLiteral(Literal literal) {
        EdmType type = literal.getType();
        if (type == null) {
            return SqlFragment.NULL;
        }
        if (!(type instanceof EdmPrimitiveType primitive)) {
            throw unsupported("a literal of type " + type.getName());
        }
        try {
            String value = primitive.fromUriLiteral(literal.getText());
            Object bound = switch (EdmPrimitiveTypeKind.valueOfFQN(primitive.getFullQualifiedName())) {
                case String -> value;
                case Boolean -> primitive.valueOfString(value, true, null, null, null, true, Boolean.class);
                case SByte, Byte, Int16, Int32, Int64 ->
                        primitive.valueOfString(value, true, null, null, null, true, Long.class);
                case Decimal -> primitive.valueOfString(value, true, null, null, null, true, BigDecimal.class);
                case Single, Double -> primitive.valueOfString(value, true, null, null, null, true, Double.class);
                case Date -> primitive.valueOfString(value, true, null, null, null, true, LocalDate.class);
                case DateTimeOffset -> primitive.valueOfString(value, true, null, null, null, true,
                        ZonedDateTime.class).toOffsetDateTime();
                default -> throw unsupported("a literal of type " + primitive.getName());
            };
            return SqlFragment.param(bound);
        } catch (EdmPrimitiveTypeException e) {
            throw new ServiceException.BadRequest(ErrorCode.INVALID_LITERAL, target,
                    "The literal " + literal.getText() + " is not a valid " + primitive.getName(), e);
        }
    }

    @Override
    public SqlFragment visitMember(Member member) {
        List<UriResource> parts = member.getResourcePath().getUriResourceParts();
        if (parts.size() != 1 || !(parts.get(0) instanceof UriResourcePrimitiveProperty property)) {
            throw unsupported("a path other than a property of " + table.entityType().getName());
        }
        ColumnMap.Column column = table.column(property.getProperty().getName());
        return new SqlFragment(column.name(), List.of(), column.nullable());
    }

    @Override
    public SqlFragment visitAlias(String aliasName) {
        throw unsupported("parameter aliases");
    }

    @Override
    public SqlFragment visitTypeLiteral(EdmType type) {
        throw unsupported("type literals");
    }

    @Override
    public SqlFragment visitLambdaExpression(String lambdaFunction, String lambdaVariable, Expression expression) {
        throw unsupported("lambda operators");
    }

    @Override
    public SqlFragment visitLambdaReference(String variableName) {
        throw unsupported("lambda operators");
    }

    @Override
    public SqlFragment visitEnum(EdmEnumType type, List<String> enumValues) {
        throw unsupported("enumeration values");
    }

    private ServiceException unsupported(String what) {
        return new ServiceException.NotImplemented(ErrorCode.QUERY_FEATURE_UNSUPPORTED, target,
                "The " + target + " option does not support " + what + " yet");
    }
}
