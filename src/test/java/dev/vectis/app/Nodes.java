package dev.vectis.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vectis.testing.Http;
import dev.vectis.testing.TestApp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What tests of several nodes ask them: who is there, and who runs which loop. */
final class Nodes {

    static final List<String> SINGLETONS = List.of("liveness-sweeper", "retention", "vps-sessions");

    /** How often a quick node asks for the loops' locks and writes its row; production's turns take 1 to 5 s. */
    static final Duration TURN = Duration.ofMillis(200);

    private Nodes() {
    }

    /** The node, taking over loops and saying so in its row within a fraction of a second. */
    static TestApp quick(TestApp node) {
        for (String loop : List.of("retention", "vps-sessions", "node-heartbeat")) {
            node.app().stretchLoop(loop, TURN);
        }
        return node;
    }

    /** The nodes as {@code asked} lists them. */
    static List<JsonNode> list(TestApp asked) {
        Http.Response r = asked.http.get("/admin/nodes", TestApp.admin());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        List<JsonNode> nodes = new ArrayList<>();
        r.json().get("nodes").forEach(nodes::add);
        return nodes;
    }

    /** The node's id, as its own listing says. */
    static String id(TestApp node) {
        return list(node).stream().filter(n -> n.get("this_node").asBoolean()).findFirst().orElseThrow()
                .get("id").asText();
    }

    /** Which node (by id) holds the loop, as {@code asked} lists them; empty when none says so. */
    static Optional<String> holder(TestApp asked, String loop) {
        return list(asked).stream().filter(n -> loops(n).contains(loop)).map(n -> n.get("id").asText()).findFirst();
    }

    /** Loop name to the ids of the nodes that say they hold it. */
    static Map<String, List<String>> holders(TestApp asked) {
        Map<String, List<String>> holders = new java.util.TreeMap<>();
        for (JsonNode n : list(asked)) {
            for (String loop : loops(n)) {
                holders.computeIfAbsent(loop, l -> new ArrayList<>()).add(n.get("id").asText());
            }
        }
        return holders;
    }

    static List<String> loops(JsonNode node) {
        List<String> loops = new ArrayList<>();
        node.get("loops").forEach(l -> loops.add(l.asText()));
        return loops;
    }

    /** The ids of the nodes listed. */
    static List<String> ids(TestApp asked) {
        return list(asked).stream().map(n -> n.get("id").asText()).sorted().toList();
    }
}
