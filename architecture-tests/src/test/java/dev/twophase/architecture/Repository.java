package dev.twophase.architecture;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.junit.LocationProvider;

/**
 * The repository the rules check: its root (the system property {@code twophase.root}, set by
 * this module's pom) and the compiled classes of the applications, which are not on the test class
 * path (see the pom).
 */
final class Repository {

    /** Applications whose classes must exist: a rule about them must never pass on nothing. */
    static final List<String> REQUIRED_APPLICATIONS = List.of("bank-transfer-demo", "benchmarks");

    /** Folder of the sample applications; each one's classes are checked when it has been compiled. */
    static final String SAMPLES = "samples";

    private Repository() {
    }

    static Path root() {
        String root = System.getProperty("twophase.root");
        if (root == null || root.isBlank()) {
            throw new IllegalStateException("System property twophase.root is not set: run these tests through Maven"
                    + " (./mvnw -B -pl architecture-tests -am test), whose pom sets it to the repository root,"
                    + " or pass -Dtwophase.root=<repository root> to the test JVM.");
        }
        return Path.of(root).toAbsolutePath().normalize();
    }

    /** The applications' {@code target/classes}, for {@code @AnalyzeClasses(locations = ...)}. */
    static final class ApplicationClasses implements LocationProvider {

        @Override
        public Set<Location> get(Class<?> testClass) {
            Path root = root();
            Set<Location> locations = new LinkedHashSet<>();
            for (String application : REQUIRED_APPLICATIONS) {
                Path classes = root.resolve(application).resolve("target/classes");
                if (!Files.isDirectory(classes.resolve("dev/twophase"))) {
                    throw new IllegalStateException(classes + " has no compiled classes: compile " + application
                            + " in the same build (./mvnw -B -pl architecture-tests -am test).");
                }
                locations.add(Location.of(classes));
            }
            Path samples = root.resolve(SAMPLES);
            if (Files.isDirectory(samples)) {
                try (Stream<Path> sampleDirs = Files.list(samples)) {
                    sampleDirs.map(sample -> sample.resolve("target/classes")).filter(Files::isDirectory)
                            .forEach(classes -> locations.add(Location.of(classes)));
                } catch (IOException e) {
                    throw new IllegalStateException("Cannot list " + samples, e);
                }
            }
            return locations;
        }
    }
}
