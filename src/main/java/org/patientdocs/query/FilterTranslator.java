package org.patientdocs.query;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.apache.olingo.commons.api.edm.EdmEnumType;
import org.apache.olingo.commons.api.edm.EdmPrimitiveType;
import org.apache.olingo.commons.api.edm.EdmPrimitiveTypeException;
import org.apache.olingo.commons.api.edm.EdmPrimitiveTypeKind;
import org.apache.olingo.commons.api.edm.EdmType;
import org.apache.olingo.server.api.ODataApplicationException;
import org.apache.olingo.server.api.uri.queryoption.expression.BinaryOperatorKind;
import org.apache.olingo.server.api.uri.queryoption.expression.Expression;
import org.apache.olingo.server.api.uri.queryoption.expression.ExpressionVisitException;
import org.apache.olingo.server.api.uri.queryoption.expression.ExpressionVisitor;
import org.apache.olingo.server.api.uri.queryoption.expression.Literal;
import org.apache.olingo.server.api.uri.queryoption.expression.Member;
import org.apache.olingo.server.api.uri.queryoption.expression.MethodKind;
import org.apache.olingo.server.api.uri.queryoption.expression.UnaryOperatorKind;
import org.patientdocs.error.ErrorCode;
import org.patientdocs.error.ServiceException;

/**
 * Translates a parsed {@code $filter} (or an {@code $orderby} expression) into SQL over one {@link Block}. Literals
 * become bind parameters; identifiers come only from the {@link ColumnMap}, qualified by table aliases. Comparisons
 * keep OData's two-valued logic: a comparison involving a null value is false (except {@code eq null} /
 * {@code ne null}), so {@code not} and {@code ne} behave as OData clients expect. Functions are rendered by
 * {@link Functions}, paths (properties, navigation, lambdas) by {@link Paths}.
 */
final class FilterTranslator implements ExpressionVisitor<Operand> {

    private final Block block;
    private final Map<String, Block.Binding> variables;
    private final Block.Binding it;
    private final String target;
    private final Set<String> aliasesInUse;
    private final Map<String, Operand> names;
    private final boolean namesOnly;

    /** A translator for expressions over the block's table; {@code target} names the option in errors. */
    FilterTranslator(Block block, String target) {
        this(block, Map.of(), block.root(), target, new HashSet<>(), Map.of(), false);
    }

    /**
     * A translator for expressions over a transformed result ({@code $apply}): paths that name one of {@code names}
     * (a computed property, a grouped property, an aggregated value) are those values.
     *
     * @param namesOnly whether nothing else may be used: after grouping, the table's other properties are gone
     */
    FilterTranslator(Block block, String target, Map<String, Operand> names, boolean namesOnly) {
        this(block, Map.of(), block.root(), target, new HashSet<>(), Map.copyOf(names), namesOnly);
    }

    private FilterTranslator(Block block, Map<String, Block.Binding> variables, Block.Binding it, String target,
                             Set<String> aliasesInUse, Map<String, Operand> names, boolean namesOnly) {
        this.block = block;
        this.variables = variables;
        this.it = it;
        this.target = target;
        this.aliasesInUse = aliasesInUse;
        this.names = names;
        this.namesOnly = namesOnly;
    }

    /** A translator for a lambda body: the same outer bindings plus the lambda variable over a new block. */
    FilterTranslator withVariable(Block inner, String variable) {
        Map<String, Block.Binding> scope = new HashMap<>(variables);
        scope.put(variable, inner.root());
        return new FilterTranslator(inner, scope, it, target, aliasesInUse, Map.of(), false);
    }

    /** The value a path names in a transformed result, or null. */
    Operand named(String name) {
        return names.get(name);
    }

    /** Whether paths can name only the values of a transformed result ({@link #named}). */
    boolean namesOnly() {
        return namesOnly;
    }

    Block block() {
        return block;
    }

    Block.Binding variable(String name) {
        return variables.get(name);
    }

    Block.Binding it() {
        return it;
    }

    String target() {
        return target;
    }

    /** The SQL condition for a boolean expression: never NULL, so it can be negated safely. */
    SqlFragment condition(Expression expression) {
        Operand result = value(expression);
        if (result.isNull()) {
            return SqlFragment.of("(1=0)");
        }
        if (result.type() != ValueType.BOOLEAN) {
            throw new ServiceException.BadRequest(ErrorCode.INVALID_QUERY_OPTION, target,
                    "The " + target + " expression is not a boolean");
        }
        return result.nullable() ? SqlFragment.format("({} AND {} IS NOT NULL)", result.sql(), result.sql())
                .withNullable(false) : result.sql();
    }

    /** The SQL value of an expression with its type. */
    Operand value(Expression expression) {
        try {
            return expression.accept(this);
        } catch (ExpressionVisitException | ODataApplicationException e) {
            throw new ServiceException.BadRequest(ErrorCode.INVALID_QUERY_OPTION, target,
                    "The " + target + " expression cannot be evaluated", e);
        }
    }

    @Override
    public Operand visitBinaryOperator(BinaryOperatorKind operator, Operand left, Operand right) {
        return switch (operator) {
            case AND -> Operand.of(SqlFragment.format("({} AND {})", bool(left), bool(right)).withNullable(false),
                    ValueType.BOOLEAN);
            case OR -> Operand.of(SqlFragment.format("({} OR {})", bool(left), bool(right)).withNullable(false),
                    ValueType.BOOLEAN);
            case EQ, NE, GT, GE, LT, LE -> Comparisons.compare(operator, left, right, this);
            case ADD, SUB, MUL, DIV, MOD -> Arithmetic.apply(operator, left, right, this);
            default -> throw unsupported("the operator " + operator.name().toLowerCase(Locale.ROOT));
        };
    }

    @Override
    public Operand visitBinaryOperator(BinaryOperatorKind operator, Operand left, List<Operand> right) {
        if (operator != BinaryOperatorKind.IN) {
            throw unsupported("the operator " + operator.name().toLowerCase(Locale.ROOT));
        }
        return Comparisons.in(left, right);
    }

    @Override
    public Operand visitUnaryOperator(UnaryOperatorKind operator, Operand operand) {
        return switch (operator) {
            case NOT -> Operand.of(SqlFragment.format("(NOT {})", bool(operand)).withNullable(false),
                    ValueType.BOOLEAN);
            case MINUS -> Operand.of(SqlFragment.format("(-{})", operand.typedSql()), operand.type());
        };
    }

    /** A boolean operand as a never-NULL condition. */
    private SqlFragment bool(Operand operand) {
        if (operand.isNull()) {
            return SqlFragment.of("(1=0)");
        }
        return operand.nullable()
                ? SqlFragment.format("({} AND {} IS NOT NULL)", operand.sql(), operand.sql()).withNullable(false)
                : operand.sql();
    }

    @Override
    public Operand visitMethodCall(MethodKind method, List<Operand> parameters) {
        return Functions.call(method, parameters, this);
    }

    @Override
    public Operand visitLiteral(Literal literal) {
        EdmType type = literal.getType();
        if (type == null) {
            return Operand.NULL;
        }
        if (!(type instanceof EdmPrimitiveType primitive)) {
            throw unsupported("a literal of type " + type.getName());
        }
        EdmPrimitiveTypeKind kind = EdmPrimitiveTypeKind.valueOfFQN(primitive.getFullQualifiedName());
        ValueType valueType = ValueType.of(kind);
        if (valueType == null) {
            throw unsupported("a literal of type " + primitive.getName());
        }
        try {
            String text = primitive.fromUriLiteral(literal.getText());
            Object bound = switch (valueType) {
                case STRING -> text;
                case GUID -> primitive.valueOfString(text, true, null, null, null, true, UUID.class)
                        .toString();
                case BOOLEAN -> primitive.valueOfString(text, true, null, null, null, true, Boolean.class);
                case INTEGER -> primitive.valueOfString(text, true, null, null, null, true, Long.class);
                case DECIMAL, DURATION -> primitive.valueOfString(text, true, null, null, Integer.MAX_VALUE, true,
                        BigDecimal.class);
                case DOUBLE -> finite(primitive.valueOfString(text, true, null, null, null, true, Double.class));
                case DATE -> primitive.valueOfString(text, true, null, null, null, true, LocalDate.class);
                case DATE_TIME_OFFSET -> primitive.valueOfString(text, true, null, 12, null, true,
                        ZonedDateTime.class).toOffsetDateTime();
                case TIME_OF_DAY -> primitive.valueOfString(text, true, null, 12, null, true, LocalTime.class);
            };
            if (valueType == ValueType.STRING) {
                // compared, ordered and case-mapped by code point, as the columns are (Dialect#codePointText)
                return new Operand(block.context().dialect().codePointText(SqlFragment.param(text)), valueType, text,
                        null);
            }
            return Operand.literal(bound, valueType == ValueType.DOUBLE ? ValueType.DECIMAL : valueType);
        } catch (EdmPrimitiveTypeException e) {
            throw new ServiceException.BadRequest(ErrorCode.INVALID_LITERAL, target,
                    "The literal " + literal.getText() + " is not a valid " + primitive.getName(), e);
        }
    }

    /** Doubles are computed as decimals: the model has no floating-point properties. */
    private BigDecimal finite(Double value) {
        if (value.isNaN() || value.isInfinite()) {
            throw unsupported("the literals NaN and INF");
        }
        return BigDecimal.valueOf(value);
    }

    @Override
    public Operand visitMember(Member member) {
        return Paths.resolve(member, this);
    }

    @Override
    public Operand visitAlias(String aliasName) {
        Expression value = block.context().alias(aliasName);
        if (value == null) {
            return Operand.NULL;
        }
        if (!aliasesInUse.add(aliasName)) {
            throw new ServiceException.BadRequest(ErrorCode.INVALID_QUERY_OPTION, aliasName,
                    "The parameter alias " + aliasName + " refers to itself");
        }
        try {
            return value(value);
        } finally {
            aliasesInUse.remove(aliasName);
        }
    }

    @Override
    public Operand visitTypeLiteral(EdmType type) {
        return new Operand(SqlFragment.of(""), null, null, type);
    }

    @Override
    public Operand visitLambdaExpression(String lambdaFunction, String lambdaVariable, Expression expression) {
        // Olingo hands lambdas to visitMember as part of the path; this is only reached for a bare lambda.
        throw unsupported("a lambda operator outside a navigation path");
    }

    @Override
    public Operand visitLambdaReference(String variableName) {
        throw unsupported("a lambda variable on its own");
    }

    @Override
    public Operand visitEnum(EdmEnumType type, List<String> enumValues) {
        throw unsupported("enumeration values");
    }

    ServiceException unsupported(String what) {
        return new ServiceException.NotImplemented(ErrorCode.QUERY_FEATURE_UNSUPPORTED, target,
                "The " + target + " option does not support " + what);
    }

    /** The now() of this request, the same for every occurrence. */
    OffsetDateTime now() {
        return block.context().now();
    }
}
