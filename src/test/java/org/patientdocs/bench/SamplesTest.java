package org.patientdocs.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class SamplesTest {

    private static Samples of(double... values) {
        Samples samples = new Samples();
        for (double value : values) {
            samples.add(value);
        }
        return samples;
    }

    @Test
    void percentilesOfOneToHundredAreTheirRanks() {
        Samples samples = new Samples();
        for (int i = 100; i >= 1; i--) {
            samples.add(i);
        }
        assertEquals(50, samples.median());
        assertEquals(99, samples.percentile(99));
        assertEquals(100, samples.max());
        assertEquals(1, samples.percentile(1));
    }

    @Test
    void medianOfAnEvenCountIsTheLowerMiddleValue() {
        assertEquals(2, of(4, 1, 3, 2).median());
    }

    @Test
    void p99OfFewSamplesIsTheLargest() {
        assertEquals(9, of(5, 9, 7).percentile(99));
    }

    @Test
    void aSingleSampleIsEveryPercentile() {
        assertEquals(3, of(3).percentile(0.1));
        assertEquals(3, of(3).percentile(99));
    }

    @Test
    void noSamplesHaveNoPercentile() {
        assertThrows(IllegalStateException.class, () -> new Samples().median());
    }

    @Test
    void percentileOutsideTheRangeIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> of(1).percentile(0));
        assertThrows(IllegalArgumentException.class, () -> of(1).percentile(101));
    }
}
