package org.patientdocs.odata;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.olingo.commons.api.data.Entity;
import org.apache.olingo.commons.api.data.Property;
import org.apache.olingo.commons.api.edm.EdmEntityType;
import org.apache.olingo.commons.api.edm.EdmPrimitiveType;
import org.apache.olingo.commons.api.edm.EdmPrimitiveTypeException;
import org.apache.olingo.commons.api.edm.EdmProperty;
import org.apache.olingo.commons.api.format.ContentType;
import org.apache.olingo.commons.api.http.HttpHeader;
import org.apache.olingo.server.api.OData;
import org.apache.olingo.server.api.ODataRequest;
import org.apache.olingo.server.api.deserializer.DeserializerException;
import org.patientdocs.error.ErrorCode;
import org.patientdocs.error.ServiceException;
import org.patientdocs.query.Row;

/**
 * Reads small JSON entity bodies (patients, document labels), bounded in size, and refuses whatever in them the
 * service would otherwise drop without a word: a property the type does not declare, an instance annotation (the
 * service keeps none), a nested entity or a binding to a related entity (only the bindings a caller accepts are
 * handed back, to be checked against the entity). Control information ({@code @odata.context},
 * {@code @odata.etag}, {@code Documents@odata.navigationLink}, …) is what a client sends back when it returns an
 * entity as read, and is ignored, as OData requires.
 */
final class JsonBodies {

    /** Entity bodies here are a few hundred bytes; anything this large is a mistake or an attack. */
    static final int MAX_BYTES = 64 * 1024;

    /**
     * Reads request bodies: a member given twice in one object is an error rather than the last one kept (RFC 8259
     * leaves it open; Olingo's own reader refuses it too), so that a body read here and written anew for Olingo, or a
     * batch's, never loses what a client sent.
     */
    private static final ObjectMapper STRICT_JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
    private static final Pattern DUPLICATE = Pattern.compile("^Duplicate field '(.*)'");
    private static final String CONTROL = "@odata.";
    private static final String BIND = "@odata.bind";
    private static final String ETAG = "@odata.etag";
    /** The control information of OData 4.01 JSON (section 4.5), which a 4.01 payload may write without "odata.". */
    private static final Set<String> CONTROL_TERMS = Set.of("context", "metadataEtag", "type", "count", "nextLink",
            "delta", "deltaLink", "id", "editLink", "readLink", "etag", "navigationLink", "associationLink",
            "mediaEditLink", "mediaReadLink", "mediaContentType", "mediaEtag", "removed", "bind");

    private JsonBodies() {
    }

    /**
     * An entity body as sent.
     *
     * @param entity   its properties, as Olingo read them
     * @param bindings the target of each accepted single-valued binding ({@code Patient@odata.bind}), by navigation
     *                 property name
     * @param etag     the ETag the body carries, if the request is OData 4.01 or later (in 4.0 it is ignored), or null
     */
    record Body(Entity entity, Map<String, String> bindings, String etag) {

        /**
         * Refuses the body if it names another version of the entity than {@code current} (OData 4.01 §11.4.4: the
         * update must not be performed).
         */
        void requireEtag(String current) {
            if (etag != null && !ETags.ifMatchAllows(etag, current)) {
                throw new ServiceException.PreconditionFailed("The body's @odata.etag names another version of the "
                        + "entity; read it again and retry");
            }
        }

        /**
         * Refuses a value for a property outside {@code writable} that differs from the entity's current value (a
         * key, or one the service computes). An unchanged value is ignored, so an entity can be sent back as read.
         */
        void requireUnchanged(EdmEntityType type, Set<String> writable, Row current) {
            for (Property property : entity.getProperties()) {
                String name = property.getName();
                if (!writable.contains(name) && !sameValue((EdmProperty) type.getProperty(name),
                        current.get(name), property.getValue())) {
                    throw new ServiceException.BadRequest(ErrorCode.PROPERTY_NOT_WRITABLE, name, "The property "
                            + name + " cannot be changed; a body may only repeat its current value");
                }
            }
        }
    }

    /**
     * The JSON of a request body, read strictly ({@link #STRICT_JSON}); what cannot be read is 400 INVALID_BODY, a
     * member given twice named in it.
     *
     * @param what   what the bytes are, as a message starts: "The body", "The batch"
     * @param target the error's target; null to name the member given twice (or nothing)
     */
    static JsonNode strictTree(byte[] bytes, String what, String target) {
        try {
            return STRICT_JSON.readTree(bytes);
        } catch (JsonProcessingException e) {
            // Jackson reports a duplicate (StreamReadFeature.STRICT_DUPLICATE_DETECTION) only in its message
            Matcher duplicate = DUPLICATE.matcher(String.valueOf(e.getOriginalMessage()));
            if (duplicate.find()) {
                String member = duplicate.group(1);
                throw invalid(target != null ? target : member, what + " gives the member " + member
                        + " more than once in one object");
            }
            throw invalid(target, what + " is not valid JSON");
        } catch (IOException e) {
            // bytes in memory: no I/O fails
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads the body of a request on an entity of {@code type}.
     *
     * @param bindable     the single-valued navigation properties whose {@code @odata.bind} the caller checks; every
     *                     other binding and every nested entity is refused
     * @param relationships why they are refused, e.g. "documents are uploaded to their patient"
     */
    static Body entity(OData odata, ODataRequest request, ContentType format, EdmEntityType type,
                       Set<String> bindable, String relationships) throws DeserializerException {
        if (format == null || !format.isCompatible(ContentType.APPLICATION_JSON)) {
            throw new ServiceException.UnsupportedMediaType("The body must be application/json");
        }
        byte[] bytes = read(request);
        JsonNode tree = strictTree(bytes, "The body", null);
        if (tree == null || !tree.isObject()) {
            throw invalid(null, "The body must be a JSON object holding the entity's properties");
        }
        if (isOData401(request) && hasUnprefixedControlInformation(tree)) {
            tree = withPrefixedControlInformation((ObjectNode) tree);
            bytes = tree.toString().getBytes(StandardCharsets.UTF_8);
        }
        Map<String, String> bindings = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = tree.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String binding = check(type, field.getKey(), bindable, relationships);
            if (binding != null) {
                if (!field.getValue().isTextual()) {
                    throw relationship(field.getKey(), field.getKey() + " must be the URL of one entity");
                }
                bindings.put(binding, field.getValue().asText());
            }
        }
        JsonNode etag = tree.get(ETAG);
        Entity entity = odata.createDeserializer(format).entity(new ByteArrayInputStream(bytes), type).getEntity();
        return new Body(entity, bindings, etag != null && etag.isTextual() && isOData401(request) ? etag.asText()
                : null);
    }

    /** The navigation property a field binds, if the caller accepts that binding; null for a property; else refused. */
    private static String check(EdmEntityType type, String name, Set<String> bindable, String relationships) {
        int at = name.indexOf('@');
        String subject = at < 0 ? name : name.substring(0, at);
        if (name.endsWith(BIND)) {
            if (type.getNavigationProperty(subject) == null) {
                throw invalid(name, type.getName() + " has no relationship " + subject + " to bind");
            }
            if (bindable.contains(subject) && !type.getNavigationProperty(subject).isCollection()) {
                return subject;
            }
            throw relationship(name, name + " is not accepted: " + relationships);
        }
        if (at >= 0 && name.startsWith(CONTROL, at)) {
            // as the service writes it: of the entity, of a relationship, or a property's type
            if (subject.isEmpty() || type.getNavigationProperty(subject) != null
                    || type.getProperty(subject) != null && name.endsWith("@odata.type")) {
                return null;
            }
            throw invalid(name, name + " is not control information of " + type.getName());
        }
        if (at >= 0) {
            throw invalid(name, "The service keeps no instance annotations; " + name + " cannot be stored");
        }
        if (type.getNavigationProperty(name) != null) {
            throw relationship(name, name + " is not accepted: " + relationships);
        }
        if (type.getProperty(name) == null) {
            throw invalid(name, "The property " + name + " does not exist in " + type.getName());
        }
        return null;
    }

    static ServiceException relationship(String name, String message) {
        return new ServiceException.BadRequest(ErrorCode.RELATIONSHIP_NOT_WRITABLE, name, message);
    }

    private static ServiceException invalid(String target, String message) {
        return new ServiceException.BadRequest(ErrorCode.INVALID_BODY, target, message);
    }

    private static byte[] read(ODataRequest request) {
        String length = request.getHeader("Content-Length");
        if (length != null && length.matches("[0-9]{1,18}") && Long.parseLong(length) > MAX_BYTES) {
            throw tooLarge();
        }
        try {
            return new LimitedInput(request.getBody(), MAX_BYTES, JsonBodies::tooLarge).readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the request body", e);
        }
    }

    /**
     * Whether a 4.01 body writes control information without its {@code odata.} prefix ({@code @type},
     * {@code Patient@bind}), as OData 4.01 JSON allows and Olingo's reader does not understand.
     */
    private static boolean hasUnprefixedControlInformation(JsonNode tree) {
        for (Iterator<String> names = tree.fieldNames(); names.hasNext(); ) {
            if (unprefixed(names.next()) != null) {
                return true;
            }
        }
        return false;
    }

    /** The body with each unprefixed control information name in its {@code @odata.} form, in the same order. */
    private static ObjectNode withPrefixedControlInformation(ObjectNode tree) {
        ObjectNode prefixed = STRICT_JSON.createObjectNode();
        tree.fields().forEachRemaining(field -> {
            String term = unprefixed(field.getKey());
            String name = term == null ? field.getKey()
                    : field.getKey().substring(0, field.getKey().indexOf('@') + 1) + CONTROL.substring(1) + term;
            prefixed.set(name, field.getValue());
        });
        return prefixed;
    }

    /** The control information term of a name such as {@code @type} or {@code Patient@bind}, or null. */
    private static String unprefixed(String name) {
        int at = name.indexOf('@');
        String term = at < 0 ? null : name.substring(at + 1);
        return term != null && CONTROL_TERMS.contains(term) ? term : null;
    }

    /** Whether the request says its payload follows OData 4.01 or later (without the header it is 4.0). */
    private static boolean isOData401(ODataRequest request) {
        String version = request.getHeader(HttpHeader.ODATA_VERSION);
        return version != null && !version.trim().equals("4.0");
    }

    /** Whether two values of a property are the same value, whatever Java types represent them. */
    private static boolean sameValue(EdmProperty property, Object current, Object sent) {
        if (current == null || sent == null) {
            return current == sent;
        }
        EdmPrimitiveType type = (EdmPrimitiveType) property.getType();
        try {
            return Objects.equals(literal(type, property, current), literal(type, property, sent));
        } catch (EdmPrimitiveTypeException e) {
            return false;
        }
    }

    private static String literal(EdmPrimitiveType type, EdmProperty property, Object value)
            throws EdmPrimitiveTypeException {
        return type.valueToString(value, true, null, property.getPrecision(), property.getScale(), true);
    }

    private static ServiceException tooLarge() {
        return new ServiceException.PayloadTooLarge(null, "An entity body may have at most " + MAX_BYTES + " bytes");
    }
}
