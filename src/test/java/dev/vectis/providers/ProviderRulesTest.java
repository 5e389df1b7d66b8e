package dev.vectis.providers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vectis.error.InvalidInputException;
import dev.vectis.error.Violation;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Each rule of provider-registry.md's "Validation Rules", failing and passing. */
class ProviderRulesTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final ProviderRules rules = new ProviderRules(MAPPER);

    static ObjectNode valid() {
        ObjectNode body = MAPPER.createObjectNode();
        body.put("name", "ACME Compute Provider");
        body.put("email", "admin@acme.com");
        body.put("organization", "ACME Corp");
        body.put("public_key", TestKeys.pkix(TestKeys.rsa(2048)));
        ObjectNode endpoint = body.putArray("endpoints").addObject();
        endpoint.put("type", "api").put("url", "https://api.acme.com").put("protocol", "https").put("secure", true);
        body.putObject("metadata").put("region", "us-west-2").putArray("supported_formats").add("ONNX").add("TensorRT");
        body.put("terms", true);
        return body;
    }

    private List<Violation> violations(Consumer<ObjectNode> change) {
        ObjectNode body = valid();
        change.accept(body);
        try {
            rules.registration(body);
            return List.of();
        } catch (InvalidInputException e) {
            return e.violations();
        }
    }

    private List<String> codes(Consumer<ObjectNode> change) {
        return violations(change).stream().map(v -> v.field() + ":" + v.code()).toList();
    }

    private static ObjectNode endpoint(ObjectNode body) {
        return (ObjectNode) body.get("endpoints").get(0);
    }

    @Test
    void theSpecExampleIsValid() {
        ProviderFields f = rules.registration(valid());
        assertThat(f.name()).isEqualTo("ACME Compute Provider");
        assertThat(f.endpoints()).containsExactly(new Endpoint("api", "https://api.acme.com", "https", true, null));
        assertThat(f.metadata()).containsEntry("region", "us-west-2");
    }

    @Test
    void name() {
        assertThat(codes(b -> b.remove("name"))).containsExactly("name:NAME_REQUIRED");
        assertThat(codes(b -> b.put("name", "  "))).containsExactly("name:NAME_REQUIRED");
        assertThat(codes(b -> b.put("name", 7))).containsExactly("name:INVALID_TYPE");
        assertThat(codes(b -> b.put("name", "ab"))).containsExactly("name:NAME_LENGTH");
        assertThat(codes(b -> b.put("name", "x".repeat(101)))).containsExactly("name:NAME_LENGTH");
        assertThat(codes(b -> b.put("name", "ACME <script>"))).containsExactly("name:NAME_CHARSET");
        assertThat(codes(b -> b.put("name", "a!"))).containsExactly("name:NAME_LENGTH", "name:NAME_CHARSET");
        for (String ok : List.of("abc", "x".repeat(100), "Acme_Compute-2 West", "Müller Rechenzentrum", "計算機 株式会社")) {
            assertThat(codes(b -> b.put("name", ok))).as(ok).isEmpty();
        }
        assertThat(rules.registration(valid().put("name", "  padded name  ")).name()).isEqualTo("padded name");
    }

    @Test
    void email() {
        assertThat(codes(b -> b.remove("email"))).containsExactly("email:EMAIL_REQUIRED");
        assertThat(codes(b -> b.putNull("email"))).containsExactly("email:EMAIL_REQUIRED");
        for (String bad : List.of("admin", "admin@", "@acme.com", "a b@acme.com", "admin@acme", "admin@[10.0.0.1]",
                "admin@@acme.com", "x".repeat(250) + "@a.com")) {
            assertThat(codes(b -> b.put("email", bad))).as(bad).containsExactly("email:INVALID_EMAIL");
        }
        for (String ok : List.of("admin@acme.com", "first.last+tag@sub.acme.co.uk", "ADMIN@ACME.COM")) {
            assertThat(codes(b -> b.put("email", ok))).as(ok).isEmpty();
        }
    }

    @Test
    void organizationAndMetadataAreOptionalButChecked() {
        assertThat(codes(b -> b.remove("organization"))).isEmpty();
        assertThat(codes(b -> b.put("organization", "o".repeat(201)))).containsExactly("organization:FIELD_TOO_LONG");
        assertThat(codes(b -> b.put("organization", true))).containsExactly("organization:INVALID_TYPE");
        assertThat(codes(b -> b.remove("metadata"))).isEmpty();
        assertThat(codes(b -> b.put("metadata", "region=eu"))).containsExactly("metadata:INVALID_TYPE");
        assertThat(codes(b -> ((ObjectNode) b.get("metadata")).put("blob", "x".repeat(17_000))))
                .containsExactly("metadata:METADATA_TOO_LARGE");
    }

    @Test
    void publicKey() {
        assertThat(codes(b -> b.remove("public_key"))).containsExactly("public_key:KEY_REQUIRED");
        assertThat(codes(b -> b.put("public_key", "nope"))).containsExactly("public_key:KEY_FORMAT");
        assertThat(codes(b -> b.put("public_key", TestKeys.pkix(TestKeys.rsa(1024)))))
                .containsExactly("public_key:KEY_TOO_SMALL");
        assertThat(codes(b -> b.put("public_key", TestKeys.ecPkix()))).containsExactly("public_key:KEY_NOT_RSA");
        assertThat(codes(b -> b.put("public_key", TestKeys.pkcs1(TestKeys.rsa(2048))))).isEmpty();
        assertThat(codes(b -> b.put("public_key", TestKeys.pkix(TestKeys.rsa(4096))))).isEmpty();
    }

    @Test
    void terms() {
        assertThat(codes(b -> b.remove("terms"))).containsExactly("terms:TERMS_REQUIRED");
        assertThat(codes(b -> b.put("terms", false))).containsExactly("terms:TERMS_REQUIRED");
        assertThat(codes(b -> b.put("terms", "true"))).containsExactly("terms:TERMS_REQUIRED");
    }

    @Test
    void endpointsAreRequired() {
        assertThat(codes(b -> b.remove("endpoints"))).containsExactly("endpoints:ENDPOINTS_REQUIRED");
        assertThat(codes(b -> b.putArray("endpoints"))).containsExactly("endpoints:ENDPOINTS_REQUIRED");
        assertThat(codes(b -> b.put("endpoints", "https://api.acme.com"))).containsExactly("endpoints:INVALID_TYPE");
        assertThat(codes(b -> ((ArrayNode) b.get("endpoints")).add("https://x.acme.com")))
                .containsExactly("endpoints[1]:INVALID_TYPE");
        assertThat(codes(b -> {
            ArrayNode list = b.putArray("endpoints");
            for (int i = 0; i < 21; i++) {
                list.addObject().put("url", "https://e" + i + ".acme.com");
            }
        })).containsExactly("endpoints:TOO_MANY_ENDPOINTS");
    }

    @Test
    void endpointUrls() {
        assertThat(codes(b -> endpoint(b).remove("url"))).containsExactly("endpoints[0].url:URL_REQUIRED");
        for (String bad : List.of("api.acme.com", "https://", "https:///path", "mailto:admin@acme.com", "https://exa mple.com",
                "https://user:secret@api.acme.com", "/relative/path")) {
            assertThat(codes(b -> endpoint(b).put("url", bad))).as(bad).containsExactly("endpoints[0].url:INVALID_URL");
        }
        for (String ok : List.of("https://api.acme.com", "https://api.acme.com:8443/v1?x=1", "https://[2001:db8::1]:443",
                "https://203.0.113.7")) {
            assertThat(codes(b -> endpoint(b).put("url", ok))).as(ok).isEmpty();
        }
    }

    @Test
    void endpointProtocols() {
        assertThat(codes(b -> endpoint(b).put("protocol", "ftp").remove("secure")))
                .containsExactly("endpoints[0].protocol:UNSUPPORTED_PROTOCOL");
        for (String[] ok : new String[][] {{"http", "http://a.acme.com"}, {"https", "https://a.acme.com"},
            {"grpc", "grpc://a.acme.com:50051"}, {"grpc+tls", "https://a.acme.com:50051"},
            {"websocket", "ws://a.acme.com/ws"}, {"wss", "wss://a.acme.com/ws"}, {"HTTPS", "https://a.acme.com"}}) {
            assertThat(codes(b -> endpoint(b).put("protocol", ok[0]).put("url", ok[1]).remove("secure")))
                    .as(ok[0]).isEmpty();
        }
        ProviderFields derived = rules.registration(valid().set("endpoints", MAPPER.createArrayNode()
                .add(MAPPER.createObjectNode().put("url", "wss://a.acme.com/ws"))));
        assertThat(derived.endpoints().get(0)).isEqualTo(new Endpoint(null, "wss://a.acme.com/ws", "wss", true, null));
        assertThat(codes(b -> endpoint(b).put("url", "ftp://a.acme.com").remove(List.of("protocol", "secure"))))
                .containsExactly("endpoints[0].protocol:UNSUPPORTED_PROTOCOL");
    }

    @Test
    void endpointPorts() {
        for (String bad : List.of("https://a.acme.com:0", "https://a.acme.com:65536", "https://a.acme.com:99999999999",
                "https://[2001:db8::1]:70000")) {
            assertThat(codes(b -> endpoint(b).put("url", bad))).as(bad).containsExactly("endpoints[0].url:INVALID_PORT");
        }
        assertThat(codes(b -> endpoint(b).put("url", "https://a.acme.com:65535"))).isEmpty();
        assertThat(codes(b -> endpoint(b).put("url", "https://a.acme.com:1"))).isEmpty();
        assertThat(codes(b -> endpoint(b).put("port", 0))).containsExactly("endpoints[0].port:INVALID_PORT");
        assertThat(codes(b -> endpoint(b).put("port", 70000))).containsExactly("endpoints[0].port:INVALID_PORT");
        assertThat(codes(b -> endpoint(b).put("port", "443"))).containsExactly("endpoints[0].port:INVALID_TYPE");
        assertThat(codes(b -> endpoint(b).put("port", 443))).isEmpty();
        assertThat(codes(b -> endpoint(b).put("url", "https://a.acme.com:8443").put("port", 443)))
                .containsExactly("endpoints[0].port:INVALID_PORT");
    }

    @Test
    void endpointSecurityMustAgreeWithTheProtocol() {
        assertThat(codes(b -> endpoint(b).put("secure", false))).containsExactly("endpoints[0].secure:SECURITY_MISMATCH");
        assertThat(codes(b -> endpoint(b).put("protocol", "http").put("url", "http://a.acme.com")))
                .containsExactly("endpoints[0].secure:SECURITY_MISMATCH");
        assertThat(codes(b -> endpoint(b).put("protocol", "wss").put("url", "ws://a.acme.com")))
                .containsExactly("endpoints[0].url:SECURITY_MISMATCH");
        assertThat(codes(b -> endpoint(b).put("protocol", "http").put("secure", false)))
                .containsExactly("endpoints[0].url:SECURITY_MISMATCH");
        assertThat(codes(b -> endpoint(b).put("secure", "yes"))).containsExactly("endpoints[0].secure:INVALID_TYPE");
        assertThat(codes(b -> endpoint(b).put("protocol", "grpc").put("url", "grpc://a.acme.com").put("secure", false)))
                .isEmpty();
    }

    @Test
    void everyFailureOfARequestIsReportedTogether() {
        ObjectNode body = MAPPER.createObjectNode();
        body.put("name", "x!");
        body.put("email", "nope");
        body.put("public_key", TestKeys.pkcs1(TestKeys.rsa(1024)));
        ArrayNode endpoints = body.putArray("endpoints");
        endpoints.addObject().put("url", "https://a.acme.com:0").put("protocol", "gopher");
        endpoints.addObject().put("url", "http://b.acme.com").put("protocol", "https").put("secure", false);
        body.put("terms", false);
        assertThatThrownBy(() -> rules.registration(body)).isInstanceOfSatisfying(InvalidInputException.class, e ->
                assertThat(e.violations()).extracting(v -> v.field() + ":" + v.code()).containsExactly(
                        "name:NAME_LENGTH", "name:NAME_CHARSET", "email:INVALID_EMAIL", "public_key:KEY_TOO_SMALL",
                        "endpoints[0].url:INVALID_PORT", "endpoints[0].protocol:UNSUPPORTED_PROTOCOL",
                        "endpoints[1].secure:SECURITY_MISMATCH", "endpoints[1].url:SECURITY_MISMATCH",
                        "terms:TERMS_REQUIRED"));
    }

    @Test
    void anUpdateChangesOnlyTheFieldsItNamesAndValidatesThemAsRegistrationDoes() {
        ProviderFields f = rules.registration(valid());
        Provider current = new Provider("id", f.name(), f.email(), f.organization(), f.publicKey(), f.endpoints(),
                f.metadata(), ProviderStatus.PENDING, null, Instant.EPOCH, Instant.EPOCH, 0);
        ProviderFields renamed = rules.update(MAPPER.createObjectNode().put("name", "New Name"), current);
        assertThat(renamed).isEqualTo(new ProviderFields("New Name", f.email(), f.organization(), f.publicKey(),
                f.endpoints(), f.metadata()));
        assertThat(rules.update(MAPPER.createObjectNode().putNull("organization").putNull("metadata"), current))
                .satisfies(u -> {
                    assertThat(u.organization()).isNull();
                    assertThat(u.metadata()).isNull();
                });
        ObjectNode bad = MAPPER.createObjectNode().put("name", "x").put("email", "other@acme.com")
                .put("status", "approved").put("public_key", TestKeys.ecPkix()).putNull("endpoints");
        assertThatThrownBy(() -> rules.update(bad, current)).isInstanceOfSatisfying(InvalidInputException.class, e ->
                assertThat(e.violations()).extracting(v -> v.field() + ":" + v.code()).containsExactlyInAnyOrder(
                        "name:NAME_LENGTH", "public_key:KEY_NOT_RSA", "endpoints:ENDPOINTS_REQUIRED",
                        "email:FIELD_NOT_EDITABLE", "status:FIELD_NOT_EDITABLE"));
        assertThat(rules.update(MAPPER.createObjectNode().put("email", "ADMIN@acme.com").put("status", "pending"),
                current)).isEqualTo(f);
    }
}
