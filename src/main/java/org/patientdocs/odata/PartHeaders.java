package org.patientdocs.odata;

import java.util.List;
import java.util.Locale;

/** What a multipart part's header block says about it: the field name, the file name and the content type. */
record PartHeaders(String name, String fileName, String contentType) {

    /** Parses the part's header lines (already unfolded); unknown headers are ignored. */
    static PartHeaders parse(List<String> lines) {
        String disposition = null;
        String contentType = null;
        for (String line : lines) {
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw MultipartFormReader.invalid("A multipart part has a malformed header line.");
            }
            String headerName = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).trim();
            if (headerName.equals("content-disposition") && disposition == null) {
                disposition = value;
            } else if (headerName.equals("content-type") && contentType == null) {
                contentType = value;
            }
        }
        HeaderParameters parameters = HeaderParameters.parse(disposition == null ? "" : disposition);
        String name = parameters.get("name");
        if (!parameters.value().equals("form-data") || name == null) {
            throw MultipartFormReader.invalid(
                    "Every multipart part needs a Content-Disposition: form-data header with a name.");
        }
        return new PartHeaders(name, ContentDisposition.fileNameOf(parameters), contentType);
    }
}
