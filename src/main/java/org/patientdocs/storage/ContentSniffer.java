package org.patientdocs.storage;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Optional;

import org.patientdocs.config.ServiceConfig;
import org.patientdocs.error.ErrorCode;
import org.patientdocs.error.ServiceException;

/**
 * Decides what kind of file an upload is and that it is built as one, then checks that against the declared content
 * type. The leading bytes name the kind (a PDF, PNG, JPEG or TIFF signature, or a ZIP archive that may be a DOCX);
 * then the structure that kind must have is checked ({@link PdfStructure}, {@link PngStructure},
 * {@link JpegStructure}, {@link TiffStructure}, {@link DocxStructure}), reading the spooled file at a few places:
 * the time and memory the checks take are bounded whatever the file holds, and nothing is unpacked but a DOCX's
 * list of content types.
 * <p>
 * Apache Tika's {@code tika-core} is not used: it only matches signatures (not a structure), it cannot tell a DOCX
 * from any other ZIP without its parser modules (which unpack the archive), and its rule for PDF also matches
 * {@code %PDF-} anywhere in the first 512 bytes. The README's "What an upload must be" says more.
 */
public final class ContentSniffer {

    /** How many leading bytes {@link #sniff} needs at most. */
    private static final int HEAD_LENGTH = 8;

    private static final String OCTET_STREAM = "application/octet-stream";

    private static final byte[] PDF = {'%', 'P', 'D', 'F', '-'};
    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    private static final byte[] JPEG = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF};
    private static final byte[] TIFF_LITTLE_ENDIAN = {'I', 'I', '*', 0};
    private static final byte[] TIFF_BIG_ENDIAN = {'M', 'M', 0, '*'};
    private static final byte[] ZIP = {'P', 'K', 3, 4};

    private final ServiceConfig.Upload limits;

    /** @param limits the limits a DOCX's archive is held to */
    public ContentSniffer(ServiceConfig.Upload limits) {
        this.limits = limits;
    }

    /**
     * The kind the leading bytes announce, from the signature alone: DOCX here only means "a ZIP archive",
     * which {@link #verify} then checks against the archive's directory.
     */
    static Optional<FileKind> sniff(byte[] head, int length) {
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
     * The kind of a received upload, after checking that its content is built as that kind and that the declared
     * content type agrees. With no declared type (null or blank) or {@code application/octet-stream}, the content
     * alone decides.
     *
     * @param declaredContentType the part's Content-Type as the client sent it, parameters allowed
     * @param content             the upload as spooled
     * @throws ServiceException.BadRequest {@link ErrorCode#UNSUPPORTED_FILE_TYPE} for a type that is not accepted,
     *                                     {@link ErrorCode#EMPTY_FILE} for an empty file,
     *                                     {@link ErrorCode#MALFORMED_FILE} for content that starts as an accepted
     *                                     type but is not built as one, {@link ErrorCode#ARCHIVE_LIMIT_EXCEEDED}
     *                                     and {@link ErrorCode#MACROS_NOT_ALLOWED} for a DOCX beyond the limits or
     *                                     with macros, {@link ErrorCode#CONTENT_TYPE_MISMATCH} when the content is
     *                                     not what was declared
     * @throws IOException                 when the spooled file cannot be read
     */
    public FileKind verify(String declaredContentType, PendingContent content) throws IOException {
        return verify(declaredContentType, () -> SpooledFile.open(content));
    }

    FileKind verify(String declaredContentType, Path spooled) throws IOException {
        return verify(declaredContentType, () -> SpooledFile.open(spooled));
    }

    private FileKind verify(String declaredContentType, Opener spooled) throws IOException {
        String declaredBase = FileKind.baseMediaType(declaredContentType);
        boolean undeclared = declaredBase.isEmpty() || declaredBase.equals(OCTET_STREAM);
        Optional<FileKind> declared = FileKind.ofMimeType(declaredBase);
        if (!undeclared && declared.isEmpty()) {
            throw unsupported("The content type " + abbreviate(declaredBase) + " is not accepted. ");
        }
        Optional<FileKind> actual;
        try (SpooledFile file = spooled.open()) {
            if (file.size() == 0) {
                throw new ServiceException.BadRequest(ErrorCode.EMPTY_FILE, ContentRefusals.TARGET,
                        "The file is empty.");
            }
            byte[] head = file.read(0, HEAD_LENGTH, ByteOrder.BIG_ENDIAN).array();
            actual = sniff(head, head.length);
            if (actual.isPresent()) {
                actual = checkStructure(actual.get(), file);
            }
        }
        if (undeclared) {
            return actual.orElseThrow(() -> unsupported("The file is not of an accepted type. "));
        }
        FileKind expected = declared.get();
        if (actual.isEmpty()) {
            throw mismatch("The file was declared as " + expected.mimeType() + " but its content is not a "
                    + expected.description() + ".");
        }
        if (actual.get() != expected) {
            throw mismatch("The file was declared as " + expected.mimeType() + " but its content is a "
                    + actual.get().description() + " (" + actual.get().mimeType() + ").");
        }
        return expected;
    }

    @FunctionalInterface
    private interface Opener {
        SpooledFile open() throws IOException;
    }

    /** The kind, once its structure is checked; empty for a ZIP archive that is not a Word document. */
    private Optional<FileKind> checkStructure(FileKind signature, SpooledFile file) throws IOException {
        switch (signature) {
            case PDF -> PdfStructure.check(file);
            case PNG -> PngStructure.check(file);
            case JPEG -> JpegStructure.check(file);
            case TIFF -> TiffStructure.check(file);
            case DOCX -> {
                if (!DocxStructure.isWordDocument(file, limits)) {
                    return Optional.empty();
                }
            }
        }
        return Optional.of(signature);
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
        return new ServiceException.BadRequest(ErrorCode.UNSUPPORTED_FILE_TYPE, ContentRefusals.TARGET,
                reason + "Accepted types: PDF, PNG, JPEG, TIFF and DOCX (" + FileKind.allowedMimeTypes() + ").");
    }

    private static ServiceException.BadRequest mismatch(String message) {
        return new ServiceException.BadRequest(ErrorCode.CONTENT_TYPE_MISMATCH, ContentRefusals.TARGET, message);
    }
}
