package dev.vectis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.Iterator;
import java.util.Map;

/** One object as "key: value" lines, keys aligned: what a "show" prints. */
final class Details {

    private Details() {
    }

    static void print(JsonNode object, PrintWriter out) {
        int width = 0;
        for (Iterator<String> it = object.fieldNames(); it.hasNext(); ) {
            width = Math.max(width, it.next().length());
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = e.getKey();
            String value = key.endsWith("At") || key.endsWith("_at") ? Values.time(e.getValue()) : Values.text(e.getValue());
            out.println(key + ":" + " ".repeat(width - key.length() + 1) + value);
        }
        out.flush();
    }
}
