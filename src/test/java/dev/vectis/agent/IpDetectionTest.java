package dev.vectis.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vectis.net.IpLiteral;
import java.net.URI;
import java.net.http.HttpClient;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class IpDetectionTest {

    private static final Optional<String> ROUTE = Optional.of("198.51.100.1");
    private static final Optional<String> NIC = Optional.of("198.51.100.2");

    @Test
    void theGivenAddressWins() {
        assertThat(detection(ROUTE, NIC).detect(Optional.of(" 203.0.113.5 "), Optional.empty())).isEqualTo("203.0.113.5");
        assertThat(detection(ROUTE, NIC).detect(Optional.of("2001:db8::1"), Optional.empty())).isEqualTo("2001:db8::1");
        assertThatThrownBy(() -> detection(ROUTE, NIC).detect(Optional.of("example.com"), Optional.empty()))
                .isInstanceOf(AgentException.class).hasMessageContaining("--ip example.com");
    }

    @Test
    void thenTheEchoServiceTrimmed() throws Exception {
        try (FakeServer echo = new FakeServer()) {
            echo.on("GET", "/ip", r -> new FakeServer.Reply(200, "  203.0.113.9\n".getBytes(), "text/plain"));

            assertThat(detection(ROUTE, NIC).detect(Optional.empty(), Optional.of(echo.uri().resolve("/ip"))))
                    .isEqualTo("203.0.113.9");
            assertThat(echo.requests("GET", "/ip").get(0).header("Authorization")).isNull();
        }
    }

    @Test
    void anEchoAnswerThatIsNoAddressFallsBackToTheDefaultRoute() throws Exception {
        try (FakeServer echo = new FakeServer()) {
            echo.on("GET", "/ip", r -> new FakeServer.Reply(200, "<html>hello</html>".getBytes(), "text/html"));
            echo.on("GET", "/broken", 500, "{}");

            assertThat(detection(ROUTE, NIC).detect(Optional.empty(), Optional.of(echo.uri().resolve("/ip"))))
                    .isEqualTo("198.51.100.1");
            assertThat(detection(ROUTE, NIC).detect(Optional.empty(), Optional.of(echo.uri().resolve("/broken"))))
                    .isEqualTo("198.51.100.1");
        }
    }

    @Test
    void anUnreachableEchoServiceFallsBackToo() {
        URI nowhere = URI.create("http://127.0.0.1:9/ip");

        assertThat(detection(ROUTE, NIC).detect(Optional.empty(), Optional.of(nowhere))).isEqualTo("198.51.100.1");
    }

    @Test
    void withoutADefaultRouteTheFirstInterfaceAddress() {
        assertThat(detection(Optional.empty(), NIC).detect(Optional.empty(), Optional.empty())).isEqualTo("198.51.100.2");
        assertThatThrownBy(() -> detection(Optional.empty(), Optional.empty()).detect(Optional.empty(), Optional.empty()))
                .isInstanceOf(AgentException.class).hasMessageContaining("--ip");
    }

    @Test
    void theSystemLookupsGiveAddressLiteralsOrNothing() {
        for (Optional<String> found : java.util.List.of(IpDetection.defaultRouteAddress(),
                IpDetection.firstInterfaceAddress())) {
            found.ifPresent(ip -> {
                assertThat(IpLiteral.parse(ip)).isPresent();
                assertThat(ip).doesNotStartWith("127.").isNotEqualTo("0.0.0.0").doesNotContain("%");
            });
        }
    }

    private static IpDetection detection(Optional<String> route, Optional<String> nic) {
        return new IpDetection(HttpClient.newHttpClient(), () -> route, () -> nic);
    }
}
