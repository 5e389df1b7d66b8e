package dev.vectis.api.docs;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vectis.testing.OpenApiCheck;
import org.junit.jupiter.api.Test;

/** The check every test's HTTP client makes notices a renamed, missing or mistyped field. */
class OpenApiCheckTest {

    private final OpenApiCheck check = OpenApiCheck.instance();

    @Test
    void aBodyAsDocumentedPasses() {
        assertThatCode(() -> check.check("POST", "/api/v1/workers", 201, "application/json",
                "{\"id\":\"w-1\",\"subdomain\":\"w-1\",\"ip\":\"10.0.0.1\"}")).doesNotThrowAnyException();
    }

    @Test
    void aRenamedFieldFails() {
        assertThatThrownBy(() -> check.check("POST", "/api/v1/workers", 201, "application/json",
                "{\"workerId\":\"w-1\",\"subdomain\":\"w-1\",\"ip\":\"10.0.0.1\"}"))
                .isInstanceOf(AssertionError.class).hasMessageContaining("id");
    }

    @Test
    void aMistypedFieldFails() {
        assertThatThrownBy(() -> check.check("POST", "/api/v1/workers", 201, "application/json",
                "{\"id\":7,\"subdomain\":\"w-1\",\"ip\":\"10.0.0.1\"}"))
                .isInstanceOf(AssertionError.class).hasMessageContaining("/id");
    }

    @Test
    void anErrorOutOfItsContractsShapeFails() {
        assertThatThrownBy(() -> check.check("GET", "/api/jobs/status", 404, "application/json",
                "{\"message\":\"Job not found\"}"))
                .isInstanceOf(AssertionError.class).hasMessageContaining("command-executor.yaml");
    }
}
