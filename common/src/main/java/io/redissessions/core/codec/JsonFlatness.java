package io.redissessions.core.codec;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;

import java.io.IOException;
import java.util.Set;

/**
 * Tells from a JSON payload whether it is a flat value (see {@link DecodeProof}): a natural
 * scalar, or one typed value ({@code ["class", ...]}) whose object, array or scalar holds only
 * scalars, each either natural or typed with a JDK scalar class ({@code ["java.lang.Long", 5]}),
 * and no number longer than Jackson reads. Reading tokens only, without building anything, this
 * costs a fraction of a decode.
 */
final class JsonFlatness {

    private static final JsonFactory FACTORY = new JsonFactory();
    private static final int MAX_NUMBER_LENGTH = StreamReadConstraints.DEFAULT_MAX_NUM_LEN;

    private static final Set<String> TYPED_SCALARS = Set.of("java.lang.Long", "java.lang.Short", "java.lang.Byte",
            "java.lang.Float", "java.lang.Character", "java.math.BigDecimal", "java.math.BigInteger",
            "java.util.Date", "java.util.UUID", "java.util.Locale", "java.time.Instant", "java.time.LocalDate",
            "java.time.LocalTime", "java.time.LocalDateTime", "java.time.OffsetDateTime", "java.time.OffsetTime",
            "java.time.ZonedDateTime", "java.time.Duration", "java.time.Period", "java.time.Year",
            "java.time.YearMonth", "java.time.MonthDay", "java.time.ZoneOffset", "java.time.DayOfWeek",
            "java.time.Month");

    private JsonFlatness() {
    }

    static boolean isFlat(byte[] payload) {
        try (JsonParser p = FACTORY.createParser(payload)) {
            JsonToken t = p.nextToken();
            if (t != JsonToken.START_ARRAY) {
                return scalar(p, t) && p.nextToken() == null;
            }
            if (p.nextTextValue() == null) {
                return false;
            }
            t = p.nextToken();
            if (t == JsonToken.START_OBJECT) {
                while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                    if (!flatMember(p, p.nextToken())) {
                        return false;
                    }
                }
                if (t != JsonToken.END_OBJECT) {
                    return false;
                }
            } else if (t == JsonToken.START_ARRAY) {
                while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                    if (!flatMember(p, t)) {
                        return false;
                    }
                }
            } else if (!scalar(p, t)) {
                return false;
            }
            return p.nextToken() == JsonToken.END_ARRAY && p.nextToken() == null;
        } catch (IOException | RuntimeException e) {
            return false; // not for us to judge: the decode will say what is wrong
        }
    }

    private static boolean flatMember(JsonParser p, JsonToken t) throws IOException {
        if (t != JsonToken.START_ARRAY) {
            return scalar(p, t);
        }
        String typeId = p.nextTextValue();
        return typeId != null && TYPED_SCALARS.contains(typeId) && scalar(p, p.nextToken())
                && p.nextToken() == JsonToken.END_ARRAY;
    }

    private static boolean scalar(JsonParser p, JsonToken t) throws IOException {
        if (t == null || !t.isScalarValue()) {
            return false;
        }
        return !t.isNumeric() || p.getTextLength() <= MAX_NUMBER_LENGTH;
    }
}
