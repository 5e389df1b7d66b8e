package dev.vectis.http;

import dev.vectis.net.IpLiteral;
import io.javalin.http.Context;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;

/**
 * Who is really calling. Forwarding headers are believed only when the direct peer is a
 * configured trusted proxy; otherwise any client could claim any address or scheme.
 */
public final class ClientAddress {

    private final List<IpLiteral.Network> trusted;

    public ClientAddress(List<String> trustedProxies) {
        this.trusted = trustedProxies.stream().map(n -> IpLiteral.parseNetwork(n).orElseThrow()).toList();
    }

    /** The client's IP: the right-most X-Forwarded-For hop that is not a trusted proxy. */
    public String ip(Context ctx) {
        return ip(ctx.req().getRemoteAddr(), ctx.header("X-Forwarded-For"));
    }

    /** As above, from the direct peer's address and the X-Forwarded-For header (or null). */
    public String ip(String peer, String forwarded) {
        if (!isTrusted(peer)) {
            return peer;
        }
        if (forwarded == null || forwarded.isBlank()) {
            return peer;
        }
        String[] hops = forwarded.split(",");
        for (int i = hops.length - 1; i >= 0; i--) {
            String hop = hops[i].trim();
            if (IpLiteral.parse(hop).isEmpty()) {
                return peer;
            }
            if (!isTrusted(hop)) {
                return hop;
            }
        }
        return hops[0].trim();
    }

    /** True when the request reached us over TLS, directly or through a trusted proxy that says so. */
    public boolean secure(Context ctx) {
        if (ctx.req().isSecure()) {
            return true;
        }
        return isTrusted(ctx.req().getRemoteAddr()) && "https".equalsIgnoreCase(ctx.header("X-Forwarded-Proto"));
    }

    /** True for a configured proxy: its connections carry many clients, so it is not capped as one. */
    public boolean isTrusted(String address) {
        if (trusted.isEmpty()) {
            return false;
        }
        Optional<InetAddress> ip = IpLiteral.parse(address);
        return ip.isPresent() && trusted.stream().anyMatch(n -> n.contains(ip.get()));
    }
}
