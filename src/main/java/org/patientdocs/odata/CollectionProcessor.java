package org.patientdocs.odata;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.apache.olingo.commons.api.data.ContextURL;
import org.apache.olingo.commons.api.data.EntityCollection;
import org.apache.olingo.commons.api.edm.EdmEntitySet;
import org.apache.olingo.commons.api.format.ContentType;
import org.apache.olingo.commons.api.http.HttpHeader;
import org.apache.olingo.commons.api.http.HttpStatusCode;
import org.apache.olingo.server.api.OData;
import org.apache.olingo.server.api.ODataRequest;
import org.apache.olingo.server.api.ODataResponse;
import org.apache.olingo.server.api.ServiceMetadata;
import org.apache.olingo.server.api.processor.CountEntityCollectionProcessor;
import org.apache.olingo.server.api.serializer.EntityCollectionSerializerOptions;
import org.apache.olingo.server.api.serializer.SerializerException;
import org.apache.olingo.server.api.uri.UriInfo;
import org.apache.olingo.server.api.uri.queryoption.CountOption;
import org.apache.olingo.server.core.uri.queryoption.CountOptionImpl;
import org.patientdocs.error.ErrorCode;
import org.patientdocs.error.ServiceException;
import org.patientdocs.query.CollectionQuery;
import org.patientdocs.query.ColumnMap;
import org.patientdocs.query.SqlFragment;

/**
 * Reads of entity collections ({@code Patients}, {@code Documents}, {@code Patients(id)/Documents}) and their
 * {@code /$count}: the query options become one SQL statement (plus one for the count when asked).
 */
public final class CollectionProcessor implements CountEntityCollectionProcessor {

    private final Services services;
    private OData odata;
    private ServiceMetadata metadata;

    public CollectionProcessor(Services services) {
        this.services = services;
    }

    @Override
    public void init(OData odata, ServiceMetadata serviceMetadata) {
        this.odata = odata;
        this.metadata = serviceMetadata;
    }

    @Override
    public void readEntityCollection(ODataRequest request, ODataResponse response, UriInfo uriInfo,
                                     ContentType format) throws SerializerException {
        Target target = Target.of(uriInfo);
        EdmEntitySet set = target.set();
        ColumnMap.Table table = services.model().columns().table(set.getEntityType());
        int delivered = Paging.delivered(uriInfo.getSkipTokenOption());
        CollectionQuery query = CollectionQuery.translate(table, scope(target),
                Paging.remaining(uriInfo, delivered), Services.PAGE_SIZE);

        List<Map<String, Object>> rows = services.entities().query(query.rows(), query.columns());
        EntityCollection collection = new EntityCollection();
        rows.stream().limit(query.pageSize())
                .forEach(row -> collection.getEntities().add(Entities.fromRow(odata, set, row)));

        // The spec's list of a patient's documents always carries its count; elsewhere only on request.
        boolean withCount = isTrue(uriInfo.getCountOption()) || target.patientScope() != null;
        if (withCount) {
            collection.setCount((int) Math.min(Integer.MAX_VALUE, services.entities().count(query.count())));
        }
        if (query.hasMore(rows.size())) {
            collection.setNext(Paging.nextLink(request, delivered + query.pageSize()));
        }

        String serviceRoot = request.getRawBaseUri() + "/";
        ContextURL context = ContextURL.with()
                .serviceRoot(URI.create(serviceRoot))
                .entitySet(set)
                .selectList(odata.createUriHelper().buildContextURLSelectList(set.getEntityType(), null,
                        uriInfo.getSelectOption()))
                .build();
        EntityCollectionSerializerOptions options = EntityCollectionSerializerOptions.with()
                .id(request.getRawRequestUri())
                .contextURL(context)
                .select(uriInfo.getSelectOption())
                .count(withCount ? countOption() : null)
                .build();
        response.setContent(odata.createSerializer(format)
                .entityCollection(metadata, set.getEntityType(), collection, options).getContent());
        response.setStatusCode(HttpStatusCode.OK.getStatusCode());
        response.setHeader(HttpHeader.CONTENT_TYPE, format.toContentTypeString());
    }

    @Override
    public void countEntityCollection(ODataRequest request, ODataResponse response, UriInfo uriInfo) {
        Target target = Target.of(uriInfo);
        ColumnMap.Table table = services.model().columns().table(target.set().getEntityType());
        CollectionQuery query = CollectionQuery.translate(table, scope(target),
                new CollectionQuery.Options(uriInfo.getFilterOption(), null, null, null, null), Services.PAGE_SIZE);
        long count = services.entities().count(query.count());
        response.setContent(new ByteArrayInputStream(
                Long.toString(count).getBytes(StandardCharsets.UTF_8)));
        response.setStatusCode(HttpStatusCode.OK.getStatusCode());
        response.setHeader(HttpHeader.CONTENT_TYPE, ContentType.TEXT_PLAIN.toContentTypeString());
    }

    /** The condition that ties a navigation's rows to their parent, checked to exist first. */
    private SqlFragment scope(Target target) {
        if (target.viaDocument() != null) {
            throw new ServiceException.NotImplemented(ErrorCode.NOT_IMPLEMENTED, null,
                    "Documents(id)/Patient is a single entity, not a collection");
        }
        if (target.patientScope() == null) {
            return null;
        }
        if (!services.patients().exists(target.patientScope())) {
            throw new ServiceException.NotFound("The patient does not exist");
        }
        return SqlFragment.of("patient_id = ?", target.patientScope());
    }

    private static boolean isTrue(CountOption count) {
        return count != null && count.getValue();
    }

    private static CountOption countOption() {
        return new CountOptionImpl().setValue(true);
    }
}
