package org.patientdocs.odata;

import org.apache.olingo.server.api.OData;
import org.apache.olingo.server.api.ServiceMetadata;
import org.apache.olingo.server.api.processor.Processor;

/**
 * What every Olingo processor of this service is given before it serves its one request: the {@link OData} instance
 * (serializers, URI helper) and the {@link ServiceMetadata} (the EDM). Olingo's contract hands them to
 * {@link #init}; the processors read them from here.
 */
abstract class OlingoProcessor implements Processor {

    OData odata;
    ServiceMetadata metadata;

    @Override
    public final void init(OData odata, ServiceMetadata serviceMetadata) {
        this.odata = odata;
        this.metadata = serviceMetadata;
    }
}
