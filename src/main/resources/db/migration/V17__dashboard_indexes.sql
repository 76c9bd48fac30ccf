-- Two request shapes that read a whole tenant's documents without these (issue 18, measured over 1,000,000):
--
-- Documents of one type, newest first ($filter=document_type eq 'Referral'&$orderby=uploaded_at desc&$top=50): the
-- statement orders by tenant, type, time and key (TargetRows.heldColumns names the filter's type), and this index
-- is in that order, so a page reads its own rows instead of sorting every document of the type. It does not end in
-- the key: H2 prefers, of two indexes in the order of ORDER BY, the one with fewer columns past those it matches,
-- and rows of the same time are few enough to sort.
CREATE INDEX document_type_uploaded ON document (tenant_id, document_type NULLS FIRST, uploaded_at DESC);

-- Bytes per month ($apply=compute(year(uploaded_at) ...)/groupby(..., aggregate(file_size_bytes with sum ...))):
-- with the size in an index by time, H2 answers from the index alone rather than looking up every row of the
-- tenant in the table (10.3 s -> 0.5 s). An index of its own: document_uploaded stays as it is, since H2 weighs an
-- index's columns past those it uses against it, and a longer one would lose $orderby=uploaded_at to the key's index.
CREATE INDEX document_uploaded_size ON document (tenant_id, uploaded_at, file_size_bytes);
