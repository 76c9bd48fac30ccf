package org.patientdocs.server;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

import org.apache.olingo.commons.api.edm.EdmEntityType;
import org.apache.olingo.commons.api.edm.EdmPrimitiveTypeKind;
import org.apache.olingo.commons.api.edm.EdmType;
import org.apache.olingo.server.api.uri.queryoption.expression.MethodKind;

/** cast and isof for {@link ReferenceEvaluator}. */
final class ReferenceCasts {

    private ReferenceCasts() {
    }

    static Object apply(MethodKind method, List<Object> args, String set) {
        EdmType type = (EdmType) args.get(args.size() - 1);
        if (args.size() == 1) {
            return type instanceof EdmEntityType entity
                    && entity.getName().equals(set.equals("Patients") ? "Patient" : "Document");
        }
        Object value = args.get(0);
        EdmPrimitiveTypeKind kind = EdmPrimitiveTypeKind.valueOfFQN(type.getFullQualifiedName());
        return method == MethodKind.CAST ? cast(value, kind) : isOf(value, kind);
    }

    private static Object cast(Object value, EdmPrimitiveTypeKind kind) {
        if (value == null) {
            return null;
        }
        switch (kind) {
            case String:
                return value instanceof Boolean || value instanceof Long || value instanceof LocalDate
                        || value instanceof String ? value.toString() : unsupported();
            case SByte: case Byte: case Int16: case Int32: case Int64:
                Long integer;
                if (value instanceof Long l) {
                    integer = l;
                } else if (value instanceof BigDecimal d) {
                    integer = d.setScale(0, RoundingMode.HALF_UP).longValueExact();
                } else if (value instanceof String s) {
                    integer = s.matches("[+-]?[0-9]{1,18}") ? Long.valueOf(s) : null;
                } else {
                    return unsupported();
                }
                return integer == null || !inRange(integer, kind) ? null : integer;
            case Decimal: case Double: case Single:
                if (value instanceof String s) {
                    return s.matches("[+-]?[0-9]+(\\.[0-9]+)?([eE][+-]?[0-9]{1,3})?") ? new BigDecimal(s) : null;
                }
                return value instanceof Long l ? BigDecimal.valueOf(l)
                        : value instanceof BigDecimal ? value : unsupported();
            case Boolean:
                return value instanceof String s ? s.equalsIgnoreCase("true") ? Boolean.TRUE
                        : s.equalsIgnoreCase("false") ? Boolean.FALSE : null : value;
            case Date:
                return value instanceof String s ? parse(s, LocalDate::parse) : value;
            case DateTimeOffset:
                return value instanceof String s ? parse(s, OffsetDateTime::parse) : value;
            case Guid:
                return value instanceof String s ? parse(s, UUID::fromString) : value;
            default:
                return value;
        }
    }

    /** The value a string spells, or null (a cast that cannot succeed). */
    private static Object parse(String text, Function<String, Object> parser) {
        try {
            return parser.apply(text);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static Object isOf(Object value, EdmPrimitiveTypeKind kind) {
        if (value == null) {
            return false;
        }
        return switch (kind) {
            case String -> value instanceof String;
            case SByte, Byte, Int16, Int32, Int64 -> value instanceof Long l && inRange(l, kind);
            case Decimal, Double, Single -> value instanceof Long || value instanceof BigDecimal;
            case Boolean -> value instanceof Boolean;
            case Date -> value instanceof LocalDate;
            case DateTimeOffset -> value instanceof java.time.OffsetDateTime;
            default -> false;
        };
    }

    private static boolean inRange(long value, EdmPrimitiveTypeKind kind) {
        return switch (kind) {
            case SByte -> value >= Byte.MIN_VALUE && value <= Byte.MAX_VALUE;
            case Byte -> value >= 0 && value <= 255;
            case Int16 -> value >= Short.MIN_VALUE && value <= Short.MAX_VALUE;
            case Int32 -> value >= Integer.MIN_VALUE && value <= Integer.MAX_VALUE;
            default -> true;
        };
    }

    private static Object unsupported() {
        throw new IllegalArgumentException("no reference for this cast");
    }
}
