package dev.vectis.api.docs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The OpenAPI 3.1 description of each contract, kept by hand in {@code resources/openapi/<name>.yaml}
 * and held to the code by tests (every route described, every response valid), and the merge of
 * them all that {@code /openapi.json} serves.
 */
public final class OpenApiDocuments {

    /** Every contract, in the order the merged document lists them. */
    public static final List<String> CONTRACTS = List.of("fleet-registration", "session-worker-gateway",
            "command-executor", "provider-registry", "vps-marketplace", "operator");

    private static final String SCHEMAS = "#/components/schemas/";
    private static final String[] METHODS = {"get", "put", "post", "delete", "patch", "head", "options"};

    private final Map<String, JsonNode> documents = new LinkedHashMap<>();
    private final JsonNode merged;

    public OpenApiDocuments(ObjectMapper json) {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        for (String name : CONTRACTS) {
            documents.put(name, read(yaml, name));
        }
        this.merged = merge(json, documents);
    }

    private static JsonNode read(ObjectMapper yaml, String name) {
        String resource = "/openapi/" + name + ".yaml";
        try (InputStream in = OpenApiDocuments.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("Missing " + resource + " in the jar");
            }
            return yaml.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + resource, e);
        }
    }

    /** One contract's document, or null for a name that is none. */
    public JsonNode document(String contract) {
        return documents.get(contract);
    }

    public JsonNode merged() {
        return merged;
    }

    /**
     * Schema names repeat across contracts (each has its own Error), so the merged document
     * prefixes them with the contract's name; each operation is tagged with its contract.
     */
    private static JsonNode merge(ObjectMapper json, Map<String, JsonNode> documents) {
        ObjectNode out = json.createObjectNode();
        out.put("openapi", "3.1.0");
        ObjectNode info = out.putObject("info");
        info.put("title", "Vectis");
        info.put("version", documents.get("operator").path("info").path("version").asText());
        info.put("description", "Every contract Vectis serves, in one document; /openapi/<contract>.json has each "
                + "on its own.");
        ArrayNode tags = out.putArray("tags");
        ObjectNode paths = out.putObject("paths");
        ObjectNode schemas = out.putObject("components").putObject("schemas");
        for (Map.Entry<String, JsonNode> e : documents.entrySet()) {
            String contract = e.getKey();
            JsonNode doc = prefixRefs(json, e.getValue(), contract);
            tags.addObject().put("name", contract).put("description", doc.path("info").path("title").asText());
            for (Iterator<Map.Entry<String, JsonNode>> it = doc.path("paths").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> path = it.next();
                ObjectNode item = path.getValue().deepCopy();
                for (String method : METHODS) {
                    if (item.get(method) instanceof ObjectNode op && !op.has("tags")) {
                        op.putArray("tags").add(contract);
                    }
                }
                paths.set(path.getKey(), item);
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = doc.path("components").path("schemas").fields();
                    it.hasNext(); ) {
                Map.Entry<String, JsonNode> schema = it.next();
                schemas.set(contract + "." + schema.getKey(), schema.getValue());
            }
        }
        return out;
    }

    private static JsonNode prefixRefs(ObjectMapper json, JsonNode doc, String contract) {
        try {
            String text = json.writeValueAsString(doc).replace("\"" + SCHEMAS, "\"" + SCHEMAS + contract + ".");
            return json.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
