package io.sightline.storage.index;

import io.sightline.storage.io.DefaultFileFacade;
import io.sightline.storage.io.TaggedAllocator;
import io.sightline.storage.model.Labels;
import net.openhft.chronicle.hash.VanillaGlobalMutableState;
import net.openhft.chronicle.values.ValueModel;
import net.openhft.chronicle.values.Values;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Chronicle Map's one generated value class ships precompiled in Sightline's source, so that opening a map
 * compiles nothing at run time (see the comment in {@code VanillaGlobalMutableState$$Native.java}).
 */
class ChronicleClassesTest {
    private static final Path SOURCE = Path.of("src/main/java/net/openhft/chronicle/hash/VanillaGlobalMutableState$$Native.java");

    @TempDir
    Path dir;

    @Test
    void openingTheRegistryUsesThePrecompiledValueClass() {
        try (ChronicleSeriesIndex index = ChronicleSeriesIndex.open(dir, 1_000, new TaggedAllocator(DefaultFileFacade.INSTANCE))) {
            assertThat(index.getOrCreate(Labels.of("__name__", "up"))).isEqualTo(1);
        }
        Class<?> used = Values.nativeClassFor(VanillaGlobalMutableState.class);
        // A class compiled at run time is defined without a code source; ours comes from the same place as this module.
        assertThat(used.getProtectionDomain().getCodeSource()).isNotNull();
        assertThat(used.getProtectionDomain().getCodeSource().getLocation())
                .isEqualTo(ChronicleSeriesIndex.class.getProtectionDomain().getCodeSource().getLocation());
    }

    @Test
    void precompiledValueClassIsWhatTheLibraryGeneratesToday() throws Exception {
        ValueModel model = ValueModel.acquire(VanillaGlobalMutableState.class);
        Method simpleName = ValueModel.class.getDeclaredMethod("simpleName");
        simpleName.setAccessible(true);
        Method generate = Class.forName("net.openhft.chronicle.values.Generators")
                .getDeclaredMethod("generateNativeClass", ValueModel.class, String.class);
        generate.setAccessible(true);
        String generated = (String) generate.invoke(null, model, simpleName.invoke(model) + "$$Native");

        assertThat(committedCode()).isEqualTo(generated);
    }

    /** The committed file from its package line on (above it: our comment). */
    private static String committedCode() throws IOException {
        String text = Files.readString(SOURCE);
        return text.substring(text.indexOf("package "));
    }
}
