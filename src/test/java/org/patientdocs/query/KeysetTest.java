package org.patientdocs.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.patientdocs.error.ErrorCode;
import org.patientdocs.error.ServiceException;

class KeysetTest {

    private static final List<SortKey> KEYS = List.of(
            key("t0.document_type", ValueType.STRING, false, true),
            key("t0.file_size_bytes", ValueType.INTEGER, true, false),
            key("t0.uploaded_at", ValueType.DATE_TIME_OFFSET, false, false),
            key("t0.birth", ValueType.DATE, false, true),
            key("t0.ratio", ValueType.DECIMAL, false, false),
            key("t0.id", ValueType.STRING, false, false));

    private static SortKey key(String sql, ValueType type, boolean descending, boolean nullable) {
        return new SortKey(new SqlFragment(sql, List.of(), nullable), type, descending, nullable);
    }

    @Test
    void aTokenCarriesTheValuesAndTheRowsDelivered() {
        Keyset.Position position = new Keyset.Position(Arrays.asList("Ref|\n'x' ü", 42L,
                Instant.parse("2026-01-01T04:30:00.123Z"), null, new BigDecimal("1.50"), "doc-1"), 2000);
        String token = Keyset.encode("fp", position);
        assertEquals(true, token.matches("[A-Za-z0-9_-]+"), token);
        Keyset.Position read = Keyset.decode(token, "fp", KEYS);
        assertEquals(Arrays.asList("Ref|\n'x' ü", 42L, OffsetDateTime.parse("2026-01-01T04:30:00.123Z"), null,
                new BigDecimal("1.50"), "doc-1"), read.values());
        assertEquals(2000, read.delivered());
    }

    @Test
    void aForgedTokenIsABadRequest() {
        for (String forged : List.of("!!!", "abc", Keyset.encode("fp", new Keyset.Position(List.of("x"), 1)),
                "azEKZnAKMQpp")) {
            ServiceException e = assertThrows(ServiceException.BadRequest.class,
                    () -> Keyset.decode(forged, "fp", KEYS), forged);
            assertEquals(ErrorCode.INVALID_SKIPTOKEN, e.code());
        }
    }

    @Test
    void aValueOfTheWrongTypeIsABadRequest() {
        String token = Keyset.encode("fp", new Keyset.Position(Arrays.asList("a", "not a number",
                Instant.EPOCH, null, BigDecimal.ONE, "d"), 1));
        assertThrows(ServiceException.BadRequest.class, () -> Keyset.decode(token, "fp", KEYS));
    }

    @Test
    void nullForANonNullableKeyIsABadRequest() {
        String token = Keyset.encode("fp", new Keyset.Position(Arrays.asList("a", null, Instant.EPOCH, null,
                BigDecimal.ONE, "d"), 1));
        assertThrows(ServiceException.BadRequest.class, () -> Keyset.decode(token, "fp", KEYS));
    }

    @Test
    void aTokenOfOtherOptionsIsStale() {
        String token = Keyset.encode("other", new Keyset.Position(List.of("d"), 1));
        ServiceException e = assertThrows(ServiceException.BadRequest.class,
                () -> Keyset.decode(token, "fp", List.of(KEYS.get(5))));
        assertEquals(ErrorCode.INVALID_SKIPTOKEN, e.code());
    }

    /** The parts a collection request's fingerprint is made of: path, $filter, $search, $orderby, aliases. */
    private static final List<String> PARTS = Arrays.asList("Patients('p-1')/Documents", "file_size_bytes gt 5",
            null, "uploaded_at desc,id", "{@p=1}");

    @Test
    void theFingerprintIsTheSameForTheSameParts() {
        String fingerprint = Keyset.fingerprint(PARTS);
        assertEquals(fingerprint, Keyset.fingerprint(new ArrayList<>(PARTS)));
        assertTrue(fingerprint.matches("[A-Za-z0-9_-]{16}"), fingerprint);
    }

    static Stream<Arguments> changedParts() {
        return Stream.of(
                Arguments.of("another path", 0, "Patients('p-2')/Documents"),
                Arguments.of("a filter one character longer", 1, "file_size_bytes gt 50"),
                Arguments.of("a filter differing in its first character", 1, "File_size_bytes gt 5"),
                Arguments.of("an empty search instead of none", 2, ""),
                Arguments.of("a search instead of none", 2, "x"),
                Arguments.of("another order", 3, "uploaded_at asc,id"),
                Arguments.of("no order", 3, null),
                Arguments.of("another alias value", 4, "{@p=2}"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("changedParts")
    void theFingerprintDependsOnEveryPart(String change, int index, String value) {
        List<String> changed = new ArrayList<>(PARTS);
        changed.set(index, value);
        assertNotEquals(Keyset.fingerprint(PARTS), Keyset.fingerprint(changed));
    }

    @Test
    void theFingerprintTellsWhereOnePartEndsAndWhichComesFirst() {
        assertNotEquals(Keyset.fingerprint(List.of("ab", "")), Keyset.fingerprint(List.of("a", "b")));
        assertNotEquals(Keyset.fingerprint(List.of("a", "b")), Keyset.fingerprint(List.of("b", "a")));
        assertNotEquals(Keyset.fingerprint(List.of("a")), Keyset.fingerprint(Arrays.asList("a", null)));
    }

    @Test
    void nonNullKeysInOneDirectionUseARowComparison() {
        SqlFragment after = Keyset.after(List.of(KEYS.get(2), KEYS.get(5)),
                List.of(OffsetDateTime.parse("2026-01-01T00:00Z"), "doc-1"));
        assertEquals("((t0.uploaded_at, t0.id) > (?, ?))", after.sql());
        assertEquals(List.of(OffsetDateTime.parse("2026-01-01T00:00Z"), "doc-1"), after.params());
    }

    @Test
    void descendingNonNullKeysCompareTheOtherWay() {
        SortKey size = KEYS.get(1);
        SortKey id = key("t0.id", ValueType.STRING, true, false);
        assertEquals("((t0.file_size_bytes, t0.id) < (?, ?))", Keyset.after(List.of(size, id), List.of(5L, "d")).sql());
    }

    @Test
    void aNullableKeyExpandsWithNullsFirst() {
        SqlFragment after = Keyset.after(List.of(KEYS.get(0), KEYS.get(5)), List.of("Referral", "doc-1"));
        assertEquals("(t0.document_type >= ? AND ((t0.document_type > ?) OR (t0.document_type = ? AND t0.id > ?)))",
                after.sql());
        assertEquals(List.of("Referral", "Referral", "Referral", "doc-1"), after.params());
    }

    @Test
    void afterANullEveryNonNullValueFollowsAscending() {
        SqlFragment after = Keyset.after(List.of(KEYS.get(0), KEYS.get(5)), Arrays.asList(null, "doc-1"));
        assertEquals("((t0.document_type IS NOT NULL) OR (t0.document_type IS NULL AND t0.id > ?))", after.sql());
    }

    @Test
    void descendingNullsComeLast() {
        SortKey type = key("t0.document_type", ValueType.STRING, true, true);
        assertEquals("(((t0.document_type < ? OR t0.document_type IS NULL)) OR (t0.document_type = ? AND t0.id > ?))",
                Keyset.after(List.of(type, KEYS.get(5)), List.of("R", "d")).sql());
        assertEquals("((1=0) OR (t0.document_type IS NULL AND t0.id > ?))",
                Keyset.after(List.of(type, KEYS.get(5)), Arrays.asList(null, "d")).sql());
    }

    @Test
    void datesAndTimesOfDayBindAsTheirTypes() {
        SortKey time = key("t0.t", ValueType.TIME_OF_DAY, false, false);
        SqlFragment after = Keyset.after(List.of(time, KEYS.get(5)), List.of("04:30:00.123", "d"));
        assertEquals("((t0.t, t0.id) > (CAST(? AS TIME(6)), ?))", after.sql());
        SqlFragment date = Keyset.after(List.of(KEYS.get(3), KEYS.get(5)), List.of(LocalDate.of(2000, 1, 1), "d"));
        assertEquals(LocalDate.of(2000, 1, 1), date.params().get(0));
    }
}
