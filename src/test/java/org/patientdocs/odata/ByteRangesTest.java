package org.patientdocs.odata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.patientdocs.error.ServiceException;

class ByteRangesTest {

    private static final String ETAG = "\"abc\"";
    private static final long SIZE = 1000;

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "bytes=0-0|bytes 0-0/1000",
        "bytes=999-999|bytes 999-999/1000",
        "bytes=999-|bytes 999-999/1000",
        "bytes=10-|bytes 10-999/1000",
        "bytes=-1|bytes 999-999/1000",
        "bytes=-1000|bytes 0-999/1000",
        "bytes=-5000|bytes 0-999/1000",
        "bytes=-99999999999999999999999999|bytes 0-999/1000",
        "bytes=500-99999999999999999999999|bytes 500-999/1000",
        "Bytes = 1-2|bytes 1-2/1000",
        "bytes=, 3-4 ,|bytes 3-4/1000"})
    void oneSatisfiableRangeIsThatRange(String range, String contentRange) {
        assertEquals(contentRange, ByteRanges.choose(range, null, ETAG, SIZE).contentRange());
    }

    @ParameterizedTest
    @ValueSource(strings = {"lines=1-2", "bytes=5-1", "bytes=abc", "bytes=-", "bytes", "bytes=", "bytes=1-2;x",
        "bytes=+1-2", "bytes=0-1,5-9", "bytes=0-99,50-150,-10", "bytes=0-1,2000-"})
    void aRangeTheServiceCannotReadOrSeveralRangesAreTheWholeDocument(String range) {
        assertNull(ByteRanges.choose(range, null, ETAG, SIZE));
    }

    @ParameterizedTest
    @ValueSource(strings = {"bytes=1000-", "bytes=-0", "bytes=1000-2000", "bytes=99999999999999999999-",
        "bytes=1000-,-0"})
    void noRangeWithinTheDocumentIs416WithItsSize(String range) {
        ServiceException.RangeNotSatisfiable refused = assertThrows(ServiceException.RangeNotSatisfiable.class,
                () -> ByteRanges.choose(range, null, ETAG, SIZE));
        assertEquals(SIZE, refused.size());
    }

    @Test
    void ifRangeAppliesTheRangeOnlyForTheCurrentStrongEtag() {
        assertEquals("bytes 0-9/1000", ByteRanges.choose("bytes=0-9", ETAG, ETAG, SIZE).contentRange());
        assertNull(ByteRanges.choose("bytes=0-9", "\"old\"", ETAG, SIZE));
        assertNull(ByteRanges.choose("bytes=0-9", "W/" + ETAG, ETAG, SIZE));
        assertNull(ByteRanges.choose("bytes=0-9", "Sun, 06 Dec 2026 12:00:00 GMT", ETAG, SIZE));
        assertNull(ByteRanges.choose("bytes=5000-", "\"old\"", ETAG, SIZE), "a stale If-Range is the whole, not 416");
    }

    @Test
    void noRangeIsTheWholeDocument() {
        assertNull(ByteRanges.choose(null, null, ETAG, SIZE));
        assertNull(ByteRanges.choose("bytes=0-1" + ",0-1".repeat(400), null, ETAG, SIZE), "too long to be meant");
    }
}
