package io.redissessions.core.codec;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class ImmutableValuesTest {

    enum Color { RED }

    @Test
    void valuesThatCannotChangeInPlaceAreImmutable() {
        for (Object v : new Object[] {"text", 1, 2L, 3.0, true, 'c', BigDecimal.ONE, UUID.randomUUID(), Color.RED,
                Instant.now(), LocalDate.now(), ZonedDateTime.now(), Duration.ofSeconds(1)}) {
            assertThat(ImmutableValues.isImmutable(v)).as(v.getClass().getName()).isTrue();
        }
    }

    @Test
    void valuesThatCanChangeInPlaceAreNot() {
        for (Object v : new Object[] {new ArrayList<>(), new HashMap<>(), new Date(), new int[1], new AtomicLong(),
                new StringBuilder(), new Object()}) {
            assertThat(ImmutableValues.isImmutable(v)).as(v.getClass().getName()).isFalse();
        }
    }
}
