package io.redissessions.bench.jmh;

import io.redissessions.core.codec.ClassAllowList;
import io.redissessions.core.codec.ValueCodec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Encode and decode of typical attribute values with both codecs, through {@link ValueCodec} as
 * the store uses it (header byte, allow-list check, no compression, no signing).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CodecBenchmark {

    @Param({"json", "java"})
    public String codec;

    @Param({"counter", "string", "text1k", "instant", "list", "map", "bean", "beans"})
    public String value;

    private ValueCodec valueCodec;
    private Object object;
    private byte[] encoded;
    private ClassLoader loader;

    @Setup
    public void setUp() {
        valueCodec = new ValueCodec(codec, ClassAllowList.parse("allowedClasses", TypicalValues.ALLOWED), 0, null);
        object = TypicalValues.value(value);
        encoded = valueCodec.encode("a", object);
        loader = CodecBenchmark.class.getClassLoader();
    }

    @Benchmark
    public byte[] encode() {
        return valueCodec.encode("a", object);
    }

    @Benchmark
    public Object decode() {
        return valueCodec.decode("a", encoded, loader);
    }
}
