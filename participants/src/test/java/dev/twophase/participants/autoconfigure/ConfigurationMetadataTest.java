package dev.twophase.participants.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The configuration metadata that spring-boot-configuration-processor writes into the coordinator's and the
 * participants' jars documents every {@code twophase.*} key, so that IDEs complete and explain them. For the
 * map-valued {@code twophase.participants.jdbc} and {@code .jms}, the metadata describes the map property itself. Descriptions come from the @param javadoc of the
 * properties records, so they are written as plain text.
 */
class ConfigurationMetadataTest {

    @Test
    void everyTwophasePropertyHasADescription() throws Exception {
        Map<String, String> descriptions = new LinkedHashMap<>();
        List<URL> files = Collections.list(getClass().getClassLoader().getResources("META-INF/spring-configuration-metadata.json"));
        ObjectMapper json = new ObjectMapper();
        for (URL file : files) {
            try (InputStream in = file.openStream()) {
                for (JsonNode property : json.readTree(in).path("properties")) {
                    String name = property.path("name").asText();
                    if (name.startsWith("twophase.")) {
                        descriptions.put(name, property.path("description").asText(""));
                    }
                }
            }
        }

        assertThat(descriptions).containsKeys("twophase.participants.jdbc", "twophase.participants.jms",
                "twophase.coordinator.enabled", "twophase.coordinator.tm-name", "twophase.coordinator.log-dir", "twophase.coordinator.recovery-participants",
                "twophase.console.enabled", "twophase.faults.enabled");
        List<String> undocumented = new ArrayList<>();
        descriptions.forEach((name, description) -> {
            if (description.isBlank()) {
                undocumented.add(name);
            }
        });
        assertThat(undocumented).as("twophase.* properties without a description").isEmpty();
        // IDEs show the text as it is: javadoc tags would appear verbatim.
        assertThat(descriptions).allSatisfy((name, description) -> assertThat(description).as(name).doesNotContain("{@"));
    }
}
