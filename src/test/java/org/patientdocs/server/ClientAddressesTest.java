package org.patientdocs.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

class ClientAddressesTest {

    private static final String PROXY = "10.0.0.2";
    private static final ClientAddresses ADDRESSES = new ClientAddresses(Set.of(PROXY));

    @Test
    void theClientIsTheOneTheTrustedProxyAddedNotOneTheRequestClaimed() {
        assertEquals("192.0.2.7", ADDRESSES.of(PROXY,
                Map.of("Forwarded", "for=203.0.113.9, for=192.0.2.7;proto=https")::get));
        assertEquals("192.0.2.7", ADDRESSES.of(PROXY, Map.of("X-Forwarded-For", "203.0.113.9, 192.0.2.7")::get));
        assertEquals("[2001:db8::1]:4711", ADDRESSES.of(PROXY,
                Map.of("Forwarded", "for=\"[2001:db8::1]:4711\"")::get));
    }

    @Test
    void forwardingHeadersFromAnyoneElseOrNamingNoAddressAreNotBelieved() {
        assertEquals("10.0.0.3", ADDRESSES.of("10.0.0.3", Map.of("X-Forwarded-For", "192.0.2.7")::get));
        assertEquals(PROXY, ADDRESSES.of(PROXY, Map.of("X-Forwarded-For", "192.0.2.7 <script>")::get));
        assertEquals(PROXY, ADDRESSES.of(PROXY, Map.<String, String>of()::get));
    }
}
