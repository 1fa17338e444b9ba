package dev.twophase.samples.orders;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/** The README's "Use twophase in your own application" shows this sample's real configuration and service. */
class ReadmeSnippetTest {

    /** Surefire runs in the module's directory. */
    private static final Path ROOT = Path.of("../..");

    @Test
    void theReadmesApplicationYmlIsTheSamplesTwophaseSection() throws IOException {
        String yml = Files.readString(Path.of("src/main/resources/application.yml"));
        String twophase = yml.substring(yml.indexOf("twophase:"), yml.indexOf("\nspring:")).strip();
        assertThat(snippet("application.yml", "yaml")).isEqualTo(twophase);
    }

    @Test
    void theReadmesServiceIsTheSamplesTransactionalMethod() throws IOException {
        String service = Files.readString(Path.of("src/main/java/dev/twophase/samples/orders/OrderService.java"));
        String readme = snippet("service", "java");
        String method = readme.substring(readme.indexOf("    @Transactional"), readme.lastIndexOf("    }") + 5);
        assertThat(service).contains(method);
        assertThat(service).contains(readme.substring(0, readme.indexOf("    /** All three")).strip());
    }

    private static String snippet(String name, String language) throws IOException {
        String readme = Files.readString(ROOT.resolve("README.md"));
        int begin = readme.indexOf("<!-- sample:begin " + name);
        int code = readme.indexOf("```" + language + "\n", begin) + language.length() + 4;
        return readme.substring(code, readme.indexOf("```", code)).strip();
    }
}
