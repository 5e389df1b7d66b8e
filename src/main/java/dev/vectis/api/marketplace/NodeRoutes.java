package dev.vectis.api.marketplace;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.vectis.auth.Permission;
import dev.vectis.nodes.Node;
import dev.vectis.nodes.NodeRegistry;
import io.javalin.config.RoutesConfig;
import java.util.List;

/** GET /admin/nodes: the Vectis nodes sharing the database, for operators. */
final class NodeRoutes {

    record NodeView(String id, String address, String version, @JsonProperty("started_at") String startedAt,
                    @JsonProperty("last_seen_at") String lastSeenAt, List<String> loops,
                    @JsonProperty("this_node") boolean thisNode) {
    }

    record NodeList(List<NodeView> nodes, int count) {
    }

    private final Access access;
    private final NodeRegistry nodes;

    NodeRoutes(Access access, NodeRegistry nodes) {
        this.access = access;
        this.nodes = nodes;
    }

    void register(RoutesConfig r) {
        r.get("/admin/nodes", ctx -> {
            access.require(ctx, Permission.READ);
            List<NodeView> list = nodes.list().stream().map(this::node).toList();
            ctx.json(new NodeList(list, list.size()));
        });
    }

    private NodeView node(Node n) {
        return new NodeView(n.id(), n.address(), n.version(), MarketViews.time(n.startedAt()),
                MarketViews.time(n.lastSeenAt()), n.loops(), n.id().equals(nodes.id()));
    }
}
