package org.patientdocs.server;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

import org.apache.olingo.server.api.uri.queryoption.expression.MethodKind;

/** The canonical functions for {@link ReferenceEvaluator}, on non-null arguments. */
final class ReferenceFunctions {

    private ReferenceFunctions() {
    }

    static Object apply(MethodKind method, List<Object> args) {
        return switch (method) {
            case CONTAINS -> text(args, 0).contains(text(args, 1));
            case STARTSWITH -> text(args, 0).startsWith(text(args, 1));
            case ENDSWITH -> text(args, 0).endsWith(text(args, 1));
            case SUBSTRINGOF -> ReferenceEvaluator.regex(text(args, 0), text(args, 1));
            case LENGTH -> (long) text(args, 0).length();
            case INDEXOF -> (long) text(args, 0).indexOf(text(args, 1));
            case SUBSTRING -> substring(text(args, 0), (Long) args.get(1), args.size() > 2 ? (Long) args.get(2) : null);
            case TOLOWER -> ascii(text(args, 0), true);
            case TOUPPER -> ascii(text(args, 0), false);
            case TRIM -> trimSpaces(text(args, 0));
            case CONCAT -> text(args, 0) + text(args, 1);
            case YEAR -> (long) (args.get(0) instanceof LocalDate d ? d.getYear() : utc(args.get(0)).getYear());
            case MONTH -> (long) (args.get(0) instanceof LocalDate d ? d.getMonthValue()
                    : utc(args.get(0)).getMonthValue());
            case DAY -> (long) (args.get(0) instanceof LocalDate d ? d.getDayOfMonth()
                    : utc(args.get(0)).getDayOfMonth());
            case HOUR -> (long) (args.get(0) instanceof LocalTime t ? t.getHour() : utc(args.get(0)).getHour());
            case MINUTE -> (long) (args.get(0) instanceof LocalTime t ? t.getMinute() : utc(args.get(0)).getMinute());
            case SECOND -> (long) (args.get(0) instanceof LocalTime t ? t.getSecond() : utc(args.get(0)).getSecond());
            case FRACTIONALSECONDS -> BigDecimal.valueOf(args.get(0) instanceof LocalTime t ? t.getNano()
                    : utc(args.get(0)).getNano(), 9);
            case DATE -> utc(args.get(0)).toLocalDate();
            case TIME -> utc(args.get(0)).toLocalTime();
            case TOTALOFFSETMINUTES -> (long) ((OffsetDateTime) args.get(0)).getOffset().getTotalSeconds() / 60;
            case TOTALSECONDS -> ((ReferenceEvaluator.Seconds) args.get(0)).value();
            case MINDATETIME -> OffsetDateTime.of(1, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);
            case MAXDATETIME -> OffsetDateTime.of(9999, 12, 31, 23, 59, 59, 999_999_000, ZoneOffset.UTC);
            case ROUND -> round(args.get(0), RoundingMode.HALF_UP);
            case FLOOR -> round(args.get(0), RoundingMode.FLOOR);
            case CEILING -> round(args.get(0), RoundingMode.CEILING);
            default -> throw new IllegalArgumentException("no reference for " + method);
        };
    }

    private static String text(List<Object> args, int index) {
        return (String) args.get(index);
    }

    private static OffsetDateTime utc(Object value) {
        return ReferenceEvaluator.inUtc((OffsetDateTime) value);
    }

    /** OData 4.01: a negative start counts from the end; a negative length (computed) gives null. */
    private static String substring(String text, long start, Long length) {
        int from = (int) Math.min(start < 0 ? Math.max(text.length() + start, 0) : start, text.length());
        if (length == null) {
            return text.substring(from);
        }
        if (length < 0) {
            return null;
        }
        int to = (int) Math.min(text.length(), from + length);
        return text.substring(from, to);
    }

    private static String ascii(String text, boolean lower) {
        StringBuilder out = new StringBuilder();
        for (char c : text.toCharArray()) {
            if (lower && c >= 'A' && c <= 'Z') {
                out.append((char) (c + 32));
            } else if (!lower && c >= 'a' && c <= 'z') {
                out.append((char) (c - 32));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static String trimSpaces(String text) {
        int from = 0;
        int to = text.length();
        while (from < to && text.charAt(from) == ' ') {
            from++;
        }
        while (to > from && text.charAt(to - 1) == ' ') {
            to--;
        }
        return text.substring(from, to);
    }

    private static Object round(Object value, RoundingMode mode) {
        return value instanceof Long ? value : ((BigDecimal) value).setScale(0, mode);
    }
}
