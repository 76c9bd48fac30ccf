package org.patientdocs.storage;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Pattern;

/** Document ids: made here, random, in a shape that is safe as a file name. */
public final class DocumentIds {

    private static final Pattern ID = Pattern.compile("doc-[A-Za-z0-9_-]{16,64}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private DocumentIds() {
    }

    /** A new document id: {@code doc-} and 128 random bits in unpadded base64url (22 characters). */
    public static String newId() {
        return "doc-" + randomToken();
    }

    /** Whether the text has the shape of a document id: {@code doc-[A-Za-z0-9_-]{16,64}}. */
    public static boolean isWellFormed(String id) {
        return id != null && ID.matcher(id).matches();
    }

    /** 128 random bits in unpadded base64url. */
    static String randomToken() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
