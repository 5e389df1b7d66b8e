package dev.vectis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/** One answer of the server: its status, its body as sent, and the request id to quote. */
record Reply(int status, String body, String requestId) {

    static final ObjectMapper MAPPER = new ObjectMapper();

    JsonNode json() {
        try {
            JsonNode node = MAPPER.readTree(body);
            if (node == null || node.isMissingNode()) {
                throw new IOException("empty body");
            }
            return node;
        } catch (IOException e) {
            throw new CliFailure(CliFailure.API_ERROR, "the server's answer is not JSON (status " + status + ")"
                    + (requestId == null ? "" : " (request " + requestId + ")"));
        }
    }

    /**
     * The operator endpoints keep their answer under {@code data} ({@code {"success": true,
     * "data": …}}); the contracts' own endpoints answer bare.
     */
    JsonNode data() {
        JsonNode json = json();
        return json.has("success") && json.has("data") ? json.get("data") : json;
    }
}
