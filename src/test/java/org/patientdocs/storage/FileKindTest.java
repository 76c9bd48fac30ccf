package org.patientdocs.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class FileKindTest {

    @ParameterizedTest
    @EnumSource(FileKind.class)
    void everyKindIsFoundByItsOwnMimeType(FileKind kind) {
        assertEquals(Optional.of(kind), FileKind.ofMimeType(kind.mimeType()));
    }

    @Test
    void mimeTypeLookupIgnoresCaseParametersAndSpaces() {
        assertEquals(Optional.of(FileKind.PDF), FileKind.ofMimeType(" Application/PDF ; charset=binary"));
        assertEquals(Optional.of(FileKind.DOCX), FileKind.ofMimeType(
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document;name=\"a.docx\""));
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"application/octet-stream", "text/plain", "image/gif", "application/pdfx", "pdf"})
    void otherMimeTypesAreNotKinds(String mimeType) {
        assertTrue(FileKind.ofMimeType(mimeType).isEmpty());
    }

    @Test
    void extensionsAreConventional() {
        assertEquals("pdf", FileKind.PDF.extension());
        assertEquals("png", FileKind.PNG.extension());
        assertEquals("jpg", FileKind.JPEG.extension());
        assertEquals("tif", FileKind.TIFF.extension());
        assertEquals("docx", FileKind.DOCX.extension());
    }
}
