package dev.vectis.api.fleet;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * fleet-registration.md's answer to POST /api/v1/workers. The two pace fields are ours, sent only
 * to callers that speak ours (they send a hostname); others get exactly the document's body.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record Enrolled(String id, String subdomain, String ip, Long heartbeatIntervalSeconds, Long offlineAfterSeconds) {
}
