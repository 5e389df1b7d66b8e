package dev.vectis.agent;

import dev.vectis.net.IpLiteral;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The address this worker enrols with: the one given, else what a public-IP echo service
 * sees (behind NAT that is the only right answer), else the address of the interface that
 * holds the default route, else the first usable interface address.
 */
final class IpDetection {

    private static final Logger LOG = LoggerFactory.getLogger(IpDetection.class);
    /** TEST-NET-1: connecting a UDP socket there only asks the kernel for a route; nothing is sent. */
    private static final InetSocketAddress ROUTE_PROBE = new InetSocketAddress("192.0.2.1", 9);

    private final HttpClient http;
    private final Supplier<Optional<String>> defaultRoute;
    private final Supplier<Optional<String>> firstInterface;

    IpDetection(HttpClient http, Supplier<Optional<String>> defaultRoute, Supplier<Optional<String>> firstInterface) {
        this.http = http;
        this.defaultRoute = defaultRoute;
        this.firstInterface = firstInterface;
    }

    static IpDetection system(HttpClient http) {
        return new IpDetection(http, IpDetection::defaultRouteAddress, IpDetection::firstInterfaceAddress);
    }

    String detect(Optional<String> given, Optional<URI> echoService) {
        if (given.isPresent()) {
            String ip = given.get().strip();
            if (IpLiteral.parse(ip).isEmpty()) {
                throw new AgentException("--ip " + ip + " is not an IPv4 or IPv6 address");
            }
            return ip;
        }
        Optional<String> found = echoService.flatMap(this::ask);
        if (found.isEmpty()) {
            found = defaultRoute.get();
        }
        if (found.isEmpty()) {
            found = firstInterface.get();
        }
        return found.orElseThrow(() -> new AgentException(
                "could not find this machine's IP address; pass it with --ip"));
    }

    private Optional<String> ask(URI service) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(service).timeout(Duration.ofSeconds(10)).GET()
                    .build(), HttpResponse.BodyHandlers.ofString());
            String body = r.body() == null ? "" : r.body().strip();
            if (r.statusCode() == 200 && IpLiteral.parse(body).isPresent()) {
                return Optional.of(body);
            }
            LOG.warn("{} answered {} without an IP address; using a local address instead", service, r.statusCode());
        } catch (IOException | IllegalArgumentException e) {
            LOG.warn("Could not ask {} for the public IP ({}); using a local address instead", service, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return Optional.empty();
    }

    static Optional<String> defaultRouteAddress() {
        try (DatagramSocket socket = new DatagramSocket()) {
            socket.connect(ROUTE_PROBE);
            return usable(socket.getLocalAddress()).map(IpDetection::text);
        } catch (IOException | UncheckedIOException e) {
            return Optional.empty();
        }
    }

    /** IPv4 before IPv6, each in interface order; never loopback, link-local or wildcard. */
    static Optional<String> firstInterfaceAddress() {
        try {
            List<InetAddress> addresses = NetworkInterface.networkInterfaces()
                    .filter(IpDetection::up)
                    .flatMap(NetworkInterface::inetAddresses)
                    .filter(a -> usable(a).isPresent())
                    .sorted(Comparator.comparing(a -> a instanceof Inet4Address ? 0 : 1))
                    .toList();
            return addresses.stream().findFirst().map(IpDetection::text);
        } catch (SocketException e) {
            return Optional.empty();
        }
    }

    private static boolean up(NetworkInterface nic) {
        try {
            return nic.isUp() && !nic.isLoopback();
        } catch (SocketException e) {
            return false;
        }
    }

    private static Optional<InetAddress> usable(InetAddress a) {
        boolean unusable = a == null || a.isAnyLocalAddress() || a.isLoopbackAddress() || a.isLinkLocalAddress()
                || a.isMulticastAddress();
        return unusable ? Optional.empty() : Optional.of(a);
    }

    private static String text(InetAddress a) {
        String s = a.getHostAddress();
        int zone = s.indexOf('%');
        return zone < 0 ? s : s.substring(0, zone);
    }
}
