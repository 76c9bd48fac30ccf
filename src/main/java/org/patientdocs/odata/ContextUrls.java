package org.patientdocs.odata;

import java.net.URI;

import org.apache.olingo.commons.api.data.ContextURL;
import org.apache.olingo.commons.api.edm.EdmEntitySet;
import org.apache.olingo.server.api.OData;
import org.apache.olingo.server.api.ODataRequest;
import org.apache.olingo.server.api.serializer.SerializerException;
import org.apache.olingo.server.api.uri.queryoption.ExpandOption;
import org.apache.olingo.server.api.uri.queryoption.SelectOption;

/**
 * The {@code @odata.context} of collection responses, built in one place: {@code $metadata#Set} or, with
 * {@code $select}/{@code $expand}, Olingo's {@code $metadata#Set(prop,Nav())}.
 */
final class ContextUrls {

    private ContextUrls() {
    }

    static ContextURL collection(OData odata, ODataRequest request, EdmEntitySet set, ExpandOption expand,
                                 SelectOption select) throws SerializerException {
        return ContextURL.with()
                .serviceRoot(URI.create(request.getRawBaseUri() + "/"))
                .entitySet(set)
                .selectList(odata.createUriHelper().buildContextURLSelectList(set.getEntityType(), expand, select))
                .build();
    }
}
