package org.patientdocs.url;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.net.URI;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BaseUrlsTest {

    private static final String PROXY = "10.0.0.2";
    private static final BaseUrls BEHIND_PROXY = new BaseUrls(null, Set.of(PROXY));

    @Test
    void theConfiguredBaseWins() {
        BaseUrls configured = new BaseUrls(URI.create("https://docs.example.org"), Set.of(PROXY));
        assertEquals("https://docs.example.org", configured.baseFor(PROXY, "http",
                Map.of("Forwarded", "proto=http;host=other.example.org")::get));
    }

    @Test
    void onlyATrustedProxyIsBelieved() {
        Map<String, String> headers = Map.of("Forwarded", "proto=https;host=docs.example.org");
        assertEquals("https://docs.example.org", BEHIND_PROXY.baseFor(PROXY, "http", headers::get));
        assertNull(BEHIND_PROXY.baseFor("10.0.0.3", "http", headers::get));
    }

    @Test
    void theTrustedProxysOwnForwardedElementIsTheLastAndWhatTheClientSentBeforeItIsIgnored() {
        // the client sent the first element itself; the proxy appended the second
        assertEquals("https://docs.example.org:8443", BEHIND_PROXY.baseFor(PROXY, "http", Map.of("Forwarded",
                "proto=http;host=evil.example, for=1.2.3.4;proto=https;host=\"docs.example.org:8443\"")::get));
        assertEquals("https://docs.example.org", BEHIND_PROXY.baseFor(PROXY, "http", Map.of(
                "X-Forwarded-Proto", "http, https", "X-Forwarded-Host", "evil.example, docs.example.org")::get));
    }

    @Test
    void xForwardedHeadersNameSchemeHostAndPortAndDefaultPortsAreLeftOut() {
        assertEquals("https://docs.example.org:8443", BEHIND_PROXY.baseFor(PROXY, "http", Map.of("X-Forwarded-Proto",
                "https", "X-Forwarded-Host", "docs.example.org", "X-Forwarded-Port", "8443")::get));
        assertEquals("https://docs.example.org", BEHIND_PROXY.baseFor(PROXY, "http", Map.of(
                "X-Forwarded-Proto", "HTTPS", "X-Forwarded-Host", "docs.example.org", "X-Forwarded-Port", "443")::get));
        assertEquals("https://host:8080", BEHIND_PROXY.baseFor(PROXY, "http", Map.of(
                "X-Forwarded-Proto", "https", "Host", "host:8080")::get));
    }

    @ParameterizedTest
    @ValueSource(strings = {"proto=ftp;host=docs.example.org", "proto=https;host=docs.example.org/evil",
        "proto=https;host=a@b", "for=1.2.3.4"})
    void anythingButAPlainHostAndWebSchemeLeavesTheRequestsOwnBase(String forwarded) {
        assertNull(BEHIND_PROXY.baseFor(PROXY, "http", Map.of("Forwarded", forwarded)::get));
    }
}
