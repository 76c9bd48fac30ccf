package org.patientdocs.url;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FormatParametersTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "application/json;metadata=full | application/json;odata.metadata=full",
        "application/json; Metadata = none | application/json;odata.metadata=none",
        "application/json;odata.streaming=true | application/json",
        "application/json;streaming=FALSE;charset=utf-8 | application/json;charset=utf-8",
        "application/json;ExponentialDecimals=true;IEEE754Compatible=true | application/json;IEEE754Compatible=true",
        "application/json;odata.metadata=minimal;q=0.9, application/xml | "
                + "application/json;odata.metadata=minimal;q=0.9, application/xml",
        "application/json;streaming=true, application/json;metadata=full;q=0.5 | "
                + "application/json, application/json;odata.metadata=full;q=0.5",
        // unknown parameters and values stay, to be refused; other media types are not JSON's
        "application/json;streaming=maybe | application/json;streaming=maybe",
        "application/json;bogus=1 | application/json;bogus=1",
        "application/xml;metadata=full | application/xml;metadata=full",
        "*/* | */*",
    })
    void jsonFormatParametersBecomeWhatOlingoKnows(String accept, String normalised) {
        assertEquals(normalised, FormatParameters.normalise(accept));
    }
}
