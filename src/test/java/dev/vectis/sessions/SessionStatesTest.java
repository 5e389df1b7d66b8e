package dev.vectis.sessions;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SessionStatesTest {

    @Test
    void phoneNumbersAndTheirWhatsAppJidsBecomeOneForm() {
        assertThat(SessionStates.phoneNumber("6281234567890:12@s.whatsapp.net")).isEqualTo("+6281234567890");
        assertThat(SessionStates.phoneNumber("6281234567890@s.whatsapp.net")).isEqualTo("+6281234567890");
        assertThat(SessionStates.phoneNumber("6281234567890@c.us")).isEqualTo("+6281234567890");
        assertThat(SessionStates.phoneNumber("6281234567890")).isEqualTo("+6281234567890");
        assertThat(SessionStates.phoneNumber("+6281234567890")).isEqualTo("+6281234567890");
        assertThat(SessionStates.phoneNumber(" +62 812-3456-7890 ")).isEqualTo("+6281234567890");
        // Not a phone's address: kept as sent rather than turned into a wrong number
        assertThat(SessionStates.phoneNumber("120363025246125888@g.us")).isEqualTo("120363025246125888@g.us");
        assertThat(SessionStates.phoneNumber("178412369084556:3@lid")).isEqualTo("178412369084556:3@lid");
        assertThat(SessionStates.phoneNumber("unknown")).isEqualTo("unknown");
        assertThat(SessionStates.phoneNumber("")).isNull();
        assertThat(SessionStates.phoneNumber(null)).isNull();
    }

    @Test
    void statusWordsInAnyCaseMapToOneState() {
        assertThat(SessionStates.ofStatus("CONNECTED")).isEqualTo("connected");
        assertThat(SessionStates.ofStatus("QR_REQUIRED")).isEqualTo("qr_required");
        assertThat(SessionStates.ofStatus("qr-ready")).isEqualTo("qr_required");
        assertThat(SessionStates.ofStatus("INIT")).isEqualTo("created");
        assertThat(SessionStates.ofStatus("Logged Out")).isEqualTo("logged_out");
        assertThat(SessionStates.ofStatus("warming-up")).isNull();
        assertThat(SessionStates.ofEvent("session_logged_out")).isEqualTo("logged_out");
        assertThat(SessionStates.ofEvent("session_auto_disconnected")).isEqualTo("disconnected");
        assertThat(SessionStates.ofEvent("session_status_changed")).isNull();
        assertThat(SessionStates.isSessionEvent("session_status_changed")).isTrue();
        assertThat(SessionStates.isSessionEvent("message_sent")).isFalse();
        assertThat(SessionStates.isSessionEvent("custom_thing")).isFalse();
    }
}
