package io.sightline.alerting.rule;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;

/** Expands {@code rule_files} globs ({@code rules/*.yml}, {@code /etc/sightline/**}{@code /*.rules}) to sorted files. */
public final class RuleFiles {
    private RuleFiles() {
    }

    public static List<Path> expand(List<String> patterns) {
        TreeSet<Path> out = new TreeSet<>();
        for (String p : patterns) {
            int firstGlob = indexOfGlob(p);
            if (firstGlob < 0) {
                Path f = Path.of(p);
                if (Files.isRegularFile(f)) {
                    out.add(f);
                }
                continue;
            }
            int slash = p.lastIndexOf('/', firstGlob);
            Path base = Path.of(slash < 0 ? "." : slash == 0 ? "/" : p.substring(0, slash));
            if (!Files.isDirectory(base)) {
                continue;
            }
            String rest = slash < 0 ? p : p.substring(slash + 1);
            PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + rest);
            int depth = rest.contains("**") ? Integer.MAX_VALUE : rest.split("/").length;
            try (Stream<Path> s = Files.walk(base, depth)) {
                s.filter(Files::isRegularFile).filter(f -> m.matches(base.relativize(f))).forEach(out::add);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list rule files matching " + p + ": " + e.getMessage(), e);
            }
        }
        return new ArrayList<>(out);
    }

    private static int indexOfGlob(String p) {
        for (int i = 0; i < p.length(); i++) {
            if ("*?[{".indexOf(p.charAt(i)) >= 0) {
                return i;
            }
        }
        return -1;
    }
}
