package dev.vectis.config;

/** A configuration problem found at start-up; the message names the key. */
public class ConfigException extends RuntimeException {

    public ConfigException(String message) {
        super(message);
    }

    public static ConfigException forKey(String key, String problem) {
        return new ConfigException(key + ": " + problem);
    }
}
