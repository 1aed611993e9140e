package io.sightline.bench.storage;

import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * What the chunk encode and decode benchmarks share, so their scores describe the same chunks: run settings (JMH
 * inherits class-level annotations and {@code @Param} fields), {@link #SERIES} chunks of {@link #SAMPLES_PER_CHUNK}
 * samples, and the data kind and jitter parameters. One operation is one sample.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
public abstract class ChunkBenchmark {
    static final int SERIES = 200;
    static final int SAMPLES_PER_CHUNK = 120;
    static final int TOTAL = SERIES * SAMPLES_PER_CHUNK;

    @Param({"COUNTER", "GAUGE", "HISTOGRAM", "FLOAT_GAUGE", "MIXED"})
    public String kind;

    @Param({"0"})
    public int jitterMillis;

    /** The trial's chunks: the same for the same parameters (fixed seed). */
    ChunkBenchmarkData generate() {
        return ChunkBenchmarkData.generate(kind, SERIES, SAMPLES_PER_CHUNK, jitterMillis, 42);
    }
}
