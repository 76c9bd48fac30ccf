package org.patientdocs.bench;

import java.util.Arrays;

/**
 * Measured values of one series (latencies in nanoseconds, or rates), with nearest-rank percentiles: the p-th
 * percentile of n sorted values is the value at rank ⌈p/100 · n⌉, always one of the measured values. Not
 * thread-safe.
 */
final class Samples {

    private double[] values = new double[16];
    private int size;

    void add(double value) {
        if (size == values.length) {
            values = Arrays.copyOf(values, size * 2);
        }
        values[size++] = value;
    }

    /** Adds every value of another series (measured by another thread, now done). */
    void addAll(Samples other) {
        for (int i = 0; i < other.size; i++) {
            add(other.values[i]);
        }
    }

    int size() {
        return size;
    }

    /** The nearest-rank percentile, {@code 0 < p <= 100}. */
    double percentile(double p) {
        if (size == 0) {
            throw new IllegalStateException("no samples");
        }
        if (!(p > 0 && p <= 100)) {
            throw new IllegalArgumentException("percentile must be in (0, 100], was " + p);
        }
        double[] sorted = Arrays.copyOf(values, size);
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100 * size);
        return sorted[Math.max(rank, 1) - 1];
    }

    double median() {
        return percentile(50);
    }

    double max() {
        return percentile(100);
    }
}
