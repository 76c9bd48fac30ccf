-- Documents by size ($orderby=file_size_bytes desc, alone or after a filter on a property no index has, such as
-- content_type eq 'application/pdf'): ends in the key like the other orders' indexes, so that H2 reads a page of the
-- largest (or smallest) documents through it (query.Indexes) instead of sorting every document of the tenant.
CREATE INDEX document_file_size ON document (tenant_id, file_size_bytes, id);
