package org.patientdocs.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.patientdocs.error.ErrorCode;
import org.patientdocs.error.ServiceException;

/** One test per translation rule of {@code $filter}: the SQL and its bind parameters, on real parsed URIs. */
class FilterTranslatorTest {

    private static SqlFragment documents(String filter) {
        return Parsed.filter("Documents", filter);
    }

    private static void assertSql(String filter, String sql, Object... params) {
        SqlFragment fragment = documents(filter);
        assertEquals(sql, fragment.sql());
        assertEquals(List.of(params), fragment.params());
    }

    @Test
    void stringEqualityOnANonNullableColumnIsAPlainComparison() {
        assertSql("file_name eq 'a.pdf'", "(t0.file_name = ?)", "a.pdf");
    }

    @Test
    void doubledQuotesInAStringLiteralAreOneQuote() {
        assertEquals(List.of("O'Brien.pdf"), documents("file_name eq 'O''Brien.pdf'").params());
    }

    @Test
    void equalityOnANullableColumnIsFalseForNull() {
        assertSql("document_type eq 'Referral'", "((t0.document_type = ?) AND t0.document_type IS NOT NULL)",
                "Referral");
    }

    @Test
    void inequalityOnANullableColumnIsTrueForNull() {
        assertSql("document_type ne 'Referral'", "((t0.document_type <> ?) OR t0.document_type IS NULL)", "Referral");
    }

    @Test
    void comparisonWithNullRendersIsNull() {
        assertSql("description eq null", "(t0.description IS NULL)");
        assertSql("description ne null", "(t0.description IS NOT NULL)");
    }

    @Test
    void twoNullableOperandsAreEqualWhenBothAreNull() {
        assertSql("document_type eq description", "(((t0.document_type = t0.description) AND t0.document_type IS NOT"
                + " NULL AND t0.description IS NOT NULL) OR (t0.document_type IS NULL AND t0.description IS NULL))");
    }

    @ParameterizedTest
    @CsvSource({
        "file_size_bytes gt 100, (t0.file_size_bytes > ?)",
        "file_size_bytes ge 100, (t0.file_size_bytes >= ?)",
        "file_size_bytes lt 100, (t0.file_size_bytes < ?)",
        "file_size_bytes le 100, (t0.file_size_bytes <= ?)",
    })
    void orderingOperatorsBindTheirLiteral(String filter, String sql) {
        assertSql(filter, sql, 100L);
    }

    @Test
    void orderingOnANullableColumnExcludesNull() {
        assertSql("document_type gt 'I'", "((t0.document_type > ?) AND t0.document_type IS NOT NULL)", "I");
    }

    @Test
    void orderingWithTheNullLiteralIsFalse() {
        assertSql("file_size_bytes gt null", "(1=0)");
    }

    @Test
    void logicalOperatorsKeepParameterOrder() {
        assertSql("file_size_bytes gt 1 and (file_name eq 'x' or not (file_size_bytes eq 3))",
                "((t0.file_size_bytes > ?) AND ((t0.file_name = ?) OR (NOT (t0.file_size_bytes = ?))))", 1L, "x", 3L);
    }

    @Test
    void inOverLiteralsIsASqlInGuardedForNull() {
        assertSql("document_type in ('a','b')", "((t0.document_type IN (?, ?)) AND t0.document_type IS NOT NULL)",
                "a", "b");
        assertSql("file_size_bytes in (1,2)", "(t0.file_size_bytes IN (?, ?))", 1L, 2L);
    }

    @Test
    void inOverOtherExpressionsIsADisjunctionOfEqualities() {
        assertSql("file_name in (description,'x')", "(((t0.file_name = t0.description) AND t0.description IS NOT NULL)"
                + " OR (t0.file_name = ?))", "x");
    }

    @Test
    void integerArithmeticStaysInteger() {
        // literals are typed: H2 would make (? * ?) a decimal, and 7 div 2 would be 3.5 there
        assertSql("file_size_bytes add 1 sub 2 mul 3 gt 0", "(((t0.file_size_bytes + CAST(? AS BIGINT))"
                + " - (CAST(? AS BIGINT) * CAST(? AS BIGINT))) > ?)", 1L, 2L, 3L, 0L);
        assertSql("-7 div 2 eq -3", "((CAST(? AS BIGINT) / CAST(? AS BIGINT)) = ?)", -7L, 2L, -3L);
        assertSql("-(7) div 2 eq -3", "(((-CAST(? AS BIGINT)) / CAST(? AS BIGINT)) = ?)", 7L, 2L, -3L);
    }

    @Test
    void integerDivisionByANonZeroLiteralNeedsNoGuard() {
        assertSql("file_size_bytes div 2 eq 5", "((t0.file_size_bytes / CAST(? AS BIGINT)) = ?)", 2L, 5L);
    }

    @Test
    void divisionByAnExpressionIsNullWhereTheDivisorIsZero() {
        assertSql("file_size_bytes div file_size_bytes eq 1", "(((t0.file_size_bytes / NULLIF(t0.file_size_bytes, 0))"
                + " = ?) AND (t0.file_size_bytes / NULLIF(t0.file_size_bytes, 0)) IS NOT NULL)", 1L);
        assertSql("file_size_bytes mod 0 eq 1",
                "((MOD(t0.file_size_bytes, NULLIF(CAST(? AS BIGINT), 0)) = ?)"
                        + " AND MOD(t0.file_size_bytes, NULLIF(CAST(? AS BIGINT), 0)) IS NOT NULL)",
                0L, 1L, 0L);
    }

    @Test
    void decimalDivisionKeepsEighteenFractionalDigits() {
        assertSql("file_size_bytes div 3.0 lt 1", "(CAST(CAST(t0.file_size_bytes AS DECIMAL(38,18)) / ? AS"
                + " DECIMAL(38,18)) < ?)", new BigDecimal("3.0"), 1L);
    }

    @Test
    void divbyIsDecimalDivision() {
        assertSql("file_size_bytes divby 2 gt 5", "(CAST(CAST(CAST((t0.file_size_bytes * CAST(? AS DECIMAL(38,18)))"
                + " AS DECIMAL(38,18)) AS DECIMAL(38,18)) / ? AS DECIMAL(38,18)) > ?)", new BigDecimal("1.0"), 2L, 5L);
    }

    @Test
    void negationIsUnaryMinus() {
        assertSql("-file_size_bytes lt 0", "((-t0.file_size_bytes) < ?)", 0L);
    }

    @Test
    void containsEscapesWildcards() {
        assertSql("contains(file_name,'50%_off\\')", "(t0.file_name LIKE ? ESCAPE '\\')", "%50\\%\\_off\\\\%");
    }

    @Test
    void startswithOnANullableColumnExcludesNull() {
        assertSql("startswith(description,'Ref')",
                "((t0.description LIKE ? ESCAPE '\\') AND t0.description IS NOT NULL)", "Ref%");
    }

    @Test
    void endswithAnchorsAtTheEnd() {
        assertSql("endswith(file_name,'.pdf')", "(t0.file_name LIKE ? ESCAPE '\\')", "%.pdf");
    }

    @Test
    void aPatternFromAColumnIsEscapedInSql() {
        assertSql("contains(file_name,description)", "((t0.file_name LIKE '%' || REPLACE(REPLACE(REPLACE("
                + "t0.description, '\\', '\\\\'), '%', '\\%'), '_', '\\_') || '%' ESCAPE '\\') AND t0.description IS"
                + " NOT NULL)");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "length(file_name) eq 3 | (CHAR_LENGTH(t0.file_name) = ?)",
        "indexof(file_name,'a') eq 3 | ((POSITION(? IN t0.file_name) - 1) = ?)",
        "trim(file_name) eq 'a' | (TRIM(t0.file_name) = ?)",
    })
    void stringFunctionsRenderStandardSql(String filter, String sql) {
        assertEquals(sql, documents(filter).sql());
    }

    @Test
    void concatIsTheNullPropagatingOperator() {
        assertSql("concat(file_name,'a') eq 'b'", "((t0.file_name || ?) = ?)", "a", "b");
    }

    @Test
    void substringIsZeroBasedAndCountsANegativeStartFromTheEnd() {
        assertSql("substring(file_name,1) eq 'a'",
                "(SUBSTRING(t0.file_name FROM CAST(? AS INTEGER) + 1) = ?)", 1L, "a");
        assertSql("substring(file_name,1,2) eq 'a'",
                "(SUBSTRING(t0.file_name FROM CAST(? AS INTEGER) + 1 FOR CAST(? AS INTEGER)) = ?)", 1L, 2L, "a");
        assertSql("substring(file_name,-3) eq 'a'",
                "(SUBSTRING(t0.file_name FROM GREATEST(CHAR_LENGTH(t0.file_name) + CAST(? AS INTEGER), 0) + 1) = ?)",
                -3L, "a");
    }

    @Test
    void substringWithANegativeLengthIsABadRequest() {
        ServiceException e = assertThrows(ServiceException.BadRequest.class,
                () -> documents("substring(file_name,0,-1) eq 'a'"));
        assertTrue(e.getMessage().contains("negative"), e.getMessage());
    }

    @Test
    void tolowerAndToupperMapAsciiLettersOnly() {
        assertSql("tolower(file_name) eq 'a'",
                "(TRANSLATE(t0.file_name, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz') = ?)", "a");
        assertSql("toupper(file_name) eq 'A'",
                "(TRANSLATE(t0.file_name, 'abcdefghijklmnopqrstuvwxyz', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ') = ?)", "A");
        // PostgreSQL's LOWER and UPPER do exactly that in collation "C", the text columns' collation
        assertEquals("(LOWER(t0.file_name) = (? COLLATE \"C\"))",
                Parsed.filter(Dialect.POSTGRESQL, "Documents", "tolower(file_name) eq 'a'").sql());
        assertEquals("(UPPER(t0.file_name) = (? COLLATE \"C\"))",
                Parsed.filter(Dialect.POSTGRESQL, "Documents", "toupper(file_name) eq 'A'").sql());
    }

    @Test
    void onPostgresqlTextThatIsNoColumnTakesTheColumnsCodePointCollation() {
        // without it, 'B' lt 'a' and tolower('ÜBER') would follow the database's default collation, e.g. en_US
        assertEquals("((? COLLATE \"C\") < (? COLLATE \"C\"))",
                Parsed.filter(Dialect.POSTGRESQL, "Documents", "'B' lt 'a'").sql());
        assertEquals("(LOWER((? COLLATE \"C\")) = (? COLLATE \"C\"))",
                Parsed.filter(Dialect.POSTGRESQL, "Documents", "tolower('BER') eq 'ber'").sql());
        assertEquals("((CAST(t0.file_size_bytes AS VARCHAR(64)) COLLATE \"C\") < (? COLLATE \"C\"))",
                Parsed.filter(Dialect.POSTGRESQL, "Documents", "cast(file_size_bytes,Edm.String) lt '5'").sql());
        // columns stay bare, so that their indexes (in collation "C" as well) serve
        assertEquals("(t0.file_name = (? COLLATE \"C\"))",
                Parsed.filter(Dialect.POSTGRESQL, "Documents", "file_name eq 'a'").sql());
        assertEquals("((? < ?) AND (t0.file_name = ?))",
                Parsed.filter(Dialect.H2, "Documents", "'B' lt 'a' and file_name eq 'a'").sql());
    }

    @Test
    void matchesPatternUsesEachStoresRegularExpressions() {
        SqlFragment h2 = Parsed.filter(Dialect.H2, "Documents", "matchesPattern(file_name,'^a.*b$')");
        assertEquals("REGEXP_LIKE(t0.file_name, ?, 'n')", h2.sql());
        assertEquals(List.of("^a.*b\\z"), h2.params());
        SqlFragment pg = Parsed.filter(Dialect.POSTGRESQL, "Documents", "matchesPattern(file_name,'^a.*b$')");
        assertEquals("(t0.file_name ~ ?)", pg.sql());
        assertEquals(List.of("^a.*b$"), pg.params());
    }

    @Test
    void matchesPatternOnANullableColumnExcludesNull() {
        assertEquals("((t0.description ~ ?) AND t0.description IS NOT NULL)",
                Parsed.filter(Dialect.POSTGRESQL, "Documents", "matchesPattern(description,'x')").sql());
    }

    @Test
    void datePartsAreReadInUtc() {
        assertSql("year(uploaded_at) eq 2026",
                "(CAST(EXTRACT(YEAR FROM (t0.uploaded_at AT TIME ZONE 'UTC')) AS INTEGER) = ?)", 2026L);
    }

    @Test
    void secondsDropTheFractionOnBothStores() {
        assertEquals("(CAST(EXTRACT(SECOND FROM (t0.uploaded_at AT TIME ZONE 'UTC')) AS INTEGER) = ?)",
                Parsed.filter(Dialect.H2, "Documents", "second(uploaded_at) eq 1").sql());
        assertEquals("(CAST(FLOOR(EXTRACT(SECOND FROM (t0.uploaded_at AT TIME ZONE 'UTC'))) AS INTEGER) = ?)",
                Parsed.filter(Dialect.POSTGRESQL, "Documents", "second(uploaded_at) eq 1").sql());
    }

    @Test
    void fractionalSecondsAreADecimal() {
        assertEquals("(CAST(CAST(MOD(EXTRACT(MICROSECONDS FROM (t0.uploaded_at AT TIME ZONE 'UTC')), 1000000) AS"
                        + " DECIMAL(38,18)) / 1000000 AS DECIMAL(38,18)) = ?)",
                Parsed.filter(Dialect.POSTGRESQL, "Documents", "fractionalseconds(uploaded_at) eq 0.5").sql());
    }

    @Test
    void dateAndTimeAreTheUtcDateAndTimeOfDay() {
        assertSql("date(uploaded_at) eq 2026-01-01", "(CAST((t0.uploaded_at AT TIME ZONE 'UTC') AS DATE) = ?)",
                LocalDate.of(2026, 1, 1));
        assertSql("time(uploaded_at) lt 12:00:00", "(CAST((t0.uploaded_at AT TIME ZONE 'UTC') AS TIME(6)) < ?)",
                LocalTime.NOON);
    }

    @Test
    void storedTimestampsHaveNoOffsetButLiteralsKeepTheirs() {
        assertSql("totaloffsetminutes(uploaded_at) eq 0", "(0 = ?)", 0L);
        assertSql("totaloffsetminutes(2026-01-01T00:00:00+02:00) eq 120", "(? = ?)", 120L, 120L);
    }

    @Test
    void nowBindsTheRequestTimeAndTheExtremesAreConstants() {
        assertSql("uploaded_at lt now()", "(t0.uploaded_at < ?)", Parsed.NOW);
        assertSql("uploaded_at gt mindatetime()", "(t0.uploaded_at > ?)", OffsetDateTime.parse("0001-01-01T00:00Z"));
        assertSql("uploaded_at lt maxdatetime()", "(t0.uploaded_at < ?)",
                OffsetDateTime.parse("9999-12-31T23:59:59.999999Z"));
    }

    @ParameterizedTest
    @CsvSource({
        "2026-01-15T09:00Z, 2026-01-15T09:00Z",
        "2026-01-15T09:00:00Z, 2026-01-15T09:00Z",
        "2026-01-15T09:00:00.123Z, 2026-01-15T09:00:00.123Z",
        "2026-01-15T09:00:00.123456789Z, 2026-01-15T09:00:00.123456789Z",
        "2026-01-15T09:00:00+02:00, 2026-01-15T09:00+02:00",
        "2026-01-15T09:00:00-05:30, 2026-01-15T09:00-05:30",
    })
    void dateTimeOffsetLiteralsKeepTheirInstantInEveryForm(String literal, String bound) {
        SqlFragment sql = documents("uploaded_at ge " + literal);
        assertEquals("(t0.uploaded_at >= ?)", sql.sql());
        assertEquals(OffsetDateTime.parse(bound), sql.params().get(0));
    }

    @Test
    void durationsAreSecondsAddedToTimestamps() {
        assertSql("uploaded_at sub duration'P1D' gt 2026-01-01T00:00:00Z", "(DATEADD(MICROSECOND,"
                + " CAST(ROUND((-CAST(? AS DECIMAL(38,18))) * 1000000) AS BIGINT), t0.uploaded_at) > ?)",
                new BigDecimal("86400"), OffsetDateTime.parse("2026-01-01T00:00Z"));
        assertEquals("((t0.uploaded_at + CAST(ROUND(CAST(? AS DECIMAL(38,18)) * 1000000) AS BIGINT)"
                        + " * INTERVAL '1 microsecond') > ?)",
                Parsed.filter(Dialect.POSTGRESQL, "Documents", "uploaded_at add duration'PT1S' gt 2026-01-01T00:00:00Z")
                        .sql());
    }

    @Test
    void literalsAreTypedWhereTheDatabaseCannotTellTheirType() {
        // H2 refuses MOD(?, ?) and EXTRACT(YEAR FROM ?): "Unknown data type"
        assertSql("5 mod 2 eq 1", "(MOD(CAST(? AS BIGINT), CAST(? AS BIGINT)) = ?)", 5L, 2L, 1L);
        // and a decimal modulo is computed in decimals: H2's MOD takes the divisor's type
        assertSql("file_size_bytes div 2.0 mod 2 eq 1.5", "(CAST(MOD(CAST(CAST(CAST(t0.file_size_bytes"
                + " AS DECIMAL(38,18)) / ? AS DECIMAL(38,18)) AS DECIMAL(38,18)), CAST(? AS DECIMAL(38,18)))"
                + " AS DECIMAL(38,18)) = ?)", new BigDecimal("2.0"), 2L, new BigDecimal("1.5"));
        // a divisor that rounds to zero at 18 places is guarded like zero itself
        assertSql("file_size_bytes div 2.0 mod 0.0000000000000000001 eq 1", "((CAST(MOD(CAST(CAST(CAST("
                + "t0.file_size_bytes AS DECIMAL(38,18)) / ? AS DECIMAL(38,18)) AS DECIMAL(38,18)), NULLIF(CAST(?"
                + " AS DECIMAL(38,18)), 0)) AS DECIMAL(38,18)) = ?) AND CAST(MOD(CAST(CAST(CAST(t0.file_size_bytes"
                + " AS DECIMAL(38,18)) / ? AS DECIMAL(38,18)) AS DECIMAL(38,18)), NULLIF(CAST(? AS DECIMAL(38,18)), 0))"
                + " AS DECIMAL(38,18)) IS NOT NULL)", new BigDecimal("2.0"), new BigDecimal("1E-19"), 1L,
                new BigDecimal("2.0"), new BigDecimal("1E-19"));
        assertSql("year(2026-01-01T00:00:00Z) eq 2026", "(CAST(EXTRACT(YEAR FROM (CAST(? AS TIMESTAMP WITH TIME ZONE)"
                + " AT TIME ZONE 'UTC')) AS INTEGER) = ?)", OffsetDateTime.parse("2026-01-01T00:00Z"), 2026L);
        assertSql("date(2026-01-01T10:00:00Z) eq 2026-01-01", "(CAST((CAST(? AS TIMESTAMP WITH TIME ZONE)"
                + " AT TIME ZONE 'UTC') AS DATE) = ?)", OffsetDateTime.parse("2026-01-01T10:00Z"),
                LocalDate.parse("2026-01-01"));
        assertSql("year(uploaded_at) eq 2026", "(CAST(EXTRACT(YEAR FROM (t0.uploaded_at AT TIME ZONE 'UTC'))"
                + " AS INTEGER) = ?)", 2026L);
        // a literal finer than microseconds is cut to them: rounding would differ between the stores
        assertSql("hour(23:59:59.9999999) eq 23", "(CAST(EXTRACT(HOUR FROM CAST(? AS TIME(6))) AS INTEGER) = ?)",
                LocalTime.parse("23:59:59.999999"), 23L);
    }

    @Test
    void aLiteralComparedWithNullIsDecidedWithoutTheDatabase() {
        assertSql("1 eq null", "(1=0)");
        assertSql("'a' ne null", "(1=1)");
    }

    @Test
    void theDifferenceOfTimestampsIsADurationInSeconds() {
        assertSql("uploaded_at sub 2026-01-01T00:00:00Z gt duration'PT1H'", "((CAST(EXTRACT(EPOCH FROM t0.uploaded_at)"
                + " AS DECIMAL(38,6)) - CAST(EXTRACT(EPOCH FROM CAST(? AS TIMESTAMP WITH TIME ZONE)) AS DECIMAL(38,6)))"
                + " > ?)",
                OffsetDateTime.parse("2026-01-01T00:00Z"), new BigDecimal("3600"));
    }

    @Test
    void roundingFunctionsWorkOnDecimals() {
        assertSql("round(file_size_bytes div 2.0) eq 2", "(ROUND(CAST(CAST(CAST(t0.file_size_bytes AS DECIMAL(38,18))"
                + " / ? AS DECIMAL(38,18)) AS DECIMAL(38,18))) = ?)", new BigDecimal("2.0"), 2L);
        assertEquals("(FLOOR(CAST(? AS DECIMAL(38,18))) = ?)", documents("floor(1.5) eq 1").sql());
        assertEquals("(CEILING(CAST(? AS DECIMAL(38,18))) = ?)", documents("ceiling(1.5) eq 2").sql());
    }

    @Test
    void castToStringAndToANarrowerIntegerIsNullWhenItCannotHold() {
        assertSql("cast(file_size_bytes,Edm.String) eq '5'", "(CAST(t0.file_size_bytes AS VARCHAR(64)) = ?)", "5");
        assertSql("cast(file_size_bytes,Edm.Int16) eq 5", "((CASE WHEN CAST(t0.file_size_bytes AS BIGINT) BETWEEN"
                + " -32768 AND 32767 THEN CAST(t0.file_size_bytes AS BIGINT) END = ?) AND CASE WHEN"
                + " CAST(t0.file_size_bytes AS BIGINT) BETWEEN -32768 AND 32767 THEN CAST(t0.file_size_bytes AS"
                + " BIGINT) END IS NOT NULL)", 5L);
    }

    @Test
    void castOfAStringToAnIntegerChecksItsDigitsFirst() {
        assertEquals("((CASE WHEN (t0.file_name ~ ?) THEN CAST(t0.file_name AS BIGINT) END = ?) AND CASE WHEN"
                        + " (t0.file_name ~ ?) THEN CAST(t0.file_name AS BIGINT) END IS NOT NULL)",
                Parsed.filter(Dialect.POSTGRESQL, "Documents", "cast(file_name,Edm.Int64) eq 5").sql());
    }

    @Test
    void isofChecksTheValueBelongsToTheType() {
        assertSql("isof(file_size_bytes,Edm.Int64)", "(t0.file_size_bytes IS NOT NULL)");
        assertSql("isof(file_size_bytes,Edm.Byte)", "(COALESCE(t0.file_size_bytes BETWEEN 0 AND 255, FALSE))");
        assertSql("isof(file_name,Edm.Int64)", "(1=0)");
        assertSql("isof(PatientDocs.Document)", "(1=1)");
        assertSql("isof(PatientDocs.Patient)", "(1=0)");
    }

    @Test
    void singleValuedNavigationIsALeftJoin() {
        assertSql("Patient/last_name eq 'Smith'", "((t1.last_name = ?) AND t1.last_name IS NOT NULL)", "Smith");
    }

    @Test
    void anyIsACorrelatedExists() {
        SqlFragment sql = Parsed.filter("Patients", "Documents/any(d:d/document_type eq 'Referral')");
        assertEquals("(EXISTS (SELECT 1 FROM document t1 WHERE t1.tenant_id = ? AND t1.patient_id = t0.id"
                + " AND ((t1.document_type = ?) AND t1.document_type IS NOT NULL)))", sql.sql());
        assertEquals(List.of(Parsed.TENANT, "Referral"), sql.params(), "the documents of the caller's tenant only");
    }

    @Test
    void anyWithoutAConditionAsksForAnyRow() {
        assertEquals("(EXISTS (SELECT 1 FROM document t1 WHERE t1.tenant_id = ? AND t1.patient_id = t0.id))",
                Parsed.filter("Patients", "Documents/any()").sql());
    }

    @Test
    void allIsNotExistsOfTheNegation() {
        assertEquals("(NOT EXISTS (SELECT 1 FROM document t1 WHERE t1.tenant_id = ? AND t1.patient_id = t0.id"
                        + " AND NOT ((t1.document_type = ?) AND t1.document_type IS NOT NULL)))",
                Parsed.filter("Patients", "Documents/all(d:d/document_type eq 'Referral')").sql());
    }

    @Test
    void countOfACollectionIsACountingSubquery() {
        assertEquals("((SELECT COUNT(*) FROM document t1 WHERE t1.tenant_id = ? AND t1.patient_id = t0.id) > ?)",
                Parsed.filter("Patients", "Documents/$count gt 1").sql());
    }

    @Test
    void lambdasNestInsideLogicalOperators() {
        SqlFragment sql = Parsed.filter("Patients", "last_name eq 'X' or (Documents/any(d:d/file_size_bytes gt 1)"
                + " and not Documents/all(e:e/file_size_bytes lt 5))");
        assertEquals("(((t0.last_name = ?) AND t0.last_name IS NOT NULL) OR ((EXISTS (SELECT 1 FROM document t1 WHERE"
                + " t1.tenant_id = ? AND t1.patient_id = t0.id AND (t1.file_size_bytes > ?))) AND (NOT (NOT EXISTS"
                + " (SELECT 1 FROM document t2 WHERE t2.tenant_id = ? AND t2.patient_id = t0.id"
                + " AND NOT (t2.file_size_bytes < ?))))))", sql.sql());
        assertEquals(List.of("X", Parsed.TENANT, 1L, Parsed.TENANT, 5L), sql.params());
    }

    @Test
    void pathsInsideALambdaJoinInsideItsSubquery() {
        assertEquals("(EXISTS (SELECT 1 FROM document t1 LEFT JOIN patient t2 ON t2.id = t1.patient_id"
                        + " AND t2.tenant_id = ? WHERE t1.tenant_id = ? AND t1.patient_id = t0.id"
                        + " AND (((t2.last_name = t0.last_name) AND t2.last_name IS NOT NULL AND"
                        + " t0.last_name IS NOT NULL) OR (t2.last_name IS NULL AND t0.last_name IS NULL))))",
                Parsed.filter("Patients", "Documents/any(d:d/Patient/last_name eq $it/last_name)").sql());
    }

    @Test
    void parameterAliasesAreResolvedAndBound() {
        UriInfoFilter filter = new UriInfoFilter("Documents", "$filter=file_name eq @p and file_size_bytes gt @n"
                + "&@p='x'&@n=3");
        assertEquals("((t0.file_name = ?) AND (t0.file_size_bytes > ?))", filter.sql.sql());
        assertEquals(List.of("x", 3L), filter.sql.params());
    }

    @Test
    void anAbsentAliasIsNull() {
        assertEquals("(t0.description IS NULL)",
                new UriInfoFilter("Documents", "$filter=description eq @missing").sql.sql());
    }

    @Test
    void patientBirthDateComparesAsDate() {
        SqlFragment sql = Parsed.filter("Patients", "birth_date lt 2000-01-01");
        assertEquals("((t0.birth_date < ?) AND t0.birth_date IS NOT NULL)", sql.sql());
        assertEquals(List.of(LocalDate.of(2000, 1, 1)), sql.params());
    }

    @Test
    void anUnsupportedLiteralTypeIsNotImplemented() {
        ServiceException e = assertThrows(ServiceException.NotImplemented.class,
                () -> documents("binary'AAEC' eq binary'AAEC'"));
        assertEquals(ErrorCode.QUERY_FEATURE_UNSUPPORTED, e.code());
    }

    @Test
    void aCastTheStoresWouldWriteDifferentlyIsNotImplemented() {
        ServiceException e = assertThrows(ServiceException.NotImplemented.class,
                () -> documents("cast(uploaded_at,Edm.String) eq 'x'"));
        assertEquals(ErrorCode.FILTER_FUNCTION_UNSUPPORTED, e.code());
        assertEquals("$filter", e.target());
    }

    @Test
    void aMalformedRegularExpressionIsABadRequest() {
        ServiceException e = assertThrows(ServiceException.BadRequest.class,
                () -> documents("matchesPattern(file_name,'(a')"));
        assertEquals(ErrorCode.INVALID_PATTERN, e.code());
    }

    /** A filter parsed together with other options (aliases). */
    private static final class UriInfoFilter {
        final SqlFragment sql;

        UriInfoFilter(String set, String query) {
            var uri = Parsed.parse(set, query);
            Block block = new Block(Parsed.context(Dialect.H2, uri), Parsed.table(set));
            sql = new FilterTranslator(block, "$filter").condition(uri.getFilterOption().getExpression());
        }
    }
}
