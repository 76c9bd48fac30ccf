package org.patientdocs.query;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;

import org.apache.olingo.server.api.uri.queryoption.expression.MethodKind;
import org.patientdocs.error.ErrorCode;
import org.patientdocs.error.ServiceException;

/**
 * The canonical functions of {@code $filter} and {@code $orderby}. Strings are compared and matched by code point
 * and case-sensitively; {@code tolower}/{@code toupper} map the ASCII letters only ({@link Dialect#asciiLower});
 * date and time functions read timestamps in UTC. {@code substring} counts a negative start from the end. A
 * function applied to the null literal is null (a predicate function is false).
 */
final class Functions {

    static final char LIKE_ESCAPE = '\\';
    static final OffsetDateTime MIN_DATE_TIME = OffsetDateTime.of(1, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);
    static final OffsetDateTime MAX_DATE_TIME = OffsetDateTime.of(9999, 12, 31, 23, 59, 59, 999_999_000,
            ZoneOffset.UTC);

    private Functions() {
    }

    static Operand call(MethodKind method, List<Operand> args, FilterTranslator translator) {
        if (method == MethodKind.CAST || method == MethodKind.ISOF) {
            return Casts.call(method, args, translator);
        }
        if (args.stream().anyMatch(Operand::isNull)) {
            return switch (method) {
                case CONTAINS, STARTSWITH, ENDSWITH, SUBSTRINGOF ->
                        Operand.of(SqlFragment.of("(1=0)"), ValueType.BOOLEAN);
                default -> Operand.NULL;
            };
        }
        Dialect dialect = translator.block().context().dialect();
        return switch (method) {
            case CONTAINS -> like(args, true, true);
            case STARTSWITH -> like(args, false, true);
            case ENDSWITH -> like(args, true, false);
            case SUBSTRINGOF -> matchesPattern(args, translator);
            case LENGTH -> Operand.of(SqlFragment.format("CHAR_LENGTH({})", sql(args, 0)), ValueType.INTEGER);
            case INDEXOF -> Operand.of(SqlFragment.format("(POSITION({} IN {}) - 1)", sql(args, 1), sql(args, 0)),
                    ValueType.INTEGER);
            case SUBSTRING -> substring(args, translator);
            case TOLOWER -> Operand.of(dialect.asciiLower(sql(args, 0)), ValueType.STRING);
            case TOUPPER -> Operand.of(dialect.asciiUpper(sql(args, 0)), ValueType.STRING);
            case TRIM -> Operand.of(SqlFragment.format("TRIM({})", sql(args, 0)), ValueType.STRING);
            case CONCAT -> Operand.of(SqlFragment.format("({} || {})", sql(args, 0), sql(args, 1)), ValueType.STRING);
            case YEAR, MONTH, DAY, HOUR, MINUTE, SECOND -> Operand.of(dialect.field(
                    method.name(), typed(args, 0), args.get(0).type()), ValueType.INTEGER);
            case FRACTIONALSECONDS -> Operand.of(dialect.fractionalSeconds(typed(args, 0), args.get(0).type()),
                    ValueType.DECIMAL);
            case DATE -> Operand.of(dialect.date(typed(args, 0)), ValueType.DATE);
            case TIME -> Operand.of(dialect.time(typed(args, 0)), ValueType.TIME_OF_DAY);
            case TOTALOFFSETMINUTES -> totalOffsetMinutes(args.get(0));
            case TOTALSECONDS -> Operand.of(sql(args, 0), ValueType.DECIMAL);
            case NOW -> Operand.literal(translator.now(), ValueType.DATE_TIME_OFFSET);
            case MINDATETIME -> Operand.literal(MIN_DATE_TIME, ValueType.DATE_TIME_OFFSET);
            case MAXDATETIME -> Operand.literal(MAX_DATE_TIME, ValueType.DATE_TIME_OFFSET);
            case ROUND -> rounding("ROUND", args.get(0));
            case FLOOR -> rounding("FLOOR", args.get(0));
            case CEILING -> rounding("CEILING", args.get(0));
            default -> throw new ServiceException.NotImplemented(ErrorCode.FILTER_FUNCTION_UNSUPPORTED,
                    translator.target(), "The function " + method.toString().toLowerCase(Locale.ROOT)
                    + " is not supported");
        };
    }

    private static SqlFragment sql(List<Operand> args, int index) {
        return args.get(index).sql();
    }

    /** An argument from which the database cannot tell a literal's type by itself. */
    private static SqlFragment typed(List<Operand> args, int index) {
        return args.get(index).typedSql();
    }

    /** contains/startswith/endswith: the pattern's own % and _ match literally, whatever its source. */
    private static Operand like(List<Operand> args, boolean anyBefore, boolean anyAfter) {
        Operand subject = args.get(0);
        Operand pattern = args.get(1);
        SqlFragment likePattern;
        if (pattern.literal() instanceof String text) {
            likePattern = SqlFragment.param((anyBefore ? "%" : "") + escapeLike(text) + (anyAfter ? "%" : ""));
        } else {
            SqlFragment escaped = SqlFragment.format("REPLACE(REPLACE(REPLACE({}, '\\', '\\\\'), '%', '\\%'),"
                    + " '_', '\\_')", pattern.sql());
            likePattern = SqlFragment.format((anyBefore ? "'%' || " : "") + "{}" + (anyAfter ? " || '%'" : ""),
                    escaped);
        }
        SqlFragment like = SqlFragment.format("({} LIKE {} ESCAPE '" + LIKE_ESCAPE + "')", subject.sql(), likePattern);
        return Operand.of(guard(like, subject, pattern), ValueType.BOOLEAN);
    }

    /** A predicate over nullable operands, made false (not unknown) when one of them is null. */
    private static SqlFragment guard(SqlFragment predicate, Operand... operands) {
        SqlFragment result = predicate.withNullable(false);
        for (Operand operand : operands) {
            if (operand.nullable()) {
                result = SqlFragment.format("({} AND {} IS NOT NULL)", result, operand.sql()).withNullable(false);
            }
        }
        return result;
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

    /** matchesPattern, which reaches the translator as substringof: see {@link org.patientdocs.url.MatchesPattern}. */
    private static Operand matchesPattern(List<Operand> args, FilterTranslator translator) {
        Operand subject = args.get(0);
        if (!(args.get(1).literal() instanceof String pattern)) {
            throw new ServiceException.NotImplemented(ErrorCode.FILTER_FUNCTION_UNSUPPORTED, translator.target(),
                    "matchesPattern needs a string literal as its pattern");
        }
        RegexSubset.Checked checked = RegexSubset.check(pattern, translator.target());
        SqlFragment match = translator.block().context().dialect().matches(subject.sql(), checked);
        return Operand.of(guard(match, subject), ValueType.BOOLEAN);
    }

    /**
     * OData 4.01: a negative start counts from the end (clamped to the first character, as ECMAScript's
     * {@code substr} does); a negative length is a bad request. A length computed from the data cannot be refused
     * before the data is read: a negative one gives null, so the comparison is false.
     */
    private static Operand substring(List<Operand> args, FilterTranslator translator) {
        SqlFragment text = sql(args, 0);
        SqlFragment from;
        if (args.get(1).literal() instanceof Long start) {
            from = start >= 0 ? SqlFragment.format("CAST({} AS INTEGER) + 1", sql(args, 1))
                    : SqlFragment.format("GREATEST(CHAR_LENGTH({}) + CAST({} AS INTEGER), 0) + 1", text, sql(args, 1));
        } else {
            SqlFragment start = SqlFragment.format("CAST({} AS INTEGER)", sql(args, 1));
            from = SqlFragment.format("CASE WHEN {} < 0 THEN GREATEST(CHAR_LENGTH({}) + {}, 0) ELSE {} END + 1",
                    start, text, start, start);
        }
        if (args.size() == 2) {
            return Operand.of(SqlFragment.format("SUBSTRING({} FROM {})", text, from), ValueType.STRING);
        }
        SqlFragment count;
        if (args.get(2).literal() instanceof Long length) {
            if (length < 0) {
                throw new ServiceException.BadRequest(ErrorCode.INVALID_QUERY_OPTION, translator.target(),
                        "substring's length must not be negative; it is " + length);
            }
            count = SqlFragment.format("CAST({} AS INTEGER)", sql(args, 2));
        } else {
            SqlFragment length = SqlFragment.format("CAST({} AS INTEGER)", sql(args, 2));
            count = SqlFragment.format("CASE WHEN {} >= 0 THEN {} END", length, length).withNullable(true);
        }
        return Operand.of(SqlFragment.format("SUBSTRING({} FROM {} FOR {})", text, from, count), ValueType.STRING);
    }

    /** Stored timestamps are UTC instants, so only a literal can have another offset. */
    private static Operand totalOffsetMinutes(Operand value) {
        if (value.literal() instanceof OffsetDateTime time) {
            return Operand.literal((long) time.getOffset().getTotalSeconds() / 60, ValueType.INTEGER);
        }
        SqlFragment zero = value.nullable()
                ? SqlFragment.format("CASE WHEN {} IS NULL THEN NULL ELSE 0 END", value.sql()).withNullable(true)
                : SqlFragment.of("0");
        return Operand.of(zero, ValueType.INTEGER);
    }

    private static Operand rounding(String function, Operand value) {
        if (value.type() == ValueType.INTEGER) {
            return value;
        }
        return Operand.of(SqlFragment.format(function + "(CAST({} AS " + Arithmetic.DECIMAL + "))", value.sql()),
                ValueType.DECIMAL);
    }
}
