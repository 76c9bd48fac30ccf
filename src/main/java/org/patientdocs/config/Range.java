package org.patientdocs.config;

/**
 * An integer setting: its key and the range its value must lie in. The record that holds the value checks it; the
 * loader quotes the same rule when the text is not even a number.
 */
record Range(String key, long min, long max) {

    boolean contains(long value) {
        return value >= min && value <= max;
    }

    /** @throws ConfigException naming the key and the range, unless the value lies in it */
    long check(long value) {
        if (!contains(value)) {
            throw broken(value);
        }
        return value;
    }

    ConfigException broken(Object value) {
        return ConfigException.invalid(key, "must be an integer in " + min + ".." + max, value);
    }
}
