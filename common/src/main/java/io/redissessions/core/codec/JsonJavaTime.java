package io.redissessions.core.codec;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;

import java.io.IOException;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.MonthDay;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.Period;
import java.time.Year;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.function.Function;

/**
 * java.time value types as their ISO-8601 {@code toString()} form, so that they round-trip
 * without the jackson-datatype-jsr310 module (which Jackson otherwise demands for them).
 */
final class JsonJavaTime {

    private JsonJavaTime() {
    }

    static SimpleModule module() {
        SimpleModule module = new SimpleModule("redis-sessions-java-time");
        add(module, Instant.class, Instant::parse);
        add(module, LocalDate.class, LocalDate::parse);
        add(module, LocalTime.class, LocalTime::parse);
        add(module, LocalDateTime.class, LocalDateTime::parse);
        add(module, OffsetDateTime.class, OffsetDateTime::parse);
        add(module, OffsetTime.class, OffsetTime::parse);
        add(module, ZonedDateTime.class, ZonedDateTime::parse);
        add(module, Duration.class, Duration::parse);
        add(module, Period.class, Period::parse);
        add(module, Year.class, Year::parse);
        add(module, YearMonth.class, YearMonth::parse);
        add(module, MonthDay.class, MonthDay::parse);
        add(module, ZoneOffset.class, ZoneOffset::of);
        return module;
    }

    private static <T> void add(SimpleModule module, Class<T> type, Function<String, T> parser) {
        module.addSerializer(type, ToStringSerializer.instance);
        module.addDeserializer(type, new Parsing<>(type, parser));
    }

    /** Reads one java.time type from its ISO-8601 string. */
    private static final class Parsing<T> extends StdScalarDeserializer<T> {
        private static final long serialVersionUID = 1L;

        private final transient Function<String, T> parser;

        Parsing(Class<T> type, Function<String, T> parser) {
            super(type);
            this.parser = parser;
        }

        @Override
        @SuppressWarnings("unchecked")
        public T deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (p.currentToken() != JsonToken.VALUE_STRING) {
                return (T) ctxt.handleUnexpectedToken(handledType(), p);
            }
            String text = p.getText();
            try {
                return parser.apply(text);
            } catch (DateTimeException e) {
                return (T) ctxt.handleWeirdStringValue(handledType(), text, "not ISO-8601: %s", e.getMessage());
            }
        }
    }
}
