package org.patientdocs.odata;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.patientdocs.error.ErrorCode;
import org.patientdocs.error.ServiceException;

class ResumableUploadRequestsTest {

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void metadataPairsAreDecodedFromBase64AndAKeyMayComeWithoutAValue() {
        Map<String, String> values = ResumableUploadRequests.metadata("patient_id " + base64("12345")
                + ", filename " + base64("Befund Müller.pdf") + ",is_confidential");
        assertEquals("12345", values.get("patient_id"));
        assertEquals("Befund Müller.pdf", values.get("filename"));
        assertTrue(values.containsKey("is_confidential"));
        assertNull(values.get("is_confidential"));
    }

    @Test
    void noMetadataIsNoPairs() {
        assertTrue(ResumableUploadRequests.metadata(null).isEmpty());
        assertTrue(ResumableUploadRequests.metadata(" ").isEmpty());
    }

    @ParameterizedTest
    @ValueSource(strings = {"patient_id not*base64", "patient_id a b", ",patient_id MTIz", "a MTIz,a MTIz"})
    void malformedMetadataIsRefused(String header) {
        ServiceException e = assertThrows(ServiceException.BadRequest.class,
                () -> ResumableUploadRequests.metadata(header));
        assertEquals(ErrorCode.INVALID_UPLOAD_HEADER, e.code());
    }

    @Test
    void aSha256ChecksumIsItsDigest() throws Exception {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(new byte[] {1, 2, 3});
        assertArrayEquals(digest, ResumableUploadRequests.sha256Of("sha256 "
                + Base64.getEncoder().encodeToString(digest)));
        assertArrayEquals(digest, ResumableUploadRequests.sha256Of("SHA256 "
                + Base64.getEncoder().encodeToString(digest)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"md5 1B2M2Y8AsgTpgAmY7PhCfg==", "sha1 2jmj7l5rSw0yVb/vlWAYkK/YBwk=", "sha256 AAAA",
        "sha256", "sha256 not*base64"})
    void otherAlgorithmsAndMalformedDigestsAreRefused(String header) {
        ServiceException e = assertThrows(ServiceException.BadRequest.class,
                () -> ResumableUploadRequests.sha256Of(header));
        assertEquals(ErrorCode.INVALID_UPLOAD_HEADER, e.code());
    }
}
