package dev.vectis.providers;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sanctionco.jmail.EmailValidator;
import com.sanctionco.jmail.JMail;
import dev.vectis.error.InvalidInputException;
import dev.vectis.error.Violation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * provider-registry.md's validation rules. Every failing rule of a request is collected and
 * reported together, each naming its field and a stable code, so a client fixes a form in
 * one round trip.
 */
public final class ProviderRules {

    static final int NAME_MIN = 3;
    static final int NAME_MAX = 100;
    static final int EMAIL_MAX = 254;
    static final int ORGANIZATION_MAX = 200;
    static final int METADATA_MAX_BYTES = 16 * 1024;
    private static final Pattern NAME_CHARS = Pattern.compile("[\\p{L}\\p{M}\\p{Nd} _-]+");
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    /** RFC 5322 as JMail reads it, plus a top-level domain and no IP-literal domains: addresses mail can reach. */
    private final EmailValidator emails = JMail.strictValidator();
    private final ObjectMapper mapper;

    public ProviderRules(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    public ProviderFields registration(JsonNode body) {
        List<Violation> out = new ArrayList<>();
        String name = name(body, out);
        String email = email(body, out);
        String organization = Fields.optionalText(body, "organization", "organization", ORGANIZATION_MAX, out);
        String publicKey = publicKey(body, out);
        List<Endpoint> endpoints = EndpointRules.check(body.get("endpoints"), out);
        Map<String, Object> metadata = metadata(body, out);
        JsonNode terms = body.get("terms");
        if (terms == null || !terms.isBoolean() || !terms.booleanValue()) {
            out.add(new Violation("terms", "The terms must be accepted (terms: true)", "TERMS_REQUIRED"));
        }
        return valid(out, new ProviderFields(name, email, organization, publicKey, endpoints, metadata));
    }

    /** The provider's fields with the body's changes applied; fields the body leaves out stay as they are. */
    public ProviderFields update(JsonNode body, Provider current) {
        List<Violation> out = new ArrayList<>();
        String name = body.has("name") ? name(body, out) : current.name();
        String organization = body.has("organization")
                ? Fields.optionalText(body, "organization", "organization", ORGANIZATION_MAX, out)
                : current.organization();
        String publicKey = body.has("public_key") ? publicKey(body, out) : current.publicKey();
        List<Endpoint> endpoints = body.has("endpoints") ? EndpointRules.check(body.get("endpoints"), out)
                : current.endpoints();
        Map<String, Object> metadata = body.has("metadata") ? metadata(body, out) : current.metadata();
        JsonNode email = body.get("email");
        if (email != null && !(email.isTextual() && email.textValue().trim().equalsIgnoreCase(current.email()))) {
            out.add(new Violation("email", "email cannot be changed; register a new provider for a new address",
                    "FIELD_NOT_EDITABLE"));
        }
        JsonNode status = body.get("status");
        if (status != null && !(status.isTextual() && status.textValue().equals(current.status().wire()))) {
            out.add(new Violation("status", "status is set by the operator's approval", "FIELD_NOT_EDITABLE"));
        }
        return valid(out, new ProviderFields(name, current.email(), organization, publicKey, endpoints, metadata));
    }

    private static ProviderFields valid(List<Violation> out, ProviderFields fields) {
        if (!out.isEmpty()) {
            throw new InvalidInputException(out);
        }
        return fields;
    }

    private static String name(JsonNode body, List<Violation> out) {
        String name = Fields.requiredText(body, "name", "NAME_REQUIRED", out);
        if (name == null) {
            return null;
        }
        int length = name.codePointCount(0, name.length());
        boolean ok = true;
        if (length < NAME_MIN || length > NAME_MAX) {
            out.add(new Violation("name", "name must be " + NAME_MIN + "-" + NAME_MAX + " characters", "NAME_LENGTH"));
            ok = false;
        }
        if (!NAME_CHARS.matcher(name).matches()) {
            out.add(new Violation("name", "name may contain only letters, digits, spaces, hyphens and underscores",
                    "NAME_CHARSET"));
            ok = false;
        }
        return ok ? name : null;
    }

    private String email(JsonNode body, List<Violation> out) {
        String email = Fields.requiredText(body, "email", "EMAIL_REQUIRED", out);
        if (email == null) {
            return null;
        }
        if (email.length() > EMAIL_MAX || !emails.isValid(email)) {
            out.add(new Violation("email", "Invalid email format", "INVALID_EMAIL"));
            return null;
        }
        return email;
    }

    private static String publicKey(JsonNode body, List<Violation> out) {
        String key = Fields.requiredText(body, "public_key", "KEY_REQUIRED", out);
        if (key == null) {
            return null;
        }
        return PublicKeys.check("public_key", key).map(v -> {
            out.add(v);
            return (String) null;
        }).orElse(key);
    }

    private Map<String, Object> metadata(JsonNode body, List<Violation> out) {
        JsonNode node = body.get("metadata");
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            out.add(new Violation("metadata", "metadata must be a JSON object", "INVALID_TYPE"));
            return null;
        }
        try {
            if (mapper.writeValueAsBytes(node).length > METADATA_MAX_BYTES) {
                out.add(new Violation("metadata", "metadata must be at most " + METADATA_MAX_BYTES / 1024
                        + " KiB of JSON", "METADATA_TOO_LARGE"));
                return null;
            }
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a parsed tree always serialises", e);
        }
        return mapper.convertValue(node, MAP);
    }
}
