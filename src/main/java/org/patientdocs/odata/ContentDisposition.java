package org.patientdocs.odata;

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
     * @throws org.patientdocs.error.ServiceException.BadRequest when the header is malformed
     */
    static String fileName(String header) {
        return header == null ? null : fileNameOf(HeaderParameters.parse(HEADER, header));
    }

    static String fileNameOf(HeaderParameters parameters) {
        String extended = parameters.get("filename*");
        String decoded = extended == null ? null : PercentCoding.decodeExtendedValue(extended);
        return decoded != null ? decoded : parameters.get("filename");
    }
}
