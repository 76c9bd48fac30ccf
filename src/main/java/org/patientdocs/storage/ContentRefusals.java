package org.patientdocs.storage;

import org.patientdocs.error.ErrorCode;
import org.patientdocs.error.ServiceException;

/**
 * The refusals of an upload's content, all aimed at the form's {@code file} field. Messages name the rule that was
 * broken and what the content is; they never quote the content or the file's name.
 */
final class ContentRefusals {

    static final String TARGET = "file";

    private ContentRefusals() {
    }

    /** Content that starts as {@code kind} but is not built as one. */
    static ServiceException.BadRequest malformed(FileKind kind, String rule) {
        return new ServiceException.BadRequest(ErrorCode.MALFORMED_FILE, TARGET,
                "The file starts as a " + kind.description() + " but is not a valid one: " + rule + ".");
    }

    /** A ZIP archive, the container of a DOCX, that cannot be read as its central directory says. */
    static ServiceException.BadRequest malformedArchive(String rule) {
        return new ServiceException.BadRequest(ErrorCode.MALFORMED_FILE, TARGET,
                "The file starts as a ZIP archive, as a " + FileKind.DOCX.description() + " does, but is not a valid"
                        + " one: " + rule + ".");
    }

    /** An archive beyond one of the configured limits. */
    static ServiceException.BadRequest limitExceeded(String rule) {
        return new ServiceException.BadRequest(ErrorCode.ARCHIVE_LIMIT_EXCEEDED, TARGET,
                "The archive is refused unread: " + rule + ".");
    }

    static ServiceException.BadRequest macros(String rule) {
        return new ServiceException.BadRequest(ErrorCode.MACROS_NOT_ALLOWED, TARGET,
                "Documents with macros are not accepted: " + rule + ". Save it as a Word document without macros"
                        + " (.docx) or as PDF.");
    }
}
