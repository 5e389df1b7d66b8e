package dev.vectis.providers;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One place a provider serves from. {@code protocol} and {@code secure} are always set once
 * validated (derived from the URL when the provider left them out); {@code type} and
 * {@code port} only when given.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Endpoint(String type, String url, String protocol, boolean secure, Integer port) {
}
