package org.patientdocs.server;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

import org.apache.olingo.commons.api.edm.EdmEnumType;
import org.apache.olingo.commons.api.edm.EdmPrimitiveType;
import org.apache.olingo.commons.api.edm.EdmPrimitiveTypeException;
import org.apache.olingo.commons.api.edm.EdmPrimitiveTypeKind;
import org.apache.olingo.commons.api.edm.EdmType;
import org.apache.olingo.server.api.ODataApplicationException;
import org.apache.olingo.server.api.uri.UriResource;
import org.apache.olingo.server.api.uri.UriResourceCount;
import org.apache.olingo.server.api.uri.UriResourceIt;
import org.apache.olingo.server.api.uri.UriResourceLambdaAll;
import org.apache.olingo.server.api.uri.UriResourceLambdaAny;
import org.apache.olingo.server.api.uri.UriResourceLambdaVariable;
import org.apache.olingo.server.api.uri.UriResourceNavigation;
import org.apache.olingo.server.api.uri.UriResourcePrimitiveProperty;
import org.apache.olingo.server.api.uri.queryoption.AliasQueryOption;
import org.apache.olingo.server.api.uri.queryoption.expression.BinaryOperatorKind;
import org.apache.olingo.server.api.uri.queryoption.expression.Expression;
import org.apache.olingo.server.api.uri.queryoption.expression.ExpressionVisitException;
import org.apache.olingo.server.api.uri.queryoption.expression.ExpressionVisitor;
import org.apache.olingo.server.api.uri.queryoption.expression.Literal;
import org.apache.olingo.server.api.uri.queryoption.expression.Member;
import org.apache.olingo.server.api.uri.queryoption.expression.MethodKind;
import org.apache.olingo.server.api.uri.queryoption.expression.UnaryOperatorKind;

/**
 * An independent evaluation of OData expressions in Java over the dataset's rows, written from the OData rules
 * and the semantics the service documents (two-valued null logic, UTC date parts, ASCII-only case mapping,
 * division by zero is null, decimals to 18 places rounded half away from zero), not from the SQL translator.
 * Values: String, Long, BigDecimal, Boolean, LocalDate, OffsetDateTime, LocalTime; durations as
 * {@link Seconds}.
 */
final class ReferenceEvaluator implements ExpressionVisitor<Object> {

    /** A duration in seconds, kept apart from decimals. */
    record Seconds(BigDecimal value) {
    }

    private static final Object NULL = new Object() {
        @Override
        public String toString() {
            return "null";
        }
    };

    private final QueryDataset data;
    private final Map<String, Expression> aliases;
    private final Map<String, Map<String, Object>> variables;
    private final Map<String, Object> it;
    private final Map<String, Object> current;
    private final String currentSet;
    private final Map<String, String> variableSets;

    ReferenceEvaluator(QueryDataset data, List<AliasQueryOption> aliases, Map<String, Object> row, String set) {
        this(data, aliasMap(aliases), new HashMap<>(), new HashMap<>(), row, row, set);
    }

    private ReferenceEvaluator(QueryDataset data, Map<String, Expression> aliases,
                               Map<String, Map<String, Object>> variables, Map<String, String> variableSets,
                               Map<String, Object> it, Map<String, Object> current, String currentSet) {
        this.data = data;
        this.aliases = aliases;
        this.variables = variables;
        this.variableSets = variableSets;
        this.it = it;
        this.current = current;
        this.currentSet = currentSet;
    }

    private static Map<String, Expression> aliasMap(List<AliasQueryOption> aliases) {
        Map<String, Expression> map = new HashMap<>();
        for (AliasQueryOption alias : aliases) {
            map.put(alias.getName(), alias.getValue());
        }
        return map;
    }

    /** The value of an expression for the row; null for OData null. */
    Object evaluate(Expression expression) {
        try {
            Object value = expression.accept(this);
            return value == NULL ? null : value;
        } catch (ExpressionVisitException | ODataApplicationException e) {
            throw new IllegalStateException(e);
        }
    }

    boolean matches(Expression expression) {
        return Boolean.TRUE.equals(evaluate(expression));
    }

    private static Object wrap(Object value) {
        return value == null ? NULL : value;
    }

    private static Object unwrap(Object value) {
        return value == NULL ? null : value;
    }

    @Override
    public Object visitBinaryOperator(BinaryOperatorKind operator, Object leftValue, Object rightValue) {
        Object left = unwrap(leftValue);
        Object right = unwrap(rightValue);
        switch (operator) {
            case AND:
                return Boolean.TRUE.equals(left) && Boolean.TRUE.equals(right);
            case OR:
                return Boolean.TRUE.equals(left) || Boolean.TRUE.equals(right);
            case EQ:
                return left == null || right == null ? left == right : compare(left, right) == 0;
            case NE:
                return left == null || right == null ? left != right : compare(left, right) != 0;
            case GT:
                return left != null && right != null && compare(left, right) > 0;
            case GE:
                return left != null && right != null && compare(left, right) >= 0;
            case LT:
                return left != null && right != null && compare(left, right) < 0;
            case LE:
                return left != null && right != null && compare(left, right) <= 0;
            default:
                return wrap(arithmetic(operator, left, right));
        }
    }

    private static Object arithmetic(BinaryOperatorKind operator, Object left, Object right) {
        if (left == null || right == null) {
            return null;
        }
        if (left instanceof OffsetDateTime time && right instanceof Seconds seconds) {
            long micros = seconds.value().movePointRight(6).setScale(0, RoundingMode.HALF_UP).longValueExact();
            return time.plusNanos((operator == BinaryOperatorKind.SUB ? -micros : micros) * 1000);
        }
        if (left instanceof OffsetDateTime a && right instanceof OffsetDateTime b) {
            return new Seconds(epoch(a).subtract(epoch(b)));
        }
        if (left instanceof Long a && right instanceof Long b) {
            return switch (operator) {
                case ADD -> Math.addExact(a, b);
                case SUB -> Math.subtractExact(a, b);
                case MUL -> Math.multiplyExact(a, b);
                case DIV -> b == 0 ? null : a / b;
                case MOD -> b == 0 ? null : a % b;
                default -> throw new IllegalArgumentException(operator.toString());
            };
        }
        BigDecimal a = decimal(left);
        BigDecimal b = decimal(right);
        return switch (operator) {
            case ADD -> a.add(b).setScale(18, RoundingMode.HALF_UP);
            case SUB -> a.subtract(b).setScale(18, RoundingMode.HALF_UP);
            case MUL -> a.multiply(b).setScale(18, RoundingMode.HALF_UP);
            case DIV -> b.signum() == 0 ? null
                    : a.setScale(18, RoundingMode.HALF_UP).divide(b, 18, RoundingMode.HALF_UP);
            case MOD -> b.signum() == 0 ? null : a.remainder(b);
            default -> throw new IllegalArgumentException(operator.toString());
        };
    }

    private static BigDecimal epoch(OffsetDateTime time) {
        return BigDecimal.valueOf(time.toEpochSecond()).add(BigDecimal.valueOf(time.getNano(), 9));
    }

    private static BigDecimal decimal(Object value) {
        return value instanceof Long l ? BigDecimal.valueOf(l) : (BigDecimal) value;
    }

    /** The order of two non-null values of comparable types, as the service documents it. */
    static int compare(Object left, Object right) {
        boolean numbers = (left instanceof Long || left instanceof BigDecimal)
                && (right instanceof Long || right instanceof BigDecimal);
        if (numbers) {
            return decimal(left).compareTo(decimal(right));
        }
        if (left instanceof String a && right instanceof String b) {
            return a.compareTo(b);
        }
        if (left instanceof OffsetDateTime a && right instanceof OffsetDateTime b) {
            return a.toInstant().compareTo(b.toInstant());
        }
        if (left instanceof Seconds a && right instanceof Seconds b) {
            return a.value().compareTo(b.value());
        }
        @SuppressWarnings("unchecked")
        Comparable<Object> comparable = (Comparable<Object>) left;
        return comparable.compareTo(right);
    }

    @Override
    public Object visitBinaryOperator(BinaryOperatorKind operator, Object left, List<Object> right) {
        Object subject = unwrap(left);
        for (Object item : right) {
            Object value = unwrap(item);
            if (subject == null ? value == null : value != null && compare(subject, value) == 0) {
                return true;
            }
        }
        return false;
    }

    @Override
    public Object visitUnaryOperator(UnaryOperatorKind operator, Object operand) {
        Object value = unwrap(operand);
        if (operator == UnaryOperatorKind.NOT) {
            return !Boolean.TRUE.equals(value);
        }
        if (value == null) {
            return NULL;
        }
        return value instanceof Long l ? (Object) Math.negateExact(l) : ((BigDecimal) value).negate();
    }

    @Override
    public Object visitMethodCall(MethodKind method, List<Object> parameters) {
        List<Object> args = parameters.stream().map(ReferenceEvaluator::unwrap).toList();
        if (method == MethodKind.CAST || method == MethodKind.ISOF) {
            return wrap(ReferenceCasts.apply(method, args, currentSet));
        }
        if (args.stream().anyMatch(a -> a == null)) {
            return switch (method) {
                case CONTAINS, STARTSWITH, ENDSWITH, SUBSTRINGOF -> false;
                default -> NULL;
            };
        }
        return wrap(ReferenceFunctions.apply(method, args));
    }

    @Override
    public Object visitLambdaExpression(String lambdaFunction, String lambdaVariable, Expression expression) {
        throw new UnsupportedOperationException("lambda outside a path");
    }

    @Override
    public Object visitLiteral(Literal literal) {
        EdmType type = literal.getType();
        if (type == null) {
            return NULL;
        }
        EdmPrimitiveType primitive = (EdmPrimitiveType) type;
        try {
            String text = primitive.fromUriLiteral(literal.getText());
            return switch (EdmPrimitiveTypeKind.valueOfFQN(primitive.getFullQualifiedName())) {
                case String -> text;
                case Boolean -> Boolean.valueOf(text);
                case SByte, Byte, Int16, Int32, Int64 -> Long.valueOf(text);
                case Decimal, Double, Single -> new BigDecimal(text);
                case Date -> LocalDate.parse(text);
                case DateTimeOffset -> OffsetDateTime.parse(text.replace('z', 'Z'));
                case TimeOfDay -> LocalTime.parse(text);
                case Guid -> UUID.fromString(text);
                case Duration -> new Seconds(primitive.valueOfString(text, true, null, null, Integer.MAX_VALUE, true,
                        BigDecimal.class));
                default -> throw new IllegalArgumentException("literal " + literal.getText());
            };
        } catch (EdmPrimitiveTypeException e) {
            throw new IllegalArgumentException(e);
        }
    }

    @Override
    public Object visitMember(Member member) {
        List<UriResource> parts = member.getResourcePath().getUriResourceParts();
        Map<String, Object> row = current;
        String set = currentSet;
        int index = 0;
        if (parts.get(0) instanceof UriResourceLambdaVariable variable) {
            row = variables.get(variable.getVariableName());
            set = variableSets.get(variable.getVariableName());
            index = 1;
        } else if (parts.get(0) instanceof UriResourceIt) {
            row = it;
            index = 1;
        }
        for (; index < parts.size(); index++) {
            UriResource part = parts.get(index);
            if (part instanceof UriResourcePrimitiveProperty property) {
                return wrap(row.get(property.getProperty().getName()));
            }
            UriResourceNavigation navigation = (UriResourceNavigation) part;
            if (navigation.getProperty().getName().equals("Patient")) {
                row = patientOf(row);
                set = "Patients";
                continue;
            }
            List<Map<String, Object>> documents = documentsOf(row);
            UriResource next = parts.get(index + 1);
            if (next instanceof UriResourceCount) {
                return (long) documents.size();
            }
            boolean all = next instanceof UriResourceLambdaAll;
            String variable = all ? ((UriResourceLambdaAll) next).getLambdaVariable()
                    : ((UriResourceLambdaAny) next).getLambdaVariable();
            Expression body = all ? ((UriResourceLambdaAll) next).getExpression()
                    : ((UriResourceLambdaAny) next).getExpression();
            for (Map<String, Object> document : documents) {
                boolean holds = body == null || inLambda(variable, document).matches(body);
                if (all && !holds) {
                    return false;
                }
                if (!all && holds) {
                    return true;
                }
            }
            return all;
        }
        throw new IllegalArgumentException("path " + parts);
    }

    private ReferenceEvaluator inLambda(String variable, Map<String, Object> document) {
        Map<String, Map<String, Object>> scope = new HashMap<>(variables);
        scope.put(variable, document);
        Map<String, String> sets = new HashMap<>(variableSets);
        sets.put(variable, "Documents");
        return new ReferenceEvaluator(data, aliases, scope, sets, it, current, currentSet);
    }

    Map<String, Object> patientOf(Map<String, Object> document) {
        return data.patients.stream().filter(p -> p.get("id").equals(document.get("patient_id"))).findFirst()
                .orElseThrow();
    }

    List<Map<String, Object>> documentsOf(Map<String, Object> patient) {
        return data.documents.stream().filter(d -> d.get("patient_id").equals(patient.get("id"))).toList();
    }

    @Override
    public Object visitAlias(String aliasName) {
        Expression value = aliases.get(aliasName);
        return value == null ? NULL : wrap(evaluate(value));
    }

    @Override
    public Object visitTypeLiteral(EdmType type) {
        return type;
    }

    @Override
    public Object visitLambdaReference(String variableName) {
        throw new UnsupportedOperationException("lambda reference");
    }

    @Override
    public Object visitEnum(EdmEnumType type, List<String> enumValues) {
        throw new UnsupportedOperationException("enum");
    }

    /** matchesPattern with ECMAScript's meaning of '.' (any character) and '$' (end of text). */
    static boolean regex(String text, String pattern) {
        StringBuilder java = new StringBuilder();
        boolean inClass = false;
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '\\' && i + 1 < pattern.length()) {
                java.append(c).append(pattern.charAt(++i));
                continue;
            }
            inClass = c == '[' || inClass && c != ']';
            java.append(c == '$' && !inClass ? "\\z" : String.valueOf(c));
        }
        return Pattern.compile(java.toString(), Pattern.DOTALL).matcher(text).find();
    }

    /** UTC fields of a timestamp. */
    static OffsetDateTime inUtc(OffsetDateTime time) {
        return time.withOffsetSameInstant(ZoneOffset.UTC);
    }

    /** Rows kept by a filter, in their order. */
    static List<Map<String, Object>> filter(QueryDataset data, List<AliasQueryOption> aliases,
                                            List<Map<String, Object>> rows, Expression filter, String set) {
        List<Map<String, Object>> kept = new ArrayList<>();
        for (Map<String, Object> row : rows) {
            if (filter == null || new ReferenceEvaluator(data, aliases, row, set).matches(filter)) {
                kept.add(row);
            }
        }
        return kept;
    }
}
