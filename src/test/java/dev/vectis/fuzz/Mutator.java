package dev.vectis.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vectis.testing.TestApp;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Turns a route's valid request into a hostile one: one thing changed (sometimes two), drawn
 * from a seeded {@link Random} so that a run can be repeated exactly.
 */
final class Mutator {

    private final Fixtures f;

    Mutator(Fixtures f) {
        this.f = f;
    }

    FuzzRequest next(FuzzRoute route, Random r) {
        Draft d = Draft.of(route, f);
        int times = r.nextInt(12) == 0 ? 2 : 1;
        for (int i = 0; i < times; i++) {
            mutate(d, route, r);
        }
        return d.build();
    }

    private void mutate(Draft d, FuzzRoute route, Random r) {
        int roll = r.nextInt(100);
        boolean hasBody = d.json != null || d.parts != null;
        if (roll < 3) {
            return; // the valid request itself
        }
        if (roll < 38 && hasBody) {
            if (d.parts != null) {
                FormMutations.apply(d, r);
            } else {
                field(d, r);
            }
        } else if (roll < 50 && (hasBody || r.nextInt(4) == 0)) {
            BodyMutations.apply(d, r);
        } else if (roll < 62 && !d.params.isEmpty()) {
            pathParam(d, r);
        } else if (roll < 74) {
            query(d, route, r);
        } else if (roll < 86) {
            AuthMutations.apply(d, f, r);
        } else if (roll < 94) {
            HeaderMutations.apply(d, f, r);
        } else if (roll < 97) {
            d.method = Hostile.pick(r, List.of("HEAD", "OPTIONS", "TRACE", "PUT", "DELETE", "PATCH", "POST", "GET",
                    "FOO", "get", "CONNECT", "PROPFIND"));
            d.mutations.add("method " + d.method);
        } else {
            d.targetShape = Hostile.pick(r, List.of("%s/", "%s//", "/%s", "%s/.", "/x/..%s", "%s?", "%s#frag",
                    "http://127.0.0.1%s", "%s%%2F", "%s/..;/", "%s;x", "%s%%20"));
            d.mutations.add("target written as " + d.targetShape);
        }
    }

    /** One field anywhere in the body: replaced, removed, or joined by an unknown one. */
    private static void field(Draft d, Random r) {
        List<String> paths = new ArrayList<>();
        collect(d.json, "", paths);
        int what = r.nextInt(10);
        if (paths.isEmpty() || what == 0) {
            JsonNode value = Hostile.value(r);
            if (d.json instanceof ObjectNode o) {
                String name = r.nextBoolean() ? "unexpected" : Hostile.pick(r, Hostile.TEXT);
                o.set(name, value);
                d.mutations.add("added field " + printable(name) + " = " + abbreviate(value));
            }
            return;
        }
        String path = Hostile.pick(r, paths);
        if (what == 1) {
            remove(d.json, path);
            d.mutations.add("removed field " + path);
            return;
        }
        JsonNode value = what == 2 ? related(at(d.json, path), r) : Hostile.value(r);
        replace(d.json, path, value);
        d.escapeNonAscii = r.nextInt(3) == 0;
        d.mutations.add("field " + path + " = " + abbreviate(value));
    }

    /** A value close to the valid one: a letter changed, a NUL added, its case or length changed. */
    private static JsonNode related(JsonNode valid, Random r) {
        String text = valid.isTextual() ? valid.textValue() : valid.toString();
        String changed = switch (r.nextInt(6)) {
            case 0 -> text + "\u0000";
            case 1 -> text.toUpperCase();
            case 2 -> text + "x";
            case 3 -> text.repeat(200);
            case 4 -> " " + text + " ";
            default -> text.isEmpty() ? "x" : text.substring(0, text.length() - 1);
        };
        if (valid.isNumber()) {
            return Fixtures.MAPPER.getNodeFactory().numberNode(valid.decimalValue().negate().subtract(
                    java.math.BigDecimal.ONE));
        }
        return Fixtures.MAPPER.getNodeFactory().textNode(changed);
    }

    private static void collect(JsonNode node, String prefix, List<String> out) {
        if (node instanceof ObjectNode o) {
            o.fieldNames().forEachRemaining(name -> {
                String path = prefix.isEmpty() ? name : prefix + "." + name;
                out.add(path);
                collect(o.get(name), path, out);
            });
        } else if (node instanceof ArrayNode a) {
            for (int i = 0; i < a.size(); i++) {
                String path = prefix + "[" + i + "]";
                out.add(path);
                collect(a.get(i), path, out);
            }
        }
    }

    private static JsonNode at(JsonNode root, String path) {
        JsonNode node = root;
        for (String step : steps(path)) {
            node = step.startsWith("[") ? node.get(Integer.parseInt(step.substring(1, step.length() - 1)))
                    : node.get(step);
        }
        return node;
    }

    private static void replace(JsonNode root, String path, JsonNode value) {
        List<String> steps = steps(path);
        JsonNode parent = steps.size() == 1 ? root : at(root, join(steps.subList(0, steps.size() - 1)));
        String last = steps.get(steps.size() - 1);
        if (parent instanceof ArrayNode a) {
            a.set(Integer.parseInt(last.substring(1, last.length() - 1)), value);
        } else {
            ((ObjectNode) parent).set(last, value);
        }
    }

    private static void remove(JsonNode root, String path) {
        List<String> steps = steps(path);
        JsonNode parent = steps.size() == 1 ? root : at(root, join(steps.subList(0, steps.size() - 1)));
        String last = steps.get(steps.size() - 1);
        if (parent instanceof ArrayNode a) {
            a.remove(Integer.parseInt(last.substring(1, last.length() - 1)));
        } else {
            ((ObjectNode) parent).remove(last);
        }
    }

    /** "a.b[2].c" as a, b, [2], c. Field names here never hold dots or brackets. */
    private static List<String> steps(String path) {
        List<String> out = new ArrayList<>();
        for (String part : path.split("\\.")) {
            int bracket = part.indexOf('[');
            if (bracket < 0) {
                out.add(part);
                continue;
            }
            if (bracket > 0) {
                out.add(part.substring(0, bracket));
            }
            for (String index : part.substring(bracket).split("(?=\\[)")) {
                out.add(index);
            }
        }
        return out;
    }

    private static String join(List<String> steps) {
        StringBuilder s = new StringBuilder();
        for (String step : steps) {
            if (!s.isEmpty() && !step.startsWith("[")) {
                s.append('.');
            }
            s.append(step);
        }
        return s.toString();
    }

    private static void pathParam(Draft d, Random r) {
        String name = Hostile.pick(r, new ArrayList<>(d.params.keySet()));
        String valid = d.params.get(name);
        String value = switch (r.nextInt(8)) {
            case 0 -> valid + "%00";
            case 1 -> valid.toUpperCase();
            case 2 -> valid + Hostile.pick(r, Hostile.PATH);
            case 3 -> Hostile.pick(r, List.of(f0(), TestApp.ADMIN_TOKEN, "fuzz-exec-1", "fuzz-gw-1"));
            default -> Hostile.pick(r, Hostile.PATH);
        };
        d.params.put(name, value);
        d.mutations.add("path {" + name + "} = " + printable(value));
    }

    private static String f0() {
        return "00000000-0000-0000-0000-000000000000";
    }

    private static void query(Draft d, FuzzRoute route, Random r) {
        List<String> names = new ArrayList<>(route.optionalQuery);
        route.query.keySet().forEach(names::add);
        names.addAll(List.of("limit", "cursor", "x"));
        String name = Hostile.pick(r, names);
        String value = Hostile.pick(r, Hostile.QUERY);
        if (name.equals("wait") && value.matches("[0-9]{1,2}") && Integer.parseInt(value) > 0) {
            value = "31"; // a valid wait holds the poll open: slow, and not what is being tried here
        }
        switch (r.nextInt(6)) {
            case 0 -> {
                d.query.removeIf(q -> q[0].equals(name));
                d.mutations.add("query without " + name);
            }
            case 1 -> {
                d.query.add(new String[] {name, value});
                d.mutations.add("query adds another " + name + "=" + printable(value));
            }
            case 2 -> {
                d.query.removeIf(q -> q[0].equals(name));
                d.query.add(new String[] {name, null});
                d.mutations.add("query " + name + " without a value");
            }
            case 3 -> {
                String garbage = Hostile.pick(r, List.of("%00", "&&=&=", "a%00=1", "%zz=%zz", "=1", "%ED%A0%80=1"));
                d.query.add(new String[] {garbage, null});
                d.mutations.add("query adds " + printable(garbage));
            }
            default -> {
                d.query.removeIf(q -> q[0].equals(name));
                d.query.add(new String[] {name, value});
                d.mutations.add("query " + name + "=" + printable(value));
            }
        }
    }

    static String abbreviate(JsonNode value) {
        String text = value.toString();
        return printable(text.length() > 80 ? text.substring(0, 80) + "… (" + text.length() + " chars)" : text);
    }

    static String printable(String s) {
        StringBuilder out = new StringBuilder();
        for (char c : s.toCharArray()) {
            out.append(c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\u%04x", (int) c));
            if (out.length() > 120) {
                return out + "… (" + s.length() + " chars)";
            }
        }
        return out.toString();
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
