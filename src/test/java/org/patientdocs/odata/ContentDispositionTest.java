package org.patientdocs.odata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

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
    })
    void theExtendedFileNameWinsWhenItIsValid(String header, String expected) {
        assertEquals(expected, ContentDisposition.fileName(header));
    }

    @Test
    void noFileNameIsNull() {
        assertNull(ContentDisposition.fileName(null));
        assertNull(ContentDisposition.fileName("attachment"));
        assertNull(ContentDisposition.fileName("form-data; name=\"description\""));
        assertNull(ContentDisposition.fileName("attachment; filename*=UTF-8''%ZZ"));
    }
}
