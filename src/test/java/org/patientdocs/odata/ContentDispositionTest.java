package org.patientdocs.odata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.patientdocs.error.ErrorCode;
import org.patientdocs.error.ServiceException;

class ContentDispositionTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "attachment; filename=\"a.pdf\"                                        | a.pdf",
        "attachment; filename=plain.pdf                                        | plain.pdf",
        "inline; FILENAME=\"Upper.pdf\"                                        | Upper.pdf",
        "form-data; name=\"file\"; filename=\"x; y.pdf\"                       | x; y.pdf",
        "attachment; filename=\"a \\\"b\\\".pdf\"                              | a \"b\".pdf",
        "attachment; filename=\"fallback.pdf\"; filename*=UTF-8''%C3%A4rztin.pdf | ärztin.pdf",
        "attachment; filename*=utf-8'de'Bericht%20f%C3%BCr%20M.pdf             | Bericht für M.pdf",
        "attachment; filename*=ISO-8859-1''%E4.pdf                             | ä.pdf",
        "attachment; filename=\"a.pdf\"; filename*=UTF-8''%C3                  | a.pdf",
        "attachment; filename=\"a.pdf\"; filename*=koi8-r''abc                 | a.pdf",
        "attachment; filename=\"a.pdf\"; filename*=UTF-8''a%2                  | a.pdf",
        "attachment; filename=\"a.pdf\"; filename*=no-quotes                   | a.pdf",
        "attachment; filename=\"a+b.pdf\"; filename*=UTF-8''a+b%2Bc.pdf        | a+b+c.pdf",
        "attachment; filename=\"C:\\scans\\x.pdf\"                           | C:\\scans\\x.pdf",
        "; filename=untyped.pdf                                                | untyped.pdf",
        "attachment; filename=\"C:\\\\dir\\\\x.pdf\"                          | C:\\dir\\x.pdf",
        "attachment; filename=\"Brief \"Dr\" 50%.pdf\"; size=1                  | Brief \"Dr\" 50%.pdf",
    })
    void theExtendedFileNameWinsWhenItIsValid(String header, String expected) {
        assertEquals(expected, ContentDisposition.fileName(header));
    }

    @Test
    void noFileNameIsNull() {
        assertNull(ContentDisposition.fileName(null));
        assertNull(ContentDisposition.fileName("attachment"));
        assertNull(ContentDisposition.fileName("form-data; name=\"description\""));
    }

    /** RFC 6266 4.3 falls back to filename; without one, the service would have to choose a name itself. */
    @ParameterizedTest
    @ValueSource(strings = {"attachment; filename*=UTF-8''%ZZ", "attachment; filename*=koi8-r''abc",
        "form-data; name=\"file\"; filename*=no-quotes.pdf", "attachment; filename*=UTF-8''%FF.pdf"})
    void anUnreadableExtendedFileNameWithoutAPlainOneIsRefused(String header) {
        ServiceException.BadRequest e = assertThrows(ServiceException.BadRequest.class,
                () -> ContentDisposition.fileName(header));
        assertEquals(ErrorCode.INVALID_FILE_NAME, e.code());
        assertTrue(e.getMessage().contains("filename*"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"attachment; filename=\"a.pdf", "attachment; filename=\"a.pdf\\\""})
    void aQuotedStringWithoutItsClosingQuoteIsRefused(String header) {
        ServiceException.BadRequest e = assertThrows(ServiceException.BadRequest.class,
                () -> ContentDisposition.fileName(header));
        assertEquals(ErrorCode.INVALID_BODY, e.code());
        assertTrue(e.getMessage().contains("Content-Disposition"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "attachment; filename=\"a.pdf\"; filename=\"b.exe\"",
        "attachment; filename=a.pdf; FileName=b.exe",
        "attachment; filename*=UTF-8''a.pdf; filename*=UTF-8''b.exe",
    })
    void aParameterNamedTwiceIsRefused(String header) {
        ServiceException.BadRequest e = assertThrows(ServiceException.BadRequest.class,
                () -> ContentDisposition.fileName(header));
        assertEquals(ErrorCode.INVALID_BODY, e.code());
        assertTrue(e.getMessage().contains("names the parameter"), e.getMessage());
    }
}
