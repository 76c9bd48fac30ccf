package org.patientdocs.odata;

import org.patientdocs.error.ErrorCode;
import org.patientdocs.error.ServiceException;
import org.patientdocs.url.PercentCoding;

/** Reads the file name out of a {@code Content-Disposition} header value (RFC 6266, RFC 7578). */
final class ContentDisposition {

    static final String HEADER = "Content-Disposition";

    private ContentDisposition() {
    }

    /**
     * The file name of a Content-Disposition value such as {@code attachment; filename="a.pdf"} or
     * {@code form-data; name="file"; filename*=UTF-8''%C3%A4.pdf}: the RFC 8187 {@code filename*} when present and
     * valid, else {@code filename}, else null (also for a null header). The name is returned as sent, path and all;
     * cleaning it is the caller's business.
     *
     * @throws ServiceException.BadRequest when the header is malformed
     */
    static String fileName(String header) {
        return header == null ? null : fileNameOf(HeaderParameters.parse(HEADER, header));
    }

    /**
     * As {@link #fileName}. A {@code filename*} the service cannot read falls back to {@code filename}, as RFC 6266
     * 4.3 says; without one it is refused, rather than the document stored under a name of the service's own.
     *
     * @throws ServiceException.BadRequest when {@code filename*} is unreadable and there is no {@code filename}
     */
    static String fileNameOf(HeaderParameters parameters) {
        String extended = parameters.get("filename*");
        String decoded = extended == null ? null : PercentCoding.decodeExtendedValue(extended);
        String plain = parameters.get("filename");
        if (extended != null && decoded == null && plain == null) {
            throw new ServiceException.BadRequest(ErrorCode.INVALID_FILE_NAME, "filename*", "The filename* of the "
                    + HEADER + " is not an RFC 8187 value the service reads: UTF-8'' or ISO-8859-1'' and the name's"
                    + " bytes, percent-encoded where they are not letters or digits");
        }
        return decoded != null ? decoded : plain;
    }
}
