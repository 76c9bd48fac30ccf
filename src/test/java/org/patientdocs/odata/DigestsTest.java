package org.patientdocs.odata;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.patientdocs.error.ErrorCode;
import org.patientdocs.error.ServiceException;

class DigestsTest {

    /** SHA-256 of "hello world". */
    private static final String HEX = "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9";
    private static final String FIELD = "sha-256=:uU0nuZNNPgilLlLX2n2r+sSE7+N6U4DukIj3rOLvzek=:";

    @Test
    void theFieldIsTheBase64OfTheDigestAsAByteSequence() {
        assertEquals(FIELD, Digests.field(HEX));
    }

    @Test
    void aClaimedSha256IsReadAmongOtherAlgorithms() {
        byte[] expected = HexFormat.of().parseHex(HEX);
        assertArrayEquals(expected, Digests.claimedSha256(FIELD, "Repr-Digest"));
        assertArrayEquals(expected, Digests.claimedSha256("sha-512=:AAAA:, " + FIELD + ";x=1", "Repr-Digest"));
        assertArrayEquals(expected, Digests.claimedSha256("SHA-256=:uU0nuZNNPgilLlLX2n2r+sSE7+N6U4DukIj3rOLvzek=:",
                "Repr-Digest"));
        assertNull(Digests.claimedSha256(null, "Repr-Digest"));
    }

    @Test
    void onlyOtherAlgorithmsAreRefusedByName() {
        ServiceException refused = assertThrows(ServiceException.class,
                () -> Digests.claimedSha256("sha-512=:AAAA:, md5=:AAAA:", "Content-Digest"));
        assertEquals(ErrorCode.UNSUPPORTED_DIGEST_ALGORITHM, refused.code());
        assertTrue(refused.getMessage().contains("sha-512, md5"), refused.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "sha-256", "sha-256=abc", "sha-256=:!!:", "sha-256=:AAAA:", "=:AAAA:"})
    void aFieldThatIsNoDigestIsABadRequest(String value) {
        assertEquals(ErrorCode.BAD_REQUEST, assertThrows(ServiceException.class,
                () -> Digests.claimedSha256(value, "digest")).code());
    }

    @Test
    void sha256IsWantedUnlessCalledNotAcceptable() {
        assertTrue(Digests.wanted(null));
        assertTrue(Digests.wanted("sha-256=1"));
        assertTrue(Digests.wanted("sha-512=10"));
        assertFalse(Digests.wanted("sha-512=3, sha-256=0"));
    }
}
