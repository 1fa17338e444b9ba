package dev.twophase.demo.likes;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/**
 * Settings of the like flow, under {@code twophase.likes}.
 *
 * @param dailyQuota how many likes one user may give per UTC day (at least 1); an unlike does not give one back
 */
@ConfigurationProperties("twophase.likes")
public record LikeProperties(@DefaultValue("50") int dailyQuota) {

    public LikeProperties {
        if (dailyQuota < 1) {
            throw new InvalidConfigurationPropertyValueException("twophase.likes.daily-quota", dailyQuota,
                    "a user needs at least one like per day; set twophase.likes.daily-quota to 1 or more");
        }
    }
}
