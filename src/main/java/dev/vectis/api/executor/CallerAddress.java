package dev.vectis.api.executor;

import dev.vectis.http.ClientAddress;
import dev.vectis.net.IpLiteral;
import io.javalin.http.Context;

/**
 * The address a worker call comes from, spelled one way (RFC 5952 for IPv6), so that an
 * agent's registration, heartbeats and anonymous polls are recognised as coming from one place.
 */
final class CallerAddress {

    private final ClientAddress clients;

    CallerAddress(ClientAddress clients) {
        this.clients = clients;
    }

    String of(Context ctx) {
        String ip = clients.ip(ctx);
        String bare = ip.startsWith("[") && ip.endsWith("]") ? ip.substring(1, ip.length() - 1) : ip;
        return IpLiteral.parse(bare).map(IpLiteral::canonical).orElse(bare.substring(0, Math.min(45, bare.length())));
    }
}
