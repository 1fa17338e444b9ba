package dev.twophase.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * Every package says its role in a {@code package-info.java} with a javadoc paragraph
 * (CONVENTIONS 13), read from the sources: a package-info without annotations compiles to no
 * class, so the classes cannot tell.
 *
 * <p>The packages are those of each module's main code ({@code src/main/java}); a module that has
 * only test code (the fault-injection suite, these tests) is checked on {@code src/test/java}.
 */
class PackageInfoTest {

    private static final Set<String> NOT_MODULES = Set.of("target", "node_modules", ".git", ".mvn", "src", "docs", "sql",
            "scripts", "docker");

    @Test
    void everyPackageHasAPackageInfoThatDescribesItsRole() throws IOException {
        Path root = Repository.root();
        Set<String> missing = new TreeSet<>();
        Set<String> undocumented = new TreeSet<>();
        for (Path dir : packageDirectories(root)) {
            Path packageInfo = dir.resolve("package-info.java");
            if (!hasJavaTypes(dir)) {
                continue;
            }
            if (!Files.exists(packageInfo)) {
                missing.add(root.relativize(dir).toString());
            } else if (!describesThePackage(Files.readString(packageInfo))) {
                undocumented.add(root.relativize(dir).toString());
            }
        }

        assertThat(missing).as("packages without package-info.java (add one: a javadoc paragraph saying the package's"
                + " role and what it may touch)").isEmpty();
        assertThat(undocumented).as("package-info.java without a javadoc comment before the package declaration")
                .isEmpty();
    }

    @Test
    void noPackageInfoOutlivesItsPackage() throws IOException {
        Path root = Repository.root();
        Set<String> orphaned = new TreeSet<>();
        for (Path dir : packageDirectories(root)) {
            if (Files.exists(dir.resolve("package-info.java")) && !hasJavaTypes(dir)) {
                orphaned.add(root.relativize(dir).toString());
            }
        }

        assertThat(orphaned).as("package-info.java of a package that has no other type any more (delete it with the"
                + " package)").isEmpty();
    }

    /** Every directory under the source folders of every module. */
    private static List<Path> packageDirectories(Path root) throws IOException {
        List<Path> sourceRoots = sourceRoots(root);
        assertThat(sourceRoots).as("source folders found under %s", root)
                .anySatisfy(p -> assertThat(p.toString()).contains("coordinator"));
        List<Path> dirs = new ArrayList<>();
        for (Path sources : sourceRoots) {
            try (Stream<Path> walk = Files.walk(sources)) {
                walk.filter(Files::isDirectory).forEach(dirs::add);
            }
        }
        return dirs;
    }

    /** Each module's src/main/java, or its src/test/java when it has no main code. */
    private static List<Path> sourceRoots(Path root) throws IOException {
        List<Path> roots = new ArrayList<>();
        // Depth 3: the root pom, a module (coordinator/pom.xml), a sample (samples/orders-app/pom.xml).
        try (Stream<Path> poms = Files.walk(root, 3)) {
            for (Path pom : (Iterable<Path>) poms.filter(p -> p.getFileName().toString().equals("pom.xml"))
                    .filter(p -> !isExcluded(root.relativize(p)))::iterator) {
                Path module = pom.getParent();
                Path main = module.resolve("src/main/java");
                Path test = module.resolve("src/test/java");
                if (Files.isDirectory(main)) {
                    roots.add(main);
                } else if (Files.isDirectory(test)) {
                    roots.add(test);
                }
            }
        }
        roots.sort(null);
        return roots;
    }

    private static boolean isExcluded(Path relative) {
        for (Path part : relative) {
            if (NOT_MODULES.contains(part.toString())) {
                return true;
            }
        }
        return false;
    }

    private static boolean hasJavaTypes(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString())
                    .anyMatch(name -> name.endsWith(".java") && !name.equals("package-info.java"));
        }
    }

    /** A javadoc comment with some text, before the package declaration. */
    private static boolean describesThePackage(String source) {
        int javadoc = source.indexOf("/**");
        int declaration = source.indexOf("\npackage ");
        if (javadoc < 0 || declaration < 0 || javadoc > declaration) {
            return false;
        }
        int end = source.indexOf("*/", javadoc);
        return end > 0 && !source.substring(javadoc + 3, end).replace('*', ' ').isBlank();
    }
}
