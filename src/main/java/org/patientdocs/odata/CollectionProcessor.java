package org.patientdocs.odata;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.apache.olingo.commons.api.data.ContextURL;
import org.apache.olingo.commons.api.data.Entity;
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
import org.apache.olingo.server.api.uri.queryoption.ExpandOption;
import org.apache.olingo.server.core.uri.queryoption.CountOptionImpl;
import org.patientdocs.error.ErrorCode;
import org.patientdocs.error.ServiceException;
import org.patientdocs.query.CollectionQuery;
import org.patientdocs.query.ColumnMap;
import org.patientdocs.query.Keyset;
import org.patientdocs.query.QueryContext;
import org.patientdocs.query.QueryLimits;
import org.patientdocs.query.Row;
import org.patientdocs.query.Target;

/**
 * Reads of entity collections ({@code Patients}, {@code Documents}, {@code Patients(id)/Documents}) and their
 * {@code /$count}: the query options become one SQL statement for the page, one for the count when asked and one
 * per expanded navigation.
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
        QueryLimits.check(uriInfo, uriInfo.getAliases(), services.config().query());
        QueryContext context = context(uriInfo);
        requireParent(target);
        CollectionQuery query = CollectionQuery.of(context, target, CollectionQuery.Options.of(uriInfo),
                Entities.withMediaProperties(Expansion.required(table, uriInfo.getExpandOption()), format,
                        set.getEntityType()));

        Paging.Size size = Paging.pageSize(odata, request, services.config().query().maxPageSize());
        String fingerprint = Keyset.fingerprint(Paging.fingerprint(request, uriInfo));
        Keyset.Position position = uriInfo.getSkipTokenOption() == null ? null
                : Keyset.decode(uriInfo.getSkipTokenOption().getValue(), fingerprint, query.keys());
        CollectionQuery.Page page = query.page(size.rows(), position);

        List<Row> rows = services.entities().rows(page.rows(), page.layout());
        List<Row> delivered = rows.subList(0, Math.min(rows.size(), page.pageRows()));

        // The spec's list of a patient's documents carries its count unless $count=false says otherwise; elsewhere
        // only on request.
        CountOption countOption = uriInfo.getCountOption();
        boolean withCount = countOption != null ? countOption.getValue() : target.parent() != null;
        Long count = withCount ? Math.min(Integer.MAX_VALUE, services.entities().count(query.count())) : null;
        URI next = null;
        if (page.hasMore(rows.size())) {
            long deliveredSoFar = (position == null ? 0 : position.delivered()) + delivered.size();
            Keyset.Position after = page.positionAfter(delivered.get(delivered.size() - 1), deliveredSoFar);
            next = Paging.nextLink(request, Keyset.encode(fingerprint, after));
        }
        ContextURL contextUrl = ContextUrls.collection(odata, request, set, uriInfo.getExpandOption(),
                uriInfo.getSelectOption());
        ExpandOption expand = uriInfo.getExpandOption();
        Expansion expansion = new Expansion(odata, services.entities(), context, request, uriInfo.getAliases(),
                size.rows());
        if (CollectionJson.writes(format, expand, uriInfo.getSelectOption(), set.getEntityType())) {
            List<Expansion.Navigated> expanded = expansion.fetch(set, table, delivered, expand,
                    expand == null ? null : expand.getText());
            response.setODataContent(new CollectionJson(format, set.getEntityType(),
                    new CollectionJson.Page(contextUrl, table, query.selected(), delivered, count, next, expanded)));
        } else {
            response.setContent(serialize(request, uriInfo, format, expansion,
                    new CollectionJson.Page(contextUrl, table, query.selected(), delivered, count, next, List.of())));
        }
        response.setStatusCode(HttpStatusCode.OK.getStatusCode());
        response.setHeader(HttpHeader.CONTENT_TYPE, format.toContentTypeString());
        Paging.confirm(response, size);
    }

    /** The page through Olingo's serializer: what {@link CollectionJson#writes} leaves to it. */
    private InputStream serialize(ODataRequest request, UriInfo uriInfo, ContentType format, Expansion expansion,
                                  CollectionJson.Page answer) throws SerializerException {
        EdmEntitySet set = Target.of(uriInfo).set();
        ColumnMap.Table table = services.model().columns().table(set.getEntityType());
        List<Entity> entities = new ArrayList<>();
        Set<String> kept = Entities.withMediaProperties(answer.selected(), format, set.getEntityType());
        for (Row row : answer.rows()) {
            entities.add(Entities.fromRow(odata, set, row, kept));
        }
        expansion.expand(set, table, entities, answer.rows(), uriInfo.getExpandOption(),
                uriInfo.getExpandOption() == null ? null : uriInfo.getExpandOption().getText());
        Entities.describeMediaForXml(format, metadata.getEdm(), entities);
        EntityCollection collection = new EntityCollection();
        collection.getEntities().addAll(entities);
        if (answer.count() != null) {
            collection.setCount(answer.count().intValue());
        }
        collection.setNext(answer.next());
        EntityCollectionSerializerOptions options = EntityCollectionSerializerOptions.with()
                .id(request.getRawRequestUri())
                .contextURL(answer.context())
                .select(uriInfo.getSelectOption())
                .expand(uriInfo.getExpandOption())
                .count(answer.count() != null ? countOption() : null)
                .build();
        return odata.createSerializer(format).entityCollection(metadata, set.getEntityType(), collection, options)
                .getContent();
    }

    @Override
    public void countEntityCollection(ODataRequest request, ODataResponse response, UriInfo uriInfo) {
        Target target = Target.of(uriInfo);
        ColumnMap.Table table = services.model().columns().table(target.set().getEntityType());
        QueryLimits.check(uriInfo, uriInfo.getAliases(), services.config().query());
        QueryContext context = context(uriInfo);
        requireParent(target);
        CollectionQuery query = CollectionQuery.of(context, target, CollectionQuery.Options.counting(uriInfo),
                Set.of());
        long count = services.entities().count(query.count());
        response.setContent(new ByteArrayInputStream(Long.toString(count).getBytes(StandardCharsets.UTF_8)));
        response.setStatusCode(HttpStatusCode.OK.getStatusCode());
        response.setHeader(HttpHeader.CONTENT_TYPE, ContentType.TEXT_PLAIN.toContentTypeString());
    }

    private QueryContext context(UriInfo uriInfo) {
        return services.queryContext(uriInfo.getAliases());
    }

    /** A collection reached from a parent entity exists only while the parent does. */
    private void requireParent(Target target) {
        if (!target.isCollection()) {
            throw new ServiceException.NotImplemented(ErrorCode.NOT_IMPLEMENTED, null,
                    "The path addresses a single entity, not a collection");
        }
        if (target.parent() != null && !services.patients().exists(target.parent().key())) {
            throw new ServiceException.NotFound("The patient does not exist");
        }
    }

    private static CountOption countOption() {
        return new CountOptionImpl().setValue(true);
    }
}
