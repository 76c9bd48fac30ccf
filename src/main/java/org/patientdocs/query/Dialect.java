package org.patientdocs.query;

import java.util.Locale;

/**
 * The differences between H2 and PostgreSQL in the SQL the translator writes, chosen from the JDBC URL. Both compare
 * text by code point and map case for the ASCII letters only, whatever the database's default collation
 * ({@link #codePointText}), render date and time parts in UTC (values are stored as UTC instants) and regular
 * expressions with ECMAScript's meaning of {@code .} and {@code $}.
 */
public enum Dialect {
    H2, POSTGRESQL;

    private static final String UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    private static final String LOWER = UPPER.toLowerCase(Locale.ROOT);

    public static Dialect fromJdbcUrl(String url) {
        if (url.startsWith("jdbc:h2:")) {
            return H2;
        }
        if (url.startsWith("jdbc:postgresql:")) {
            return POSTGRESQL;
        }
        throw new IllegalArgumentException("no SQL dialect for this JDBC URL");
    }

    /** A timestamp with time zone seen in UTC, so that its fields are UTC fields. */
    SqlFragment utc(SqlFragment timestamp) {
        return SqlFragment.format("({} AT TIME ZONE 'UTC')", timestamp);
    }

    /** year, month, day, hour or minute of a date, time of day or UTC timestamp, as an integer. */
    SqlFragment field(String field, SqlFragment value, ValueType type) {
        SqlFragment source = type == ValueType.DATE_TIME_OFFSET ? utc(value) : value;
        if (field.equals("SECOND") && this == POSTGRESQL) {
            // PostgreSQL's SECOND field carries the fraction.
            return SqlFragment.format("CAST(FLOOR(EXTRACT(SECOND FROM {})) AS INTEGER)", source);
        }
        return SqlFragment.format("CAST(EXTRACT(" + field + " FROM {}) AS INTEGER)", source);
    }

    /** The fraction of the second, as a decimal in [0, 1). */
    SqlFragment fractionalSeconds(SqlFragment value, ValueType type) {
        SqlFragment source = type == ValueType.DATE_TIME_OFFSET ? utc(value) : value;
        return switch (this) {
            case H2 -> SqlFragment.format(
                    "CAST(CAST(EXTRACT(NANOSECOND FROM {}) AS DECIMAL(38,18)) / 1000000000 AS DECIMAL(38,18))", source);
            case POSTGRESQL -> SqlFragment.format("CAST(CAST(MOD(EXTRACT(MICROSECONDS FROM {}), 1000000)"
                    + " AS DECIMAL(38,18)) / 1000000 AS DECIMAL(38,18))", source);
        };
    }

    /** The UTC calendar date of a timestamp. */
    SqlFragment date(SqlFragment timestamp) {
        return SqlFragment.format("CAST({} AS DATE)", utc(timestamp));
    }

    /** The UTC time of day of a timestamp. */
    SqlFragment time(SqlFragment timestamp) {
        return SqlFragment.format("CAST({} AS TIME(6))", utc(timestamp));
    }

    /** Seconds since the epoch, with the fraction. */
    SqlFragment epochSeconds(SqlFragment timestamp) {
        return SqlFragment.format("CAST(EXTRACT(EPOCH FROM {}) AS DECIMAL(38,6))", timestamp);
    }

    /** A timestamp moved by a number of seconds (microsecond precision). */
    SqlFragment plusSeconds(SqlFragment timestamp, SqlFragment seconds) {
        return switch (this) {
            case H2 -> SqlFragment.format("DATEADD(MICROSECOND, CAST(ROUND({} * 1000000) AS BIGINT), {})",
                    seconds, timestamp);
            case POSTGRESQL -> SqlFragment.format(
                    "({} + CAST(ROUND({} * 1000000) AS BIGINT) * INTERVAL '1 microsecond')", timestamp, seconds);
        };
    }

    /**
     * Text that is not read from a column: a literal, or text made from a number, date or boolean. PostgreSQL gives
     * such text the database's default collation, under which {@code 'B' < 'a'} is false and {@code LOWER('Ü')} is
     * {@code 'ü'} in an {@code en_US.UTF-8} database; in collation "C" it compares by code point, and LOWER, UPPER and
     * the classes of regular expressions know the ASCII letters only, as on H2. The text columns are in "C" already
     * (a PostgreSQL migration sets it, {@code Collation} checks it at start-up), and an expression over a column and
     * such text takes "C" from both: so every comparison, ordering, pattern and case mapping the translator writes
     * follows code points, while columns stay bare and their indexes (in "C" too) serve. H2 compares by code point.
     */
    SqlFragment codePointText(SqlFragment text) {
        return switch (this) {
            case H2 -> text;
            case POSTGRESQL -> SqlFragment.format("({} COLLATE \"C\")", text);
        };
    }

    /**
     * Lower case for the ASCII letters only, the same on both stores. PostgreSQL's LOWER does exactly that in
     * collation "C", which every text value of a statement has ({@link #codePointText}), and is more than ten times
     * quicker than TRANSLATE (a {@code $search} over a million documents: 0.37 s against 6.2 s); H2's LOWER maps
     * every letter.
     */
    SqlFragment asciiLower(SqlFragment text) {
        return switch (this) {
            case H2 -> SqlFragment.format("TRANSLATE({}, '" + UPPER + "', '" + LOWER + "')", text);
            case POSTGRESQL -> SqlFragment.format("LOWER({})", text);
        };
    }

    /** Upper case for the ASCII letters only, as {@link #asciiLower}. */
    SqlFragment asciiUpper(SqlFragment text) {
        return switch (this) {
            case H2 -> SqlFragment.format("TRANSLATE({}, '" + LOWER + "', '" + UPPER + "')", text);
            case POSTGRESQL -> SqlFragment.format("UPPER({})", text);
        };
    }

    /**
     * Whether the text contains a match of a pattern already checked by {@link RegexSubset}. H2 uses Java's regular
     * expressions, where {@code $} also matches before a final line break and {@code .} does not match line breaks;
     * the pattern and flags are adjusted so both stores follow ECMAScript.
     */
    SqlFragment matches(SqlFragment text, RegexSubset.Checked pattern) {
        return switch (this) {
            case H2 -> SqlFragment.format("REGEXP_LIKE({}, {}, 'n')", text, SqlFragment.param(pattern.forJava()));
            case POSTGRESQL -> SqlFragment.format("({} ~ {})", text, SqlFragment.param(pattern.forPostgres()));
        };
    }
}
