package org.patientdocs.odata;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.apache.olingo.commons.api.data.ContextURL;
import org.apache.olingo.commons.api.data.Property;
import org.apache.olingo.commons.api.data.ValueType;
import org.apache.olingo.commons.api.edm.EdmEntityType;
import org.apache.olingo.commons.api.edm.EdmKeyPropertyRef;
import org.apache.olingo.commons.api.edm.EdmPrimitiveType;
import org.apache.olingo.commons.api.edm.EdmPrimitiveTypeException;
import org.apache.olingo.commons.api.edm.EdmProperty;
import org.apache.olingo.commons.api.format.ContentType;
import org.apache.olingo.commons.api.http.HttpHeader;
import org.apache.olingo.commons.api.http.HttpStatusCode;
import org.apache.olingo.server.api.ODataRequest;
import org.apache.olingo.server.api.ODataResponse;
import org.apache.olingo.server.api.processor.PrimitiveValueProcessor;
import org.apache.olingo.server.api.serializer.PrimitiveSerializerOptions;
import org.apache.olingo.server.api.serializer.SerializerException;
import org.apache.olingo.server.api.uri.UriInfo;
import org.apache.olingo.server.api.uri.UriResource;
import org.apache.olingo.server.api.uri.UriResourceProperty;
import org.patientdocs.error.ErrorCode;
import org.patientdocs.error.ServiceException;
import org.patientdocs.query.Row;
import org.patientdocs.query.Target;

/**
 * One property of an entity, {@code Patients('12345')/last_name}, and its raw value,
 * {@code Patients('12345')/last_name/$value}. A null value is 204 No Content. Properties are changed through their
 * entity (PATCH), not one by one.
 */
public final class PropertyProcessor extends CallerProcessor implements PrimitiveValueProcessor {

    /** @param audit what this request records, for its authenticated caller (processors are made per request) */
    public PropertyProcessor(Services services, AccessAudit audit) {
        super(services, audit);
    }

    @Override
    public void readPrimitive(ODataRequest request, ODataResponse response, UriInfo uriInfo, ContentType format)
            throws SerializerException {
        Target target = Target.of(uriInfo);
        EdmProperty property = property(uriInfo);
        Row row = row(target);
        Object value = audited(request, response, target, row, property);
        if (value == null) {
            return;
        }
        // The canonical URL of the entity that holds the property: Documents('d')/Patient/first_name names the
        // patient by its own key, Patients('p01')/first_name.
        ContextURL context = ContextURL.with().serviceRoot(URI.create(request.getRawBaseUri() + "/"))
                .entitySet(target.set()).keyPath(keyLiteral(target.set().getEntityType(), row))
                .navOrPropertyPath(property.getName()).build();
        response.setContent(odata.createSerializer(format).primitive(metadata, (EdmPrimitiveType) property.getType(),
                new Property(null, property.getName(), ValueType.PRIMITIVE, value),
                PrimitiveSerializerOptions.with().contextURL(context).facetsFrom(property).build()).getContent());
        response.setStatusCode(HttpStatusCode.OK.getStatusCode());
        response.setHeader(HttpHeader.CONTENT_TYPE, format.toContentTypeString());
    }

    @Override
    public void readPrimitiveValue(ODataRequest request, ODataResponse response, UriInfo uriInfo, ContentType format) {
        EdmProperty property = property(uriInfo);
        Target target = Target.of(uriInfo);
        Object value = audited(request, response, target, row(target), property);
        if (value == null) {
            return;
        }
        EdmPrimitiveType type = (EdmPrimitiveType) property.getType();
        String text;
        try {
            text = type.valueToString(value, property.isNullable(), property.getMaxLength(), property.getPrecision(),
                    property.getScale(), property.isUnicode());
        } catch (EdmPrimitiveTypeException e) {
            throw new IllegalStateException("a stored value does not fit its property", e);
        }
        response.setContent(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
        response.setStatusCode(HttpStatusCode.OK.getStatusCode());
        response.setHeader(HttpHeader.CONTENT_TYPE, "text/plain;charset=utf-8");
    }

    /** The property's value, its read recorded in the audit trail; null when the value is null, after answering 204. */
    private Object audited(ODataRequest request, ODataResponse response, Target target, Row row,
                           EdmProperty property) {
        Object value = row.get(property.getName());
        int status = value == null ? HttpStatusCode.NO_CONTENT.getStatusCode() : HttpStatusCode.OK.getStatusCode();
        audit.read(request, target, row, List.of(), status);
        if (value == null) {
            response.setStatusCode(status);
        }
        return value;
    }

    /** The key of the row as a URL literal: {@code 'p01'} (quotes doubled inside), {@code 42}. */
    private static String keyLiteral(EdmEntityType type, Row row) {
        EdmKeyPropertyRef key = type.getKeyPropertyRefs().get(0);
        EdmPrimitiveType keyType = (EdmPrimitiveType) key.getProperty().getType();
        try {
            return keyType.toUriLiteral(keyType.valueToString(row.get(key.getName()), false, null, null, null,
                    null));
        } catch (EdmPrimitiveTypeException e) {
            throw new IllegalStateException("a stored key does not fit its property", e);
        }
    }

    private Row row(Target target) {
        if (target.isCollection()) {
            throw new ServiceException.NotImplemented(ErrorCode.NOT_IMPLEMENTED, null,
                    "Address a property of a single entity");
        }
        return services.queryService().entity(caller, target);
    }

    private static EdmProperty property(UriInfo uriInfo) {
        List<UriResource> parts = uriInfo.getUriResourceParts();
        for (int i = parts.size() - 1; i >= 0; i--) {
            if (parts.get(i) instanceof UriResourceProperty property) {
                return property.getProperty();
            }
        }
        throw new IllegalStateException("a property request without a property");
    }

    @Override
    public void updatePrimitive(ODataRequest request, ODataResponse response, UriInfo uriInfo,
                                ContentType requestFormat, ContentType responseFormat) {
        throw refused();
    }

    @Override
    public void deletePrimitive(ODataRequest request, ODataResponse response, UriInfo uriInfo) {
        throw refused();
    }

    @Override
    public void updatePrimitiveValue(ODataRequest request, ODataResponse response, UriInfo uriInfo,
                                     ContentType requestFormat, ContentType responseFormat) {
        throw refused();
    }

    @Override
    public void deletePrimitiveValue(ODataRequest request, ODataResponse response, UriInfo uriInfo) {
        throw refused();
    }

    private static ServiceException refused() {
        return new ServiceException.MethodNotAllowed("Change a property with PATCH on its entity");
    }
}
