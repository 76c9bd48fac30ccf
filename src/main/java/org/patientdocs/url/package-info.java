/**
 * URL text, in one place: the raw query string prepared before Olingo's parser sees it (OData 4.01 syntax rewritten
 * into the 4.0 forms the parser knows, unsupported options refused by name, nesting bounded), restored again for
 * the links that repeat a request, and percent-coded by one coder built on Olingo's. Works on text only: no servlet
 * types, no parsed requests, no SQL; it depends on {@code error} and Olingo alone, so {@code server}, {@code odata}
 * and {@code query} can all use it.
 */
package org.patientdocs.url;
