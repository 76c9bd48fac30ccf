package org.patientdocs.query;

import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.apache.olingo.commons.api.edm.EdmEntityType;
import org.apache.olingo.commons.api.edm.EdmPrimitiveType;
import org.apache.olingo.commons.api.edm.EdmPrimitiveTypeKind;
import org.apache.olingo.commons.api.edm.EdmType;
import org.apache.olingo.server.api.uri.queryoption.expression.MethodKind;
import org.patientdocs.error.ErrorCode;
import org.patientdocs.error.ServiceException;

/**
 * {@code cast} and {@code isof} on primitive values. A cast that cannot succeed for a value gives null (OData's
 * rule), never a database error: integers out of the target's range, strings that are not numbers. {@code isof(x, T)}
 * is true when x is not null and its value belongs to T: its own type, a wider numeric type, or a narrower integer
 * type whose range holds it. A string casts to any type whose literal it spells (OData 4.01: {@code '12.5'} to a
 * decimal, {@code 'true'} to a boolean, {@code '2026-01-01'} to a date, an ISO timestamp with offset to a
 * DateTimeOffset, a GUID to a GUID); a string that spells no such literal casts to null. Casts the stores would
 * render differently (decimals and timestamps to strings) are not supported.
 */
final class Casts {

    private static final String DATE = "[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])";
    /**
     * The literal forms a string may take to be cast, by target type (OData ABNF; booleans in any case). Optional
     * parts are alternatives with an empty one: the regular-expression subset has no repeated group that repeats.
     */
    private static final Map<ValueType, String> LITERALS = Map.of(
            ValueType.DECIMAL, "^[+-]?[0-9]+(\\.[0-9]+|)([eE][+-]?[0-9]{1,3}|)$",
            ValueType.BOOLEAN, "^([Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee])$",
            ValueType.DATE, "^" + DATE + "$",
            ValueType.DATE_TIME_OFFSET, "^" + DATE + "T([01][0-9]|2[0-3]):[0-5][0-9]"
                    + "(:[0-5][0-9]|:[0-5][0-9]\\.[0-9]{1,12}|)(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$",
            ValueType.GUID, "^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$");

    private Casts() {
    }

    static Operand call(MethodKind method, List<Operand> args, FilterTranslator translator) {
        Operand typeArgument = args.get(args.size() - 1);
        EdmType type = typeArgument.typeLiteral();
        if (args.size() == 1) {
            return entityType(method, type, translator);
        }
        Operand value = args.get(0);
        if (!(type instanceof EdmPrimitiveType)) {
            throw translator.unsupported(method.toString().toLowerCase(Locale.ROOT) + " to a structured type");
        }
        EdmPrimitiveTypeKind kind = EdmPrimitiveTypeKind.valueOfFQN(type.getFullQualifiedName());
        ValueType declared = ValueType.of(kind);
        // Floating-point values are computed as decimals (the model has none of its own).
        ValueType target = declared == ValueType.DOUBLE ? ValueType.DECIMAL : declared;
        if (target == null) {
            throw translator.unsupported(method.toString().toLowerCase(Locale.ROOT) + " to " + kind);
        }
        return method == MethodKind.CAST ? cast(value, kind, target, translator) : isOf(value, kind, target);
    }

    /** {@code isof(T)} / {@code cast(T)} on the entity itself: this model has no type hierarchy. */
    private static Operand entityType(MethodKind method, EdmType type, FilterTranslator translator) {
        if (method == MethodKind.ISOF && type instanceof EdmEntityType) {
            boolean same = type.getFullQualifiedName().equals(translator.it().table().entityType());
            return Operand.of(SqlFragment.of(same ? "(1=1)" : "(1=0)"), ValueType.BOOLEAN);
        }
        throw translator.unsupported(method.toString().toLowerCase(Locale.ROOT) + " of the entity itself");
    }

    private static Operand cast(Operand value, EdmPrimitiveTypeKind kind, ValueType target,
                                FilterTranslator translator) {
        if (value.isNull()) {
            return Operand.NULL;
        }
        ValueType source = value.type();
        if (target == ValueType.INTEGER && (source == ValueType.INTEGER || source == ValueType.DECIMAL)) {
            return inRange(SqlFragment.format("CAST({} AS BIGINT)", value.sql()), kind);
        }
        if (target == ValueType.INTEGER && source == ValueType.STRING) {
            RegexSubset.Checked integer = RegexSubset.check("^[+-]?[0-9]{1,18}$", translator.target());
            SqlFragment parsed = SqlFragment.format("CASE WHEN {} THEN CAST({} AS BIGINT) END",
                    translator.block().context().dialect().matches(value.sql(), integer), value.sql());
            return inRange(parsed.withNullable(true), kind);
        }
        if (source == ValueType.STRING && LITERALS.containsKey(target)) {
            return fromString(value, target, translator);
        }
        if (target == ValueType.DECIMAL && (source == ValueType.INTEGER || source == ValueType.DECIMAL)) {
            return Operand.of(SqlFragment.format("CAST({} AS " + Arithmetic.DECIMAL + ")", value.sql()),
                    ValueType.DECIMAL);
        }
        if (target == source) {
            return value;
        }
        if (target == ValueType.STRING) {
            Dialect dialect = translator.block().context().dialect();
            switch (source) {
                case INTEGER, DATE -> {
                    return Operand.of(dialect.codePointText(SqlFragment.format("CAST({} AS VARCHAR(64))",
                            value.sql())), ValueType.STRING);
                }
                case BOOLEAN -> {
                    return Operand.of(dialect.codePointText(SqlFragment.format(
                            "CASE WHEN {} THEN 'true' ELSE 'false' END", value.sql())), ValueType.STRING);
                }
                default -> {
                    // falls through to the unsupported cast below
                }
            }
        }
        throw new ServiceException.NotImplemented(ErrorCode.FILTER_FUNCTION_UNSUPPORTED, translator.target(),
                "cast from " + name(source) + " to " + kind + " is not supported");
    }

    /**
     * A string spelling a literal of the target type as that type, else null. Only text of the literal's shape
     * reaches the database's cast; one of that shape that names no value (February 30th) is a value the database
     * cannot compute, a 400.
     */
    private static Operand fromString(Operand value, ValueType target, FilterTranslator translator) {
        Dialect dialect = translator.block().context().dialect();
        SqlFragment shaped = dialect.matches(value.sql(), RegexSubset.check(LITERALS.get(target), translator.target()));
        SqlFragment converted = switch (target) {
            case BOOLEAN -> SqlFragment.format("({} = 'true')", dialect.asciiLower(value.sql()));
            case GUID -> dialect.asciiLower(value.sql());
            default -> SqlFragment.format("CAST({} AS " + target.sqlType() + ")", value.sql());
        };
        return Operand.of(SqlFragment.format("CASE WHEN {} THEN {} END", shaped, converted).withNullable(true),
                target);
    }

    /** A BIGINT narrowed to an integer type: null when out of its range. */
    private static Operand inRange(SqlFragment integer, EdmPrimitiveTypeKind kind) {
        long[] range = range(kind);
        if (range == null) {
            return Operand.of(integer, ValueType.INTEGER);
        }
        SqlFragment checked = SqlFragment.format("CASE WHEN {} BETWEEN " + range[0] + " AND " + range[1]
                + " THEN {} END", integer, integer).withNullable(true);
        return Operand.of(checked, ValueType.INTEGER);
    }

    private static long[] range(EdmPrimitiveTypeKind kind) {
        return switch (kind) {
            case SByte -> new long[] {Byte.MIN_VALUE, Byte.MAX_VALUE};
            case Byte -> new long[] {0, 255};
            case Int16 -> new long[] {Short.MIN_VALUE, Short.MAX_VALUE};
            case Int32 -> new long[] {Integer.MIN_VALUE, Integer.MAX_VALUE};
            default -> null;
        };
    }

    private static Operand isOf(Operand value, EdmPrimitiveTypeKind kind, ValueType target) {
        if (value.isNull()) {
            return Operand.of(SqlFragment.of("(1=0)"), ValueType.BOOLEAN);
        }
        ValueType source = value.type();
        SqlFragment notNull = SqlFragment.format("({} IS NOT NULL)", value.sql()).withNullable(false);
        boolean widening = source == ValueType.INTEGER && target == ValueType.DECIMAL;
        if (source == ValueType.INTEGER && target == ValueType.INTEGER) {
            long[] range = range(kind);
            return Operand.of(range == null ? notNull : SqlFragment.format("(COALESCE({} BETWEEN " + range[0]
                    + " AND " + range[1] + ", FALSE))", value.sql()).withNullable(false), ValueType.BOOLEAN);
        }
        if (source == target || widening) {
            return Operand.of(notNull, ValueType.BOOLEAN);
        }
        return Operand.of(SqlFragment.of("(1=0)"), ValueType.BOOLEAN);
    }

    private static String name(ValueType type) {
        return type == null ? "null" : type.name().toLowerCase(Locale.ROOT);
    }
}
