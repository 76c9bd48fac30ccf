package org.patientdocs.odata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.patientdocs.error.ErrorCode;
import org.patientdocs.error.ServiceException;
import org.patientdocs.storage.FileKind;

class FileNamesTest {

    private static ServiceException refused(String name, FileKind kind) {
        ServiceException e = assertThrows(ServiceException.BadRequest.class, () -> FileNames.checked(name, kind));
        assertEquals("file_name", e.target());
        assertFalse(name.length() > 3 && e.getMessage().contains(name.strip()), "the message quotes the name");
        return e;
    }

    private static ErrorCode refusal(String name, FileKind kind) {
        return refused(name, kind).code();
    }

    @ParameterizedTest(name = "{0} as {1}")
    @CsvSource({
        "referral.pdf, PDF",
        "REFERRAL.PDF, PDF",
        "card.png, PNG",
        "photo.jpg, JPEG",
        "photo.JPEG, JPEG",
        "photo.jfif, JPEG",
        "scan.tif, TIFF",
        "scan.tiff, TIFF",
        "letter.docx, DOCX",
        "Überweisung Dr. Smith.pdf, PDF",
        "card, PNG",
        ".pdf, PDF",
    })
    void namesWhoseExtensionIsTheContentsOrThatHaveNoneAreKeptAsSent(String name, FileKind kind) {
        assertEquals(name, FileNames.checked(name, kind));
    }

    @Test
    void noNameAtAllIsNamedAfterTheContent() {
        assertEquals("document.pdf", FileNames.checked(null, FileKind.PDF));
        assertEquals("document.jpg", FileNames.checked(null, FileKind.JPEG));
    }

    @Test
    void thePathBeforeTheNameAndWhiteSpaceAroundItAreDropped() {
        assertEquals("x.pdf", FileNames.checked("C:\\fakepath\\x.pdf", FileKind.PDF));
        assertEquals("x.pdf", FileNames.checked("/home/a/x.pdf", FileKind.PDF));
        assertEquals("x.pdf", FileNames.checked("  x.pdf \u3000", FileKind.PDF));
    }

    @Test
    void namesAreStoredInNormalisationFormC() {
        // e and a combining acute accent: two code points that are one character, stored as the one U+00E9
        assertEquals("\u00e9.pdf", FileNames.checked("e\u0301.pdf", FileKind.PDF));
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {"", "   ", "C:\\fakepath\\", "a/"})
    void anEmptyNameIsRefused(String name) {
        assertEquals(ErrorCode.INVALID_FILE_NAME, refusal(name, FileKind.PDF));
    }

    @ParameterizedTest(name = "U+{0}")
    @ValueSource(strings = {"0000", "0009", "000A", "001F", "007F", "0085", "009F", "2028", "2029", "202E", "202A",
        "202D", "2066", "2067", "2068", "2069", "200E", "200F", "061C", "D800"})
    void controlAndBidirectionalCharactersAreRefusedNotRemoved(String hex) {
        String name = "report" + (char) Integer.parseInt(hex, 16) + "fdp.exe.pdf";
        ServiceException e = refused(name, FileKind.PDF);
        assertEquals(ErrorCode.INVALID_FILE_NAME, e.code());
        assertTrue(e.getMessage().contains("(U+" + hex + ")"), e.getMessage());
    }

    @Test
    void theRightToLeftOverrideThatDisguisesAProgramIsRefused() {
        ServiceException e = refused("report\u202Efdp.exe", FileKind.PDF);
        assertEquals("The file name contains a bidirectional control character (U+202E); such characters are"
                + " refused, not removed.", e.getMessage());
    }

    @Test
    void aNameOfMoreThan255CodeUnitsIsRefusedNotCut() {
        String longest = "a".repeat(251) + ".pdf";
        assertEquals(longest, FileNames.checked(longest, FileKind.PDF));
        ServiceException e = refused("a".repeat(252) + ".pdf", FileKind.PDF);
        assertEquals(ErrorCode.INVALID_FILE_NAME, e.code());
        assertEquals("A file name may have at most 255 characters (a character above U+FFFF counts twice); longer names"
                + " are refused, not cut.", e.getMessage());
        // 126 emoji are 252 UTF-16 code units, and ".pdf" makes 256
        assertEquals(ErrorCode.INVALID_FILE_NAME, refusal("\uD83D\uDE00".repeat(126) + ".pdf", FileKind.PDF));
        assertEquals(ErrorCode.INVALID_FILE_NAME, refusal("a".repeat(1000) + ".pdf", FileKind.PDF));
    }

    @ParameterizedTest(name = "{0} as {1}")
    @CsvSource({
        "x.pdf.exe, PDF",
        "x.exe, PDF",
        "x.pdf, PNG",
        "x.jpg, TIFF",
        "x.doc, DOCX",
        "x.docm, DOCX",
        "x.pdf .exe, PDF",
        "Dr. Smith, PDF",
        "x.pdf\u00a0, PDF",
    })
    void anExtensionThatIsNotTheContentsIsAMismatch(String name, FileKind kind) {
        assertEquals(ErrorCode.CONTENT_TYPE_MISMATCH, refusal(name, kind));
    }

    @Test
    void theMismatchNamesTheContentAndTheExtensionsItMayHave() {
        assertEquals("The file name's extension does not match its content, a PDF document: end the name in .pdf.",
                refused("x.pdf.exe", FileKind.PDF).getMessage());
        assertEquals("The file name's extension does not match its content, a TIFF image: end the name in .tif or"
                + " .tiff.", refused("x.png", FileKind.TIFF).getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"x.exe.", "x.pdf.", ".", "..", "x.exe . "})
    void aNameEndingInADotIsRefused(String name) {
        assertEquals(ErrorCode.INVALID_FILE_NAME, refusal(name, FileKind.PDF));
    }
}
