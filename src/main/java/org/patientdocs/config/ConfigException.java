package org.patientdocs.config;

/** A configuration value broke its rule; the message names the key, the rule and the value. */
public final class ConfigException extends RuntimeException {

    public ConfigException(String message) {
        super(message);
    }

    /** The one form every broken rule is reported in: {@code http.port must be …, was '70000'}. */
    static ConfigException invalid(String key, String rule, Object value) {
        return new ConfigException(key + " " + rule + ", was '" + value + "'");
    }
}
