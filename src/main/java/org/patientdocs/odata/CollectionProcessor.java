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
import org.apache.olingo.server.api.ODataRequest;
import org.apache.olingo.server.api.ODataResponse;
import org.apache.olingo.server.api.processor.CountEntityCollectionProcessor;
import org.apache.olingo.server.api.processor.ReferenceCollectionProcessor;
import org.apache.olingo.server.api.serializer.EntityCollectionSerializerOptions;
import org.apache.olingo.server.api.serializer.ReferenceCollectionSerializerOptions;
import org.apache.olingo.server.api.serializer.SerializerException;
import org.apache.olingo.server.api.uri.UriInfo;
import org.apache.olingo.server.api.uri.queryoption.CountOption;
import org.apache.olingo.server.api.uri.queryoption.ExpandOption;
import org.apache.olingo.server.core.uri.queryoption.CountOptionImpl;
import org.patientdocs.error.ErrorCode;
import org.patientdocs.error.ServiceException;
import org.patientdocs.query.Aggregation;
import org.patientdocs.query.Keyset;
import org.patientdocs.query.Page;
import org.patientdocs.query.QueryService;
import org.patientdocs.query.Row;
import org.patientdocs.query.Target;
import org.patientdocs.url.NextLinks;

/**
 * Reads of entity collections ({@code Patients}, {@code Documents}, {@code Patients(id)/Documents}), their
 * {@code /$count} and their references ({@code Patients(id)/Documents/$ref}): the query service reads the page, its
 * count and its expanded navigations; this processor sizes the page, links the next one and writes the answer, with
 * {@link CollectionJson} where it can and Olingo's serializer otherwise.
 */
public final class CollectionProcessor extends CallerProcessor
        implements CountEntityCollectionProcessor, ReferenceCollectionProcessor {

    /** @param audit what this request records, for its authenticated caller (processors are made per request) */
    public CollectionProcessor(Services services, AccessAudit audit) {
        super(services, audit);
    }

    @Override
    public void readEntityCollection(ODataRequest request, ODataResponse response, UriInfo uriInfo,
                                     ContentType format) throws SerializerException {
        // $compute alone leaves the entities themselves: read as any collection (keyset paging, $count, $expand,
        // ETags); grouping and the other transformations of $apply are read by the query service's aggregate
        boolean computes = QueryService.computesOnly(uriInfo);
        if (uriInfo.getApplyOption() != null && !computes) {
            readAggregation(request, response, uriInfo, format);
            return;
        }
        ExpandOption expand = uriInfo.getExpandOption();
        if (computes || CollectionJson.computes(expand)) {
            CollectionJson.requireComputable(format, expand);
        }
        Read read = read(request, uriInfo, format);
        EdmEntitySet set = read.target().set();
        ContextURL contextUrl = ContextUrls.collection(odata, request, set, expand, uriInfo.getSelectOption(),
                read.page());
        Expansion expansion = new Expansion(odata, request, uriInfo.getAliases(), set, read.page().expanded(),
                expand == null ? null : expand.getText());
        CollectionJson.Answer answer = new CollectionJson.Answer(contextUrl, read.page(), read.next(), expansion);
        if (computes || CollectionJson.writes(format, expand, uriInfo.getSelectOption(), set.getEntityType())) {
            response.setODataContent(new CollectionJson(format, set.getEntityType(), answer));
        } else {
            response.setContent(serialize(request, uriInfo, format, set, answer));
        }
        answered(response, format, read.size());
    }

    /**
     * The references of a collection's members ({@code Patients('12345')/Documents/$ref}), read and paged as the
     * collection itself, with the same query options; a read of the members' ids, audited as a list.
     */
    @Override
    public void readReferenceCollection(ODataRequest request, ODataResponse response, UriInfo uriInfo,
                                        ContentType format) throws SerializerException {
        Read read = read(request, uriInfo, format);
        EdmEntitySet set = read.target().set();
        EntityCollection collection = new EntityCollection();
        for (Row row : read.page().rows()) {
            collection.getEntities().add(Entities.referenceFromRow(odata, set, row));
        }
        Long count = read.page().count();
        if (count != null) {
            collection.setCount(count.intValue());
        }
        collection.setNext(read.next());
        ReferenceCollectionSerializerOptions options = ReferenceCollectionSerializerOptions.with()
                .contextURL(ContextUrls.references(request, true)).count(count != null ? countOption() : null)
                .build();
        response.setContent(odata.createSerializer(format).referenceCollection(metadata, set, collection, options)
                .getContent());
        answered(response, format, read.size());
    }

    /** A page of the collection a request addresses, audited, and the link to the next page. */
    private record Read(Target target, Paging.Size size, Page page, URI next) {
    }

    private Read read(ODataRequest request, UriInfo uriInfo, ContentType format) {
        Target target = Target.of(uriInfo);
        EdmEntitySet set = target.set();
        Paging.Size size = Paging.pageSize(odata, request, services.config().query().maxPageSize());
        String fingerprint = Keyset.fingerprint(Paging.fingerprint(request, uriInfo));
        Page page = services.queryService().page(caller, uriInfo, size.rows(), fingerprint,
                AccessAudit.withAuditedProperties(Entities.withMediaProperties(Set.of(), format, set.getEntityType()),
                        set.getEntityType()));
        audit.list(request, target, page);
        URI next = page.next() == null ? null : NextLinks.page(request.getRawBaseUri(), request.getRawODataPath(),
                request.getRawQueryPath(), Keyset.encode(fingerprint, page.next()));
        return new Read(target, size, page, next);
    }

    private static void answered(ODataResponse response, ContentType format, Paging.Size size) {
        response.setStatusCode(HttpStatusCode.OK.getStatusCode());
        response.setHeader(HttpHeader.CONTENT_TYPE, format.toContentTypeString());
        Paging.confirm(response, size);
    }

    /**
     * A page of an {@code $apply} or {@code $compute} result. Its rows may have no keys to continue after, so a next
     * link's skip token carries the number of rows delivered so far (with the fingerprint of the request, its
     * {@code $apply} among it).
     */
    private void readAggregation(ODataRequest request, ODataResponse response, UriInfo uriInfo, ContentType format) {
        if (!format.isCompatible(ContentType.APPLICATION_JSON)) {
            throw new ServiceException.NotImplemented(ErrorCode.QUERY_FEATURE_UNSUPPORTED, "$apply",
                    "The results of $apply and $compute are answered in JSON only");
        }
        Target target = Target.of(uriInfo);
        Paging.Size size = Paging.pageSize(odata, request, services.config().query().maxPageSize());
        String fingerprint = Keyset.fingerprint(Paging.fingerprint(request, uriInfo));
        Aggregation result = services.queryService().aggregate(caller, uriInfo, size.rows(), fingerprint,
                AccessAudit.withAuditedProperties(Set.of(), target.set().getEntityType()));
        audit.aggregated(request, target, result);
        URI next = result.next() == null ? null : NextLinks.page(request.getRawBaseUri(), request.getRawODataPath(),
                request.getRawQueryPath(), Keyset.encode(fingerprint, result.next()));
        ContextURL context = AggregationJson.context(request.getRawBaseUri(), target.set(),
                result.names().subList(0, result.shown()));
        response.setContent(new ByteArrayInputStream(AggregationJson.write(format, context, result, next)));
        response.setStatusCode(HttpStatusCode.OK.getStatusCode());
        response.setHeader(HttpHeader.CONTENT_TYPE, format.toContentTypeString());
        Paging.confirm(response, size);
    }

    /** The page through Olingo's serializer: what {@link CollectionJson#writes} leaves to it. */
    private InputStream serialize(ODataRequest request, UriInfo uriInfo, ContentType format, EdmEntitySet set,
                                  CollectionJson.Answer answer) throws SerializerException {
        List<Entity> entities = new ArrayList<>();
        Set<String> kept = Entities.withMediaProperties(answer.page().selected(), format, set.getEntityType());
        for (Row row : answer.page().rows()) {
            entities.add(Entities.fromRow(odata, set, row, kept));
        }
        answer.expansion().attach(entities);
        Entities.describeMediaForXml(format, metadata.getEdm(), entities);
        EntityCollection collection = new EntityCollection();
        collection.getEntities().addAll(entities);
        Long count = answer.page().count();
        if (count != null) {
            collection.setCount(count.intValue());
        }
        collection.setNext(answer.next());
        EntityCollectionSerializerOptions options = EntityCollectionSerializerOptions.with()
                .id(request.getRawRequestUri())
                .contextURL(answer.context())
                .select(uriInfo.getSelectOption())
                .expand(uriInfo.getExpandOption())
                .count(count != null ? countOption() : null)
                .build();
        return odata.createSerializer(format).entityCollection(metadata, set.getEntityType(), collection, options)
                .getContent();
    }

    @Override
    public void countEntityCollection(ODataRequest request, ODataResponse response, UriInfo uriInfo) {
        Target target = Target.of(uriInfo);
        long count = services.queryService().count(caller, uriInfo);
        audit.count(request, target, count);
        response.setContent(new ByteArrayInputStream(Long.toString(count).getBytes(StandardCharsets.UTF_8)));
        response.setStatusCode(HttpStatusCode.OK.getStatusCode());
        response.setHeader(HttpHeader.CONTENT_TYPE, ContentType.TEXT_PLAIN.toContentTypeString());
    }

    private static CountOption countOption() {
        return new CountOptionImpl().setValue(true);
    }
}
