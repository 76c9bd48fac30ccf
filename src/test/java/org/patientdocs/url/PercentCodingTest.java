package org.patientdocs.url;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PercentCodingTest {

    @Test
    void encodeKeepsODataPunctuationAndEncodesTheRest() {
        assertEquals("a%20eq%20'%C3%BC%25%26%2B%23'", PercentCoding.encode("a eq 'ü%&+#'"));
        assertEquals("-._~'()*,:@$/!;=", PercentCoding.encode("-._~'()*,:@$/!;="));
        assertEquals("%3F%5B%5D%22%3C%3E%5C%5E%60%7B%7C%7D", PercentCoding.encode("?[]\"<>\\^`{|}"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a eq 'b'", "50% + 20%", "ü€😀", "a&b=c#d?e", "'it''s'", "\t\r\n"})
    void decodeUndoesEncode(String text) {
        assertEquals(text, PercentCoding.decode(PercentCoding.encode(text)));
    }

    @Test
    void decodeReadsUtf8EscapesAndKeepsThePlusAsThePlus() {
        assertEquals("2026-01-01T00:00:00+01:00 ü", PercentCoding.decode("2026-01-01T00:00:00+01:00%20%C3%BC"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"%zz", "a%4", "%%41", "%-1", "%4g"})
    void decodeRefusesWhatTheParserRefuses(String text) {
        assertNull(PercentCoding.decode(text));
    }

    @Test
    void decodeReadsWhatTheParserReadsEvenWhereItIsLax() {
        assertEquals("(a)", PercentCoding.decode("(a)%"));
        assertEquals("\u0001", PercentCoding.decode("%+1"));
    }

    @Test
    void decodeReadsCharactersOutsideAsciiAsThemselves() {
        assertEquals("über 😀", PercentCoding.decode("über%20😀"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "wound%20photo.jpg | wound photo.jpg",
        "%C3%9Cberweisung.pdf | Überweisung.pdf",
        "50%%20off%zz%4 | 50% off%zz%4",
        "100% sure.pdf | 100% sure.pdf",
        "a+b.pdf | a+b.pdf"})
    void aLenientDecodeKeepsMalformedEscapesAsWritten(String slug, String decoded) {
        assertEquals(decoded, PercentCoding.decodeLeniently(slug));
    }

    @Test
    void anExtendedValueEscapesEverythingButAttrChars() {
        assertEquals("UTF-8''%C3%9Cberweisung%20%22Dr%22%2050%25.pdf",
                PercentCoding.extendedValue("Überweisung \"Dr\" 50%.pdf"));
        assertEquals("UTF-8''it%27s!#$&+^`|~%3B%2C.pdf", PercentCoding.extendedValue("it's!#$&+^`|~;,.pdf"));
    }

    @Test
    void escapingForAUriLeavesEscapesAndUriCharactersAlone() {
        assertEquals("http://h/a?$filter=a%20eq%20'x%7Cy'%20and%20b%20eq%20'%C3%BC'&x=%25",
                PercentCoding.escapeForUri("http://h/a?$filter=a eq 'x|y' and b%20eq%20'ü'&x=%25"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"naïve résumé.pdf", "a+b c.pdf", "日本語.pdf", "50%_off's.pdf"})
    void anExtendedValueDecodesToWhatWasEncoded(String text) {
        assertEquals(text, PercentCoding.decodeExtendedValue(PercentCoding.extendedValue(text)));
    }

    @Test
    void anExtendedValueNamesItsCharset() {
        assertEquals("\u00e4.pdf", PercentCoding.decodeExtendedValue("ISO-8859-1''%E4.pdf"));
        assertEquals("\u00e4.pdf", PercentCoding.decodeExtendedValue("utf-8'en'%C3%A4.pdf"));
        assertEquals("a+b.pdf", PercentCoding.decodeExtendedValue("UTF-8''a+b.pdf"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"UTF-8''%C3", "UTF-8''%ZZ.pdf", "UTF-8''a b.pdf", "UTF-16''a.pdf", "a.pdf", "UTF-8'a.pdf"})
    void aMalformedExtendedValueIsNull(String text) {
        assertNull(PercentCoding.decodeExtendedValue(text));
    }
}
