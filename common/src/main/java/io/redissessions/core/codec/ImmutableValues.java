package io.redissessions.core.codec;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.temporal.TemporalAccessor;
import java.util.Set;
import java.util.UUID;

/**
 * Values that cannot change in place. A save re-encodes the attributes a request read to find
 * the ones changed in place ({@code ((List) session.getAttribute("cart")).add(x)}); for these
 * values that work is skipped, since their bytes cannot have changed.
 */
public final class ImmutableValues {

    private static final Set<Class<?>> EXACT = Set.of(String.class, Boolean.class, Character.class, Byte.class,
            Short.class, Integer.class, Long.class, Float.class, Double.class, BigInteger.class, BigDecimal.class,
            UUID.class);

    private ImmutableValues() {
    }

    /** True for strings, boxed primitives, BigInteger/BigDecimal, UUID, enums and java.time values. */
    public static boolean isImmutable(Object value) {
        if (value == null) {
            return true;
        }
        Class<?> c = value.getClass();
        return EXACT.contains(c) || value instanceof Enum<?>
                || value instanceof TemporalAccessor && c.getName().startsWith("java.time.")
                || value instanceof java.time.Duration || value instanceof java.time.Period;
    }
}
