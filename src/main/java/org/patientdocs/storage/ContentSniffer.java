package org.patientdocs.storage;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

import org.patientdocs.error.ErrorCode;
import org.patientdocs.error.ServiceException;

/**
 * Decides what kind of file an upload is from its leading bytes and checks that against the declared content type.
 * A DOCX is recognised as a ZIP whose central directory lists {@code [Content_Types].xml} and
 * {@code word/document.xml}; nothing is extracted.
 */
public final class ContentSniffer {

    /** How many leading bytes {@link #sniff} needs at most. */
    public static final int HEAD_LENGTH = 8;

    private static final String TARGET = "file";
    private static final String OCTET_STREAM = "application/octet-stream";

    private static final byte[] PDF = {'%', 'P', 'D', 'F', '-'};
    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    private static final byte[] JPEG = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF};
    private static final byte[] TIFF_LITTLE_ENDIAN = {'I', 'I', '*', 0};
    private static final byte[] TIFF_BIG_ENDIAN = {'M', 'M', 0, '*'};
    private static final byte[] ZIP = {'P', 'K', 3, 4};

    private ContentSniffer() {
    }

    /**
     * The kind the leading bytes announce, from the signature alone: DOCX here only means "a ZIP archive",
     * which {@link #verify} then checks against the archive's directory.
     */
    public static Optional<FileKind> sniff(byte[] head, int length) {
        if (startsWith(head, length, PDF)) {
            return Optional.of(FileKind.PDF);
        }
        if (startsWith(head, length, PNG)) {
            return Optional.of(FileKind.PNG);
        }
        if (startsWith(head, length, JPEG)) {
            return Optional.of(FileKind.JPEG);
        }
        if (startsWith(head, length, TIFF_LITTLE_ENDIAN) || startsWith(head, length, TIFF_BIG_ENDIAN)) {
            return Optional.of(FileKind.TIFF);
        }
        if (startsWith(head, length, ZIP)) {
            return Optional.of(FileKind.DOCX);
        }
        return Optional.empty();
    }

    /**
     * The kind of a stored upload, after checking that the declared content type and the bytes agree. With no
     * declared type (null or blank) or {@code application/octet-stream}, the bytes alone decide.
     *
     * @param declaredContentType the part's Content-Type as the client sent it, parameters allowed
     * @param head                the file's leading bytes (at least {@link #HEAD_LENGTH} unless the file is shorter)
     * @param headLength          how many bytes of {@code head} are valid; 0 for an empty file
     * @param storedFile          the complete file, opened only to read a ZIP's central directory
     * @throws ServiceException.BadRequest with {@link ErrorCode#UNSUPPORTED_FILE_TYPE} for a type that is not
     *                                     accepted, {@link ErrorCode#EMPTY_FILE} for an empty file and
     *                                     {@link ErrorCode#CONTENT_TYPE_MISMATCH} when the bytes are not what
     *                                     was declared
     * @throws IOException                 when the stored file cannot be read (a corrupt ZIP is not an error
     *                                     here, it is "not a DOCX")
     */
    public static FileKind verify(String declaredContentType, byte[] head, int headLength, Path storedFile)
            throws IOException {
        String declaredBase = FileKind.baseMediaType(declaredContentType);
        boolean undeclared = declaredBase.isEmpty() || declaredBase.equals(OCTET_STREAM);
        Optional<FileKind> declared = FileKind.ofMimeType(declaredBase);
        if (!undeclared && declared.isEmpty()) {
            throw unsupported("The content type " + abbreviate(declaredBase) + " is not accepted. ");
        }
        if (headLength <= 0) {
            throw new ServiceException.BadRequest(ErrorCode.EMPTY_FILE, TARGET, "The file is empty.");
        }
        Optional<FileKind> actual = sniff(head, headLength);
        if (actual.isPresent() && actual.get() == FileKind.DOCX && !isDocx(storedFile)) {
            actual = Optional.empty();
        }
        if (undeclared) {
            return actual.orElseThrow(() -> unsupported("The file is not of an accepted type. "));
        }
        FileKind expected = declared.get();
        if (actual.isEmpty()) {
            throw mismatch("The file was declared as " + expected.mimeType() + " but its content is not a valid "
                    + expected.name() + " file.");
        }
        if (actual.get() != expected) {
            throw mismatch("The file was declared as " + expected.mimeType() + " but its content is "
                    + actual.get().mimeType() + ".");
        }
        return expected;
    }

    private static boolean isDocx(Path storedFile) throws IOException {
        try (ZipFile zip = new ZipFile(storedFile.toFile())) {
            return zip.getEntry("[Content_Types].xml") != null && zip.getEntry("word/document.xml") != null;
        } catch (ZipException corrupt) {
            return false;
        }
    }

    private static boolean startsWith(byte[] head, int length, byte[] signature) {
        if (length < signature.length || head.length < signature.length) {
            return false;
        }
        for (int i = 0; i < signature.length; i++) {
            if (head[i] != signature[i]) {
                return false;
            }
        }
        return true;
    }

    /** Client text echoed in a message is kept short. */
    private static String abbreviate(String text) {
        return text.length() <= 100 ? text : text.substring(0, 100) + "…";
    }

    private static ServiceException.BadRequest unsupported(String reason) {
        return new ServiceException.BadRequest(ErrorCode.UNSUPPORTED_FILE_TYPE, TARGET,
                reason + "Accepted types: PDF, PNG, JPEG, TIFF and DOCX (" + FileKind.allowedMimeTypes() + ").");
    }

    private static ServiceException.BadRequest mismatch(String message) {
        return new ServiceException.BadRequest(ErrorCode.CONTENT_TYPE_MISMATCH, TARGET, message);
    }
}
