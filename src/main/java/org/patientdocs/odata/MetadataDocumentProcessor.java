package org.patientdocs.odata;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

import org.apache.olingo.commons.api.format.ContentType;
import org.apache.olingo.commons.api.http.HttpHeader;
import org.apache.olingo.commons.api.http.HttpStatusCode;
import org.apache.olingo.server.api.ODataRequest;
import org.apache.olingo.server.api.ODataResponse;
import org.apache.olingo.server.api.processor.MetadataProcessor;
import org.apache.olingo.server.api.serializer.SerializerException;
import org.apache.olingo.server.api.uri.UriInfo;
import org.apache.olingo.server.api.uri.queryoption.FormatOption;
import org.patientdocs.error.ServiceException;

/**
 * {@code $metadata}: XML unless JSON is asked for explicitly ({@code $format=json}, or an Accept header that admits
 * JSON and no XML). Generic tools send {@code Accept: application/json, text/plain, *}{@code /*} and expect XML;
 * Olingo's own negotiation would answer JSON there. Vocabulary references are made absolute, pointing at the copies
 * this service serves under {@code /vocabularies/}.
 */
public final class MetadataDocumentProcessor extends OlingoProcessor implements MetadataProcessor {

    /** How the CSDL file writes vocabulary references: relative to the service root. */
    private static final String RELATIVE_REFERENCE = "\"vocabularies/";

    @Override
    public void readMetadata(ODataRequest request, ODataResponse response, UriInfo uriInfo, ContentType negotiated)
            throws SerializerException {
        ContentType format = wantsJson(uriInfo.getFormatOption(), request.getHeader(HttpHeader.ACCEPT))
                ? ContentType.APPLICATION_JSON : ContentType.APPLICATION_XML;
        String document = read(odata.createSerializer(format).metadataDocument(metadata).getContent())
                .replace(RELATIVE_REFERENCE, "\"" + request.getRawBaseUri() + "/vocabularies/");
        response.setContent(new ByteArrayInputStream(document.getBytes(StandardCharsets.UTF_8)));
        response.setStatusCode(HttpStatusCode.OK.getStatusCode());
        response.setHeader(HttpHeader.CONTENT_TYPE, format.toContentTypeString());
    }

    static boolean wantsJson(FormatOption format, String accept) {
        if (format != null && format.getFormat() != null) {
            return format.getFormat().toLowerCase(Locale.ROOT).contains("json");
        }
        if (accept == null || accept.isBlank()) {
            return false;
        }
        boolean json = false;
        for (String range : accept.split(",")) {
            String[] parts = range.trim().split(";");
            String type = parts[0].trim().toLowerCase(Locale.ROOT);
            if (quality(parts) <= 0) {
                continue;
            }
            if (type.equals("*/*") || type.equals("application/*") || type.equals("text/*")
                    || type.endsWith("/xml") || type.endsWith("+xml")) {
                return false;
            }
            json |= type.equals("application/json");
        }
        if (!json) {
            throw new ServiceException.NotAcceptable("$metadata is available as application/xml or application/json");
        }
        return true;
    }

    private static double quality(String[] parameters) {
        for (int i = 1; i < parameters.length; i++) {
            String[] pair = parameters[i].trim().split("=", 2);
            if (pair.length == 2 && pair[0].trim().equalsIgnoreCase("q")) {
                try {
                    return Double.parseDouble(pair[1].trim());
                } catch (NumberFormatException e) {
                    return 0;
                }
            }
        }
        return 1;
    }

    private static String read(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
