package dev.twophase.demo.likes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

class DailyQuotaTest {

    @Test
    void theQuotaDayIsTheUtcDateWhateverTheClockZone() {
        Clock lateInTokyo = Clock.fixed(Instant.parse("2025-03-01T23:30:00Z"), ZoneId.of("Asia/Tokyo"));

        assertThat(DailyQuota.today(lateInTokyo)).isEqualTo(LocalDate.of(2025, 3, 1));
    }

    @Test
    void exhaustedQuotaSaysTheLimitAndWhenItResets() {
        LikeRejectedException e = DailyQuota.exhausted("u-1", LocalDate.of(2025, 12, 31), 50);

        assertThat(e.reason()).isEqualTo(LikeRejectedException.Reason.QUOTA_EXHAUSTED);
        assertThat(e.reason().status().value()).isEqualTo(429);
        assertThat(e.getMessage()).contains("all 50 likes").contains("2025-12-31 (UTC)").contains("resets at 2026-01-01T00:00:00Z");
    }

    @Test
    void aQuotaBelowOneFailsNamingTheProperty() {
        assertThatThrownBy(() -> new LikeProperties(0)).isInstanceOf(InvalidConfigurationPropertyValueException.class)
                .hasMessageContaining("twophase.likes.daily-quota");
        assertThat(new LikeProperties(1).dailyQuota()).isEqualTo(1);
    }
}
