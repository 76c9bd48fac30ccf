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
 * The {@code @odata.context} of collection responses, built in one place: {@code $metadata#Set}, or
 * {@code $metadata#Set(a,b)} for a {@code $select}. Expanded navigation properties are left out of the select
 * list: Olingo would write {@code Set(Prop,Nav())}, the OData 4.01 form that Power Query and the Microsoft OData
 * client reject, while a context URL without them stays valid in 4.0 and 4.01 (it names the entity set; the expanded
 * entities are described by the model).
 */
final class ContextUrls {

    private ContextUrls() {
    }

    static ContextURL collection(OData odata, ODataRequest request, EdmEntitySet set, ExpandOption expand,
                                 SelectOption select) throws SerializerException {
        return ContextURL.with()
                .serviceRoot(URI.create(request.getRawBaseUri() + "/"))
                .entitySet(set)
                .selectList(odata.createUriHelper().buildContextURLSelectList(set.getEntityType(), null, select))
                .build();
    }
}
