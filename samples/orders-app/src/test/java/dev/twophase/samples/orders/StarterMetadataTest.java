package dev.twophase.samples.orders;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.URL;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * What an IDE sees in an application whose only twophase dependency is the starter: configuration
 * metadata for every {@code twophase.*} key, each with a description. The metadata is generated from
 * the properties' javadoc into the coordinator and participants jars that the starter brings, as in
 * Spring Boot's own starters.
 */
class StarterMetadataTest {

    @Test
    void everyTwophaseKeyOnTheStartersClassPathHasADescription() throws Exception {
        Map<String, String> descriptions = new LinkedHashMap<>();
        ObjectMapper json = new ObjectMapper();
        for (URL url : Collections.list(getClass().getClassLoader().getResources("META-INF/spring-configuration-metadata.json"))) {
            try (InputStream in = url.openStream()) {
                for (JsonNode property : json.readTree(in).path("properties")) {
                    String name = property.path("name").asText();
                    if (name.startsWith("twophase.")) {
                        descriptions.put(name, property.path("description").asText(""));
                    }
                }
            }
        }
        assertThat(descriptions).containsKeys("twophase.coordinator.tm-name", "twophase.coordinator.log-dir",
                "twophase.coordinator.recovery-participants", "twophase.participants.jdbc", "twophase.participants.jms",
                "twophase.console.remote.enabled", "twophase.faults.enabled", "twophase.faults.arm");
        assertThat(descriptions).allSatisfy((name, description) -> assertThat(description).as(name).isNotBlank());
    }
}
