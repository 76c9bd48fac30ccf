package org.patientdocs.odata;

import org.apache.olingo.commons.api.data.Entity;
import org.apache.olingo.commons.api.edm.EdmEntityType;
import org.apache.olingo.commons.api.format.ContentType;
import org.apache.olingo.server.api.OData;
import org.apache.olingo.server.api.ODataRequest;
import org.apache.olingo.server.api.deserializer.DeserializerException;
import org.patientdocs.error.ErrorCode;
import org.patientdocs.error.ServiceException;

/** Reads small JSON entity bodies (patients, document labels), bounded in size. */
final class JsonBodies {

    /** Entity bodies here are a few hundred bytes; anything this large is a mistake or an attack. */
    static final int MAX_BYTES = 64 * 1024;

    private JsonBodies() {
    }

    static Entity entity(OData odata, ODataRequest request, ContentType format, EdmEntityType type)
            throws DeserializerException {
        if (format == null || !format.isCompatible(ContentType.APPLICATION_JSON)) {
            throw new ServiceException.UnsupportedMediaType("The body must be application/json");
        }
        String length = request.getHeader("Content-Length");
        if (length != null && length.matches("[0-9]{1,18}") && Long.parseLong(length) > MAX_BYTES) {
            throw tooLarge();
        }
        LimitedInput body = new LimitedInput(request.getBody(), MAX_BYTES, JsonBodies::tooLarge);
        Entity entity = odata.createDeserializer(format).entity(body, type).getEntity();
        refuseInlineRelatedEntities(entity);
        return entity;
    }

    /**
     * Related entities sent inline (a deep insert, a deep update, a PUT with nested content) would otherwise be
     * dropped without a word while the answer reports success; documents are only ever created by uploading them.
     */
    private static void refuseInlineRelatedEntities(Entity entity) {
        if (!entity.getNavigationLinks().isEmpty()) {
            String navigation = entity.getNavigationLinks().get(0).getTitle();
            throw new ServiceException.NotImplemented(ErrorCode.NOT_IMPLEMENTED, navigation,
                    "Related entities cannot be sent inline (" + navigation + "): deep inserts and deep updates are"
                            + " not supported; upload documents to their patient and change each entity on its own");
        }
    }

    private static ServiceException tooLarge() {
        return new ServiceException.PayloadTooLarge(null, "An entity body may have at most " + MAX_BYTES + " bytes");
    }
}
