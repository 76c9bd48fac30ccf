package org.patientdocs.odata;

import java.net.URI;

import org.apache.olingo.commons.api.format.ContentType;
import org.apache.olingo.commons.api.http.HttpHeader;
import org.apache.olingo.commons.api.http.HttpStatusCode;
import org.apache.olingo.server.api.ODataRequest;
import org.apache.olingo.server.api.ODataResponse;
import org.apache.olingo.server.api.processor.ServiceDocumentProcessor;
import org.apache.olingo.server.api.serializer.SerializerException;
import org.apache.olingo.server.api.uri.UriInfo;

/**
 * The service document, with an absolute {@code @odata.context} (Olingo's default writes a relative one, which
 * clients such as Power Query reject).
 */
public final class ServiceRootProcessor extends OlingoProcessor implements ServiceDocumentProcessor {

    @Override
    public void readServiceDocument(ODataRequest request, ODataResponse response, UriInfo uriInfo,
                                    ContentType format) throws SerializerException {
        String serviceRoot = URI.create(request.getRawBaseUri() + "/").toString();
        response.setContent(odata.createSerializer(format).serviceDocument(metadata, serviceRoot).getContent());
        response.setStatusCode(HttpStatusCode.OK.getStatusCode());
        response.setHeader(HttpHeader.CONTENT_TYPE, format.toContentTypeString());
    }
}
