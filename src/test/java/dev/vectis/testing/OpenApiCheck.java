package dev.vectis.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.vectis.api.docs.OpenApiDocuments;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Holds every JSON response a test receives to the OpenAPI document of its route: the status
 * must be described (or fall under the operation's "default") and the body must match the schema.
 * So every contract test is also a check that the documents tell the truth.
 */
public final class OpenApiCheck {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final OpenApiCheck INSTANCE = new OpenApiCheck();

    private final List<Operation> operations = new ArrayList<>();
    private final SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
    private final Map<String, Schema> schemas = new ConcurrentHashMap<>();

    /** One method on one path template of one document, with its $refs pointing into $defs. */
    public record Operation(String contract, String method, String template, Pattern pattern, JsonNode op,
                            JsonNode defs) {
    }

    private OpenApiCheck() {
        OpenApiDocuments docs = new OpenApiDocuments(MAPPER);
        for (String contract : OpenApiDocuments.CONTRACTS) {
            JsonNode doc = localRefs(docs.document(contract));
            JsonNode defs = doc.path("components").path("schemas");
            for (Iterator<Map.Entry<String, JsonNode>> paths = doc.path("paths").fields(); paths.hasNext(); ) {
                Map.Entry<String, JsonNode> path = paths.next();
                Pattern pattern = Pattern.compile(
                        Pattern.quote(path.getKey()).replaceAll("\\{[^}/]+}", "\\\\E[^/]+\\\\Q"));
                for (Iterator<Map.Entry<String, JsonNode>> ops = path.getValue().fields(); ops.hasNext(); ) {
                    Map.Entry<String, JsonNode> op = ops.next();
                    if (op.getValue().has("responses")) {
                        operations.add(new Operation(contract, op.getKey().toUpperCase(Locale.ROOT), path.getKey(),
                                pattern, op.getValue(), defs));
                    }
                }
            }
        }
        // A literal segment wins over a parameter: /api/v1/workers/register is not /api/v1/workers/{workerId}.
        operations.sort(Comparator.comparingInt(o -> o.template().split("\\{", -1).length));
    }

    public static OpenApiCheck instance() {
        return INSTANCE;
    }

    public List<Operation> operations() {
        return operations;
    }

    private static JsonNode localRefs(JsonNode doc) {
        try {
            return MAPPER.readTree(MAPPER.writeValueAsString(doc).replace("\"#/components/schemas/", "\"#/$defs/"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Throws an AssertionError when the response breaks its route's document; quiet for routes none describes. */
    public void check(String method, String rawPath, int status, String contentType, String body) {
        String path = rawPath.contains("?") ? rawPath.substring(0, rawPath.indexOf('?')) : rawPath;
        Operation op = find(method, path);
        if (op == null) {
            return;
        }
        String where = method + " " + op.template() + " (" + op.contract() + ".yaml)";
        JsonNode response = op.op().path("responses").get(Integer.toString(status));
        if (response == null) {
            response = op.op().path("responses").get(status / 100 + "XX");
        }
        if (response == null) {
            response = op.op().path("responses").get("default");
        }
        if (response == null) {
            throw new AssertionError(where + " answered " + status + ", which its document does not describe: " + body);
        }
        if (contentType == null || !isJson(contentType) || body == null || body.isEmpty()) {
            return;
        }
        JsonNode schemaNode = response.path("content").path("application/json").get("schema");
        if (schemaNode == null) {
            throw new AssertionError(where + " answered " + status + " with JSON, which its document does not "
                    + "describe: " + body);
        }
        Schema schema = schemas.computeIfAbsent(op.contract() + " " + where + " " + status, k -> {
            ObjectNode root = MAPPER.createObjectNode();
            root.put("$schema", "https://json-schema.org/draft/2020-12/schema");
            root.set("$defs", op.defs());
            root.putArray("allOf").add(schemaNode);
            return registry.getSchema(root);
        });
        JsonNode json;
        try {
            json = MAPPER.readTree(body);
        } catch (IOException e) {
            throw new AssertionError(where + " answered " + status + " with a body that is not JSON: " + body, e);
        }
        List<Error> errors = schema.validate(json);
        if (!errors.isEmpty()) {
            throw new AssertionError(where + " answered " + status + " with a body its document does not allow: "
                    + errors + "\n" + body);
        }
    }

    private Operation find(String method, String path) {
        for (Operation op : operations) {
            if (op.method().equals(method) && op.pattern().matcher(path).matches()) {
                return op;
            }
        }
        return null;
    }

    private static boolean isJson(String contentType) {
        String type = contentType.toLowerCase(Locale.ROOT);
        return type.startsWith("application/json") || type.contains("+json");
    }
}
