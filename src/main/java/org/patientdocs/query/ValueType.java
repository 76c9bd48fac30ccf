package org.patientdocs.query;

import org.apache.olingo.commons.api.edm.EdmPrimitiveTypeKind;

/**
 * The type of a translated expression, which decides how operators and functions render and how a value is read
 * back from a result set. Durations travel as decimal seconds, times of day as {@code TIME}, GUIDs as lower-case
 * text.
 */
public enum ValueType {
    STRING, BOOLEAN, INTEGER, DECIMAL, DOUBLE, DATE, DATE_TIME_OFFSET, TIME_OF_DAY, DURATION, GUID;

    /** The type of an EDM primitive type kind, or null when the translator has no rendering for it. */
    static ValueType of(EdmPrimitiveTypeKind kind) {
        return switch (kind) {
            case String -> STRING;
            case Boolean -> BOOLEAN;
            case SByte, Byte, Int16, Int32, Int64 -> INTEGER;
            case Decimal -> DECIMAL;
            case Single, Double -> DOUBLE;
            case Date -> DATE;
            case DateTimeOffset -> DATE_TIME_OFFSET;
            case TimeOfDay -> TIME_OF_DAY;
            case Duration -> DURATION;
            case Guid -> GUID;
            default -> null;
        };
    }

    static ValueType of(ColumnMap.Kind kind) {
        return switch (kind) {
            case STRING -> STRING;
            case INT64, INT32 -> INTEGER;
            case BOOLEAN -> BOOLEAN;
            case DECIMAL -> DECIMAL;
            case DOUBLE -> DOUBLE;
            case DATE -> DATE;
            case DATE_TIME_OFFSET -> DATE_TIME_OFFSET;
            // Paths reads a list only through any, all or $count (StringLists)
            case STRING_LIST -> throw new IllegalStateException("a list of strings is no single value");
            case BYTES -> throw new IllegalStateException("bytes are read for the service only, never compared");
        };
    }

    /**
     * The SQL type a bound value of this type is cast to where the statement alone does not tell the database its
     * type (H2 refuses {@code MOD(?, ?)} or {@code EXTRACT(YEAR FROM ?)}): the same name on both stores.
     */
    String sqlType() {
        return switch (this) {
            case STRING, GUID -> "VARCHAR";
            case BOOLEAN -> "BOOLEAN";
            case INTEGER -> "BIGINT";
            case DECIMAL, DURATION -> Arithmetic.DECIMAL;
            case DOUBLE -> "DOUBLE PRECISION";
            case DATE -> "DATE";
            case DATE_TIME_OFFSET -> "TIMESTAMP WITH TIME ZONE";
            case TIME_OF_DAY -> "TIME(6)";
        };
    }

    boolean isNumeric() {
        return this == INTEGER || this == DECIMAL || this == DOUBLE;
    }

    /** How the store reads a value of this type; a time of day is read as its ISO text. */
    public ColumnMap.Kind readKind() {
        return switch (this) {
            case STRING, TIME_OF_DAY, GUID -> ColumnMap.Kind.STRING;
            case BOOLEAN -> ColumnMap.Kind.BOOLEAN;
            case INTEGER -> ColumnMap.Kind.INT64;
            case DECIMAL, DURATION -> ColumnMap.Kind.DECIMAL;
            case DOUBLE -> ColumnMap.Kind.DOUBLE;
            case DATE -> ColumnMap.Kind.DATE;
            case DATE_TIME_OFFSET -> ColumnMap.Kind.DATE_TIME_OFFSET;
        };
    }
}
