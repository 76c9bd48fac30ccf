package org.patientdocs.query;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import org.patientdocs.error.ErrorCode;
import org.patientdocs.error.ServiceException;

/**
 * Keyset pagination: a {@code $skiptoken} carries the sort-key values of the last row delivered, and the next page
 * starts strictly after them, so a late page costs what the first does and rows inserted meanwhile neither repeat
 * nor vanish. The token also carries how many rows were delivered (to honour {@code $top} across pages) and a
 * fingerprint of the request's filter, search and order: a token presented with other options is stale (400).
 * The token is opaque to clients: base64url of a small text.
 */
public final class Keyset {

    /** The token layout; k2 since properties pinned by the filter lead the sort keys. */
    private static final String VERSION = "k2";
    private static final String SEPARATOR = "\n";

    /** Where a page starts: after the row with these sort-key values; {@code delivered} rows came before. */
    public record Position(List<Object> values, long delivered) {
    }

    private Keyset() {
    }

    /** A short digest of the parts of a request that decide which rows come in which order. */
    public static String fingerprint(List<String> parts) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (String part : parts) {
                digest.update((part == null ? "\u0000" : part).getBytes(StandardCharsets.UTF_8));
                digest.update((byte) 0x1f);
            }
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest.digest()).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing", e);
        }
    }

    public static String encode(String fingerprint, Position position) {
        StringBuilder text = new StringBuilder(VERSION).append(SEPARATOR).append(fingerprint).append(SEPARATOR)
                .append(position.delivered());
        for (Object value : position.values()) {
            text.append(SEPARATOR).append(encodeValue(value));
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static String encodeValue(Object value) {
        if (value == null) {
            return "n";
        }
        if (value instanceof String s) {
            return "s" + Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
        }
        if (value instanceof Long || value instanceof Integer) {
            return "i" + value;
        }
        if (value instanceof BigDecimal d) {
            return "d" + d.toPlainString();
        }
        if (value instanceof Boolean b) {
            return "b" + b;
        }
        if (value instanceof LocalDate d) {
            return "D" + d;
        }
        if (value instanceof Instant t) {
            return "T" + t;
        }
        if (value instanceof OffsetDateTime t) {
            return "T" + t.toInstant();
        }
        throw new IllegalArgumentException("no token form for " + value.getClass().getSimpleName());
    }

    /**
     * Reads a token issued for a request with this fingerprint and these sort keys; anything else (not a token of
     * this service, other options, other keys) is a 400.
     */
    public static Position decode(String token, String fingerprint, List<SortKey> keys) {
        String[] parts;
        try {
            parts = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8).split(SEPARATOR, -1);
        } catch (IllegalArgumentException e) {
            throw invalid();
        }
        if (parts.length != 3 + keys.size() || !parts[0].equals(VERSION)) {
            throw invalid();
        }
        if (!parts[1].equals(fingerprint)) {
            throw new ServiceException.BadRequest(ErrorCode.INVALID_SKIPTOKEN, "$skiptoken",
                    "The $skiptoken belongs to a request with other $filter, $search or $orderby options");
        }
        try {
            long delivered = Long.parseLong(parts[2]);
            if (delivered < 0) {
                throw invalid();
            }
            List<Object> values = new ArrayList<>();
            for (int i = 0; i < keys.size(); i++) {
                values.add(decodeValue(parts[3 + i], keys.get(i)));
            }
            return new Position(values, delivered);
        } catch (NumberFormatException | DateTimeParseException e) {
            throw invalid();
        }
    }

    private static Object decodeValue(String text, SortKey key) {
        if (text.equals("n")) {
            if (!key.nullable()) {
                throw invalid();
            }
            return null;
        }
        char tag = text.isEmpty() ? ' ' : text.charAt(0);
        String body = text.isEmpty() ? "" : text.substring(1);
        Object value = switch (key.type().readKind()) {
            case STRING -> tag == 's'
                    ? new String(Base64.getUrlDecoder().decode(body), StandardCharsets.UTF_8) : null;
            case INT64, INT32 -> tag == 'i' ? Long.parseLong(body) : null;
            case DECIMAL, DOUBLE -> tag == 'd' ? new BigDecimal(body) : null;
            case BOOLEAN -> tag == 'b' && (body.equals("true") || body.equals("false"))
                    ? Boolean.valueOf(body) : null;
            case DATE -> tag == 'D' ? LocalDate.parse(body) : null;
            case DATE_TIME_OFFSET -> tag == 'T' ? Instant.parse(body).atOffset(ZoneOffset.UTC) : null;
            case STRING_LIST, BYTES -> null;
        };
        if (value == null) {
            throw invalid();
        }
        return value;
    }

    private static ServiceException invalid() {
        return new ServiceException.BadRequest(ErrorCode.INVALID_SKIPTOKEN, "$skiptoken",
                "The $skiptoken is not one this service issued");
    }

    /**
     * Rows strictly after the position in the order of the keys. Keys all non-null and in one direction use a row
     * comparison, which both stores can answer from an index; otherwise the expansion
     * {@code k1 > v1 OR (k1 = v1 AND k2 > v2) OR …} with OData's null ordering (nulls first ascending, last
     * descending).
     */
    static SqlFragment after(List<SortKey> keys, List<Object> values) {
        boolean uniform = keys.stream().noneMatch(SortKey::nullable)
                && keys.stream().allMatch(k -> k.descending() == keys.get(0).descending());
        if (uniform) {
            List<SqlFragment> left = keys.stream().map(SortKey::sql).toList();
            List<SqlFragment> right = new ArrayList<>();
            for (int i = 0; i < keys.size(); i++) {
                right.add(bind(keys.get(i), values.get(i)));
            }
            return SqlFragment.format("((" + "{}" + ") " + (keys.get(0).descending() ? "<" : ">") + " ({}))",
                    SqlFragment.join(", ", left), SqlFragment.join(", ", right));
        }
        List<SqlFragment> alternatives = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            List<SqlFragment> conjuncts = new ArrayList<>();
            for (int j = 0; j < i; j++) {
                conjuncts.add(same(keys.get(j), values.get(j)));
            }
            conjuncts.add(strictlyAfter(keys.get(i), values.get(i)));
            alternatives.add(SqlFragment.format("({})", SqlFragment.join(" AND ", conjuncts)));
        }
        SqlFragment expansion = SqlFragment.format("({})", SqlFragment.join(" OR ", alternatives));
        SortKey first = keys.get(0);
        if (!first.descending() && values.get(0) != null) {
            // Implied by the expansion; lets the database start an index range scan at the position.
            return SqlFragment.format("({} >= {} AND {})", first.sql(), bind(first, values.get(0)), expansion);
        }
        return expansion;
    }

    private static SqlFragment same(SortKey key, Object value) {
        return value == null ? SqlFragment.format("{} IS NULL", key.sql())
                : SqlFragment.format("{} = {}", key.sql(), bind(key, value));
    }

    private static SqlFragment strictlyAfter(SortKey key, Object value) {
        if (value == null) {
            return key.descending() ? SqlFragment.of("1=0") : SqlFragment.format("{} IS NOT NULL", key.sql());
        }
        SqlFragment beyond = SqlFragment.format("{} " + (key.descending() ? "<" : ">") + " {}", key.sql(),
                bind(key, value));
        return key.descending() && key.nullable()
                ? SqlFragment.format("({} OR {} IS NULL)", beyond, key.sql()) : beyond;
    }

    private static SqlFragment bind(SortKey key, Object value) {
        if (key.type() == ValueType.TIME_OF_DAY) {
            return SqlFragment.format("CAST({} AS TIME(6))", SqlFragment.param(value));
        }
        if (value instanceof Instant instant) {
            return SqlFragment.param(instant.atOffset(ZoneOffset.UTC));
        }
        return SqlFragment.param(value);
    }
}
