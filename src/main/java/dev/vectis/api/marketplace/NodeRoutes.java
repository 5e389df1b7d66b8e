package dev.vectis.api.marketplace;

import dev.vectis.auth.Permission;
import dev.vectis.nodes.Node;
import dev.vectis.nodes.NodeRegistry;
import io.javalin.config.RoutesConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** GET /admin/nodes: the Vectis nodes sharing the database, for operators. */
final class NodeRoutes {

    private final Access access;
    private final NodeRegistry nodes;

    NodeRoutes(Access access, NodeRegistry nodes) {
        this.access = access;
        this.nodes = nodes;
    }

    void register(RoutesConfig r) {
        r.get("/admin/nodes", ctx -> {
            access.require(ctx, Permission.READ);
            List<Map<String, Object>> list = nodes.list().stream().map(this::node).toList();
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("nodes", list);
            body.put("count", list.size());
            ctx.json(body);
        });
    }

    private Map<String, Object> node(Node n) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", n.id());
        m.put("address", n.address());
        m.put("version", n.version());
        m.put("started_at", MarketViews.time(n.startedAt()));
        m.put("last_seen_at", MarketViews.time(n.lastSeenAt()));
        m.put("loops", n.loops());
        m.put("this_node", n.id().equals(nodes.id()));
        return m;
    }
}
