package org.patientdocs.storage;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Document ids: made here, random, in a shape that is safe as a file name. */
public final class DocumentIds {

    private static final Pattern ID = Pattern.compile("doc-[A-Za-z0-9_-]{16,64}");
    /** A stored content's name: the document id, and the version of its bytes after the first. */
    private static final Pattern CONTENT_NAME = Pattern.compile("(.+?)(?:\\.v([1-9][0-9]{0,8}))?");
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

    /**
     * The name of a version of a document's stored bytes, the same for every store that names them (a file, an S3
     * object): the id for the first version, then {@code <id>.v1} and so on.
     */
    static String contentName(String documentId, int version) {
        if (!isWellFormed(documentId) || version < 0) {
            throw new IllegalArgumentException("Not a document id");
        }
        return version == 0 ? documentId : documentId + ".v" + version;
    }

    /** The document and version a {@linkplain #contentName content name} stands for; null when it is none. */
    static ContentName parseContentName(String name) {
        Matcher matcher = CONTENT_NAME.matcher(name);
        if (!matcher.matches() || !isWellFormed(matcher.group(1))) {
            return null;
        }
        return new ContentName(matcher.group(1), matcher.group(2) == null ? 0 : Integer.parseInt(matcher.group(2)));
    }

    /** A version of a document's stored bytes. */
    record ContentName(String documentId, int version) {
    }

    /** 128 random bits in unpadded base64url. */
    static String randomToken() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
