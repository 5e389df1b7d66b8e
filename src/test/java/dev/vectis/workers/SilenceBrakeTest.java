package dev.vectis.workers;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class SilenceBrakeTest {

    private static final long HOLD = Duration.ofMinutes(5).toMillis();
    private final SilenceBrake brake = new SilenceBrake(Duration.ofMillis(HOLD));

    @Test
    void aFewQuietWorkersAreMarkedAsUsual() {
        SilenceBrake.Verdict v = brake.judge(10, 5, 1_000);
        assertThat(v.hold()).as("exactly half is not more than half").isFalse();
        assertThat(v.alert()).isNull();
        assertThat(brake.engaged()).isFalse();
    }

    @Test
    void smallFleetsAreNotJudged() {
        assertThat(brake.judge(3, 3, 1_000).hold()).isFalse();
        assertThat(brake.judge(SilenceBrake.MIN_FLEET, 3, 1_000).hold()).isTrue();
    }

    @Test
    void moreThanHalfQuietHoldsWithOneAlertUntilHeartbeatsResume() {
        SilenceBrake.Verdict first = brake.judge(8, 7, 1_000);
        assertThat(first.hold()).isTrue();
        assertThat(first.alert().began()).isTrue();
        assertThat(first.alert().type()).isEqualTo("fleet.silence");
        assertThat(first.alert().data()).containsEntry("online", 8).containsEntry("quiet", 7)
                .containsEntry("since", 1_000L);

        SilenceBrake.Verdict still = brake.judge(8, 8, 60_000);
        assertThat(still.hold()).isTrue();
        assertThat(still.alert()).as("one alert per episode").isNull();

        SilenceBrake.Verdict back = brake.judge(8, 1, 90_000);
        assertThat(back.hold()).isFalse();
        assertThat(back.alert().began()).isFalse();
        assertThat(back.alert().type()).isEqualTo("fleet.silence.ended");
        assertThat(back.alert().reason()).isEqualTo(SilenceBrake.RESUMED);
        assertThat(back.alert().since()).isEqualTo(1_000);
        assertThat(brake.engaged()).isFalse();
        assertThat(brake.judge(8, 1, 91_000).alert()).isNull();
    }

    @Test
    void theHoldIsBoundedAndAfterItTheSilentAreMarkedWithoutANewAlert() {
        assertThat(brake.judge(6, 6, 0).hold()).isTrue();
        assertThat(brake.judge(6, 6, HOLD - 1).hold()).isTrue();

        SilenceBrake.Verdict passed = brake.judge(6, 6, HOLD);
        assertThat(passed.hold()).isFalse();
        assertThat(passed.alert().reason()).isEqualTo(SilenceBrake.HOLD_PASSED);
        SilenceBrake.Verdict after = brake.judge(6, 6, HOLD + 1_000);
        assertThat(after.hold()).isFalse();
        assertThat(after.alert()).isNull();

        // Once the fleet is heard again, a new silence is a new episode.
        assertThat(brake.judge(2, 0, HOLD + 2_000).alert()).isNull();
        assertThat(brake.engaged()).isFalse();
        assertThat(brake.judge(6, 5, HOLD + 3_000).alert().began()).isTrue();
    }

    @Test
    void aZeroHoldTurnsTheBrakeOff() {
        SilenceBrake off = new SilenceBrake(Duration.ZERO);
        assertThat(off.judge(100, 100, 1_000).hold()).isFalse();
        assertThat(off.judge(100, 100, 1_000).alert()).isNull();
    }
}
