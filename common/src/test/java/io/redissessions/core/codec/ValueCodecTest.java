package io.redissessions.core.codec;

import io.redissessions.core.ConfigurationException;
import io.redissessions.core.SessionStoreConfig;
import io.redissessions.core.codec.fixtures.Item;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

class ValueCodecTest {

    private static final ClassLoader LOADER = ValueCodecTest.class.getClassLoader();
    private static final ClassAllowList ALLOW = ClassAllowList.parse("allowedClasses", "io.redissessions.core.codec.fixtures.*");
    private static final byte[] KEY = "0123456789abcdef-a-long-test-key".getBytes(StandardCharsets.UTF_8);
    private static final Item ITEM = new Item("pen", 2, new BigDecimal("1.25"));

    private static final SignatureScope SCOPE = new SignatureScope("rs:", "shop", "SESSION-1");

    /** A codec that reads both codecs. */
    private static ValueCodec codec(String name, int threshold, byte[] key) {
        return new ValueCodec(name, "json,java", ALLOW, threshold, new Signatures(key, false));
    }

    private static byte[] withHeader(int version, char codecId, int flags, byte[] payload) {
        byte[] stored = new byte[3 + payload.length];
        stored[0] = (byte) version;
        stored[1] = (byte) codecId;
        stored[2] = (byte) flags;
        System.arraycopy(payload, 0, stored, 3, payload.length);
        return stored;
    }

    @Test
    void encodedValuesStartWithVersionCodecIdAndFlags() {
        assertThat(Arrays.copyOf(codec("json", 0, null).encode(SCOPE, "a", ITEM), 3)).containsExactly(1, 'J', 0);
        assertThat(Arrays.copyOf(codec("java", 0, null).encode(SCOPE, "a", ITEM), 3)).containsExactly(1, 'S', 0);
        assertThat(codec("JSON", 0, null).codecName()).isEqualTo("json");
    }

    @Test
    void eachCodecReadsValuesWrittenByTheOther() {
        ValueCodec json = codec("json", 0, null);
        ValueCodec java = codec("java", 0, null);
        assertThat(json.decode(SCOPE, "a", java.encode(SCOPE, "a", ITEM), LOADER)).isEqualTo(ITEM);
        assertThat(java.decode(SCOPE, "a", json.encode(SCOPE, "a", ITEM), LOADER)).isEqualTo(ITEM);
    }

    @Test
    void payloadsAtOrAboveTheThresholdAreCompressedAndRoundTrip() {
        ValueCodec codec = codec("json", 100, null);
        String large = "a".repeat(5000);

        byte[] small = codec.encode(SCOPE, "a", "short");
        byte[] big = codec.encode(SCOPE, "a", large);

        assertThat(small[2] & ValueCodec.FLAG_COMPRESSED).isZero();
        assertThat(big[2] & ValueCodec.FLAG_COMPRESSED).isEqualTo(ValueCodec.FLAG_COMPRESSED);
        assertThat(big.length).isLessThan(500);
        assertThat(codec.decode(SCOPE, "a", big, LOADER)).isEqualTo(large);
        assertThat(codec("java", 100, null).decode(SCOPE, "a", codec("java", 100, null).encode(SCOPE, "a", large), LOADER))
                .isEqualTo(large);
    }

    @Test
    void thresholdZeroNeverCompresses() {
        byte[] stored = codec("json", 0, null).encode(SCOPE, "a", "a".repeat(5000));
        assertThat(stored[2] & ValueCodec.FLAG_COMPRESSED).isZero();
    }

    @Test
    void signedValuesCarryTheFlagAndSignatureAndRoundTrip() {
        ValueCodec codec = codec("json", 10, KEY);
        byte[] unsignedForm = codec("json", 10, null).encode(SCOPE, "a", ITEM);

        byte[] stored = codec.encode(SCOPE, "a", ITEM);

        assertThat(stored[2]).isEqualTo((byte) (ValueCodec.FLAG_SIGNED | ValueCodec.FLAG_BOUND | ValueCodec.FLAG_COMPRESSED));
        assertThat(stored).hasSize(unsignedForm.length + ValueCodec.SIGNATURE_BYTES);
        assertThat(codec.decode(SCOPE, "a", stored, LOADER)).isEqualTo(ITEM);
    }

    @Test
    void anyTamperedByteOfASignedValueIsRejected() {
        ValueCodec codec = codec("java", 0, KEY);
        byte[] stored = codec.encode(SCOPE, "a", ITEM);
        for (int i = 0; i < stored.length; i++) {
            byte[] tampered = stored.clone();
            tampered[i] ^= 0x01;
            assertThatThrownBy(() -> codec.decode(SCOPE, "a", tampered, LOADER))
                    .as("byte %d flipped", i)
                    .isInstanceOf(AttributeDecodingException.class);
        }
        byte[] payloadFlipped = stored.clone();
        payloadFlipped[10] ^= 0x40;
        assertThatThrownBy(() -> codec.decode(SCOPE, "cart", payloadFlipped, LOADER))
                .isInstanceOf(AttributeDecodingException.class)
                .hasMessageContaining("'cart'")
                .hasMessageContaining("signature");
    }

    @Test
    void valuesSignedWithAnotherKeyAreRejected() {
        byte[] otherKey = "another-key-of-sufficient-length".getBytes(StandardCharsets.UTF_8);
        byte[] stored = codec("json", 0, otherKey).encode(SCOPE, "a", ITEM);
        assertThatThrownBy(() -> codec("json", 0, KEY).decode(SCOPE, "a", stored, LOADER))
                .isInstanceOf(AttributeDecodingException.class)
                .hasMessageContaining("signature");
    }

    @Test
    void unsignedValuesAreRejectedWhenAKeyIsConfigured() {
        byte[] unsigned = codec("json", 0, null).encode(SCOPE, "a", ITEM);
        assertThatThrownBy(() -> codec("json", 0, KEY).decode(SCOPE, "user", unsigned, LOADER))
                .isInstanceOf(AttributeDecodingException.class)
                .hasMessageContaining("'user'")
                .hasMessageContaining("not signed");
    }

    @Test
    void signedValuesAreReadWithoutAKey() {
        byte[] signed = codec("json", 0, KEY).encode(SCOPE, "a", ITEM);
        assertThat(codec("json", 0, null).decode(SCOPE, "a", signed, LOADER)).isEqualTo(ITEM);
    }

    @Test
    void truncatedValuesAreRejected() {
        ValueCodec plain = codec("json", 0, null);
        ValueCodec signed = codec("json", 0, KEY);
        byte[] stored = signed.encode(SCOPE, "a", ITEM);
        assertThatThrownBy(() -> plain.decode(SCOPE, "a", new byte[0], LOADER))
                .isInstanceOf(AttributeDecodingException.class).hasMessageContaining("truncated");
        assertThatThrownBy(() -> plain.decode(SCOPE, "a", new byte[] {1, 'J'}, LOADER))
                .isInstanceOf(AttributeDecodingException.class).hasMessageContaining("truncated");
        assertThatThrownBy(() -> plain.decode(SCOPE, "a", new byte[] {1, 'J', 2, 0}, LOADER))
                .isInstanceOf(AttributeDecodingException.class).hasMessageContaining("truncated");
        assertThatThrownBy(() -> plain.decode(SCOPE, "a", null, LOADER))
                .isInstanceOf(AttributeDecodingException.class);
        for (int length = 0; length < stored.length; length++) {
            byte[] cut = Arrays.copyOf(stored, length);
            assertThatThrownBy(() -> signed.decode(SCOPE, "a", cut, LOADER)).isInstanceOf(AttributeDecodingException.class);
            assertThatThrownBy(() -> plain.decode(SCOPE, "a", cut, LOADER)).isInstanceOf(AttributeDecodingException.class);
        }
    }

    @Test
    void unknownVersionCodecIdOrFlagsAreRejected() {
        byte[] json = "\"x\"".getBytes(StandardCharsets.UTF_8);
        ValueCodec codec = codec("json", 0, null);
        assertThat(codec.decode(SCOPE, "a", withHeader(1, 'J', 0, json), LOADER)).isEqualTo("x");
        assertThatThrownBy(() -> codec.decode(SCOPE, "a", withHeader(2, 'J', 0, json), LOADER))
                .isInstanceOf(AttributeDecodingException.class).hasMessageContaining("format version 2");
        assertThatThrownBy(() -> codec.decode(SCOPE, "a", withHeader(1, 'X', 0, json), LOADER))
                .isInstanceOf(AttributeDecodingException.class).hasMessageContaining("codec id");
        assertThatThrownBy(() -> codec.decode(SCOPE, "a", withHeader(1, 'J', 4, json), LOADER))
                .isInstanceOf(AttributeDecodingException.class).hasMessageContaining("flags");
    }

    @Test
    void garbagePayloadsAreRejected() {
        ValueCodec codec = codec("json", 0, null);
        byte[] garbage = {(byte) 0xff, 0x00, 0x13, 0x37, '{', '['};
        assertThatThrownBy(() -> codec.decode(SCOPE, "a", withHeader(1, 'J', 0, garbage), LOADER))
                .isInstanceOf(AttributeDecodingException.class).hasMessageContaining("'a'");
        assertThatThrownBy(() -> codec.decode(SCOPE, "a", withHeader(1, 'S', 0, garbage), LOADER))
                .isInstanceOf(AttributeDecodingException.class).hasMessageContaining("'a'");
        assertThatThrownBy(() -> codec.decode(SCOPE, "a", withHeader(1, 'J', 1, garbage), LOADER))
                .isInstanceOf(AttributeDecodingException.class).hasMessageContaining("compressed");
    }

    @Test
    void compressedPayloadsThatInflateBeyondTheCapAreRejected() {
        byte[] bomb = Deflate.compress(new byte[ValueCodec.MAX_PAYLOAD_BYTES + 1]);
        assertThat(bomb.length).isLessThan(100_000);
        assertThatThrownBy(() -> codec("json", 0, null).decode(SCOPE, "a", withHeader(1, 'J', 1, bomb), LOADER))
                .isInstanceOf(AttributeDecodingException.class)
                .hasMessageContaining("more than " + ValueCodec.MAX_PAYLOAD_BYTES);
    }

    @Test
    void compressedPayloadsWithTrailingBytesAreRejected() {
        byte[] valid = Deflate.compress("\"x\"".getBytes(StandardCharsets.UTF_8));
        byte[] trailing = Arrays.copyOf(valid, valid.length + 2);
        ValueCodec codec = codec("json", 0, null);
        assertThat(codec.decode(SCOPE, "a", withHeader(1, 'J', 1, valid), LOADER)).isEqualTo("x");
        assertThatThrownBy(() -> codec.decode(SCOPE, "a", withHeader(1, 'J', 1, trailing), LOADER))
                .isInstanceOf(AttributeDecodingException.class).hasMessageContaining("after the end");
    }

    @Test
    void payloadsLargerThanTheCapFailToEncode() {
        String huge = "x".repeat(ValueCodec.MAX_PAYLOAD_BYTES);
        assertThatThrownBy(() -> codec("json", 1, null).encode("blob", huge))
                .isInstanceOf(AttributeEncodingException.class)
                .hasMessageContaining("'blob'")
                .hasMessageContaining(String.valueOf(ValueCodec.MAX_PAYLOAD_BYTES));
    }

    @Test
    void encodeErrorsOfTheConfiguredCodecPassThrough() {
        assertThatThrownBy(() -> codec("json", 0, null).encode("user", new Object()))
                .isInstanceOf(AttributeEncodingException.class).hasMessageContaining("allowedClasses");
        assertThatThrownBy(() -> codec("java", 0, null).encode("user", new Object()))
                .isInstanceOf(AttributeEncodingException.class).hasMessageContaining("Serializable");
    }

    @Test
    void corruptedValuesOnlyEverFailWithAttributeDecodingException() {
        Random random = new Random(20240229L);
        List<Object> values = List.of(ITEM, new ArrayList<>(List.of(1L, "two", ITEM)), Map.of("k", 3.5));
        for (String name : List.of("json", "java")) {
            for (int threshold : new int[] {0, 1}) {
                ValueCodec codec = codec(name, threshold, null);
                for (Object value : values) {
                    byte[] stored = codec.encode(SCOPE, "a", value);
                    for (int round = 0; round < 300; round++) {
                        byte[] mutated = stored.clone();
                        int flips = 1 + random.nextInt(3);
                        for (int f = 0; f < flips; f++) {
                            int at = 3 + random.nextInt(mutated.length - 3);
                            mutated[at] = (byte) random.nextInt(256);
                        }
                        Throwable t = catchThrowable(() -> codec.decode(SCOPE, "a", mutated, LOADER));
                        if (t != null) {
                            assertThat(t).as("%s/%d round %d", name, threshold, round)
                                    .isInstanceOf(AttributeDecodingException.class);
                        }
                    }
                }
            }
        }
    }

    @Test
    void oneInstanceServesManyThreadsAtOnce() throws Exception {
        for (String name : List.of("json", "java")) {
            ValueCodec codec = codec(name, 16, KEY);
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
            try {
                List<java.util.concurrent.Future<?>> futures = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    int seed = t;
                    futures.add(pool.submit(() -> {
                        for (int i = 0; i < 300; i++) {
                            Item item = new Item("n" + seed + "-" + i, i, BigDecimal.valueOf(i));
                            assertThat(codec.decode(SCOPE, "a", codec.encode(SCOPE, "a", item), LOADER)).isEqualTo(item);
                        }
                        return null;
                    }));
                }
                for (java.util.concurrent.Future<?> f : futures) {
                    f.get();
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void fromConfigUsesCodecAllowListThresholdAndKey() {
        SessionStoreConfig config = new SessionStoreConfig();
        config.setEnvironment(name -> null);
        config.setCodec("java");
        config.setAllowedClasses("io.redissessions.core.codec.fixtures.Item");
        config.setCompressionThresholdBytes(1);
        config.setSigningKey(new String(KEY, StandardCharsets.UTF_8));

        ValueCodec codec = ValueCodec.fromConfig(config);
        byte[] stored = codec.encode(SCOPE, "a", ITEM);

        assertThat(codec.codecName()).isEqualTo("java");
        assertThat(Arrays.copyOf(stored, 3)).containsExactly(1, 'S',
                ValueCodec.FLAG_COMPRESSED | ValueCodec.FLAG_SIGNED | ValueCodec.FLAG_BOUND);
        assertThat(codec.decode(SCOPE, "a", stored, LOADER)).isEqualTo(ITEM);
        assertThat(codec("java", 0, KEY).decode(SCOPE, "a", stored, LOADER)).isEqualTo(ITEM);
    }

    @Test
    void aCodecDecodesOnlyTheCodecsItReadsAndNamesTheSettingOtherwise() {
        ValueCodec jsonOnly = new ValueCodec("json", null, ALLOW, 0, Signatures.none());
        byte[] java = codec("java", 0, null).encode(SCOPE, "cart", ITEM);
        assertThat(jsonOnly.readCodecs()).containsExactly("json");
        assertThatThrownBy(() -> jsonOnly.decode(SCOPE, "cart", java, LOADER))
                .isInstanceOf(AttributeDecodingException.class)
                .hasMessageContaining("'cart'")
                .hasMessageContaining("readCodecs=json,java");
        assertThat(new ValueCodec("json", "JSON, java", ALLOW, 0, Signatures.none()).decode(SCOPE, "cart", java, LOADER))
                .isEqualTo(ITEM);
        assertThatThrownBy(() -> new ValueCodec("java", "json", ALLOW, 0, Signatures.none()))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("'readCodecs'");
        assertThatThrownBy(() -> new ValueCodec("json", "json,xml", ALLOW, 0, Signatures.none()))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("'readCodecs'");
    }

    @Test
    void aSignedValueVerifiesOnlyForItsFieldSessionAndNamespace() {
        ValueCodec codec = codec("json", 0, KEY);
        byte[] stored = codec.encode(SCOPE, "roles", ITEM);
        assertThat(codec.decode(SCOPE, "roles", stored, LOADER)).isEqualTo(ITEM);
        for (SignatureScope elsewhere : List.of(new SignatureScope("rs:", "shop", "SESSION-2"),
                new SignatureScope("rs:", "shop2", "SESSION-1"), new SignatureScope("other:", "shop", "SESSION-1"))) {
            assertThatThrownBy(() -> codec.decode(elsewhere, "roles", stored, LOADER))
                    .as("%s", elsewhere).isInstanceOf(AttributeDecodingException.class).hasMessageContaining("signature");
        }
        assertThatThrownBy(() -> codec.decode(SCOPE, "theme", stored, LOADER))
                .isInstanceOf(AttributeDecodingException.class).hasMessageContaining("signature");
    }

    @Test
    void valuesSignedTheEarlierWayAreReadOnlyWithLegacySignaturesAcceptAndCanBeSignedAnew() throws Exception {
        byte[] envelope = codec("json", 0, null).encode(SCOPE, "a", ITEM);
        byte[] legacy = Arrays.copyOf(envelope, envelope.length + 32);
        legacy[2] |= ValueCodec.FLAG_SIGNED;
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(KEY, "HmacSHA256"));
        mac.update(legacy, 0, envelope.length);
        System.arraycopy(mac.doFinal(), 0, legacy, envelope.length, 32);
        ValueCodec strict = codec("json", 0, KEY);
        ValueCodec upgrading = new ValueCodec("json", null, ALLOW, 0, new Signatures(KEY, true));

        assertThat(ValueCodec.isLegacySigned(legacy)).isTrue();
        assertThatThrownBy(() -> strict.decode(SCOPE, "a", legacy, LOADER))
                .isInstanceOf(AttributeDecodingException.class).hasMessageContaining("legacySignatures=accept");
        assertThat(upgrading.decode(SCOPE, "a", legacy, LOADER)).isEqualTo(ITEM);
        byte[] resigned = upgrading.resign(SCOPE, "a", legacy);
        assertThat(ValueCodec.isLegacySigned(resigned)).isFalse();
        assertThat(strict.decode(SCOPE, "a", resigned, LOADER)).isEqualTo(ITEM);
        byte[] tampered = legacy.clone();
        tampered[5] ^= 1;
        assertThatThrownBy(() -> upgrading.decode(SCOPE, "a", tampered, LOADER))
                .isInstanceOf(AttributeDecodingException.class).hasMessageContaining("signature");
    }

    @Test
    void extrasAreSignedForTheirPlaceWithAKeyAndPlainTextWithout() {
        ExtraCodec plain = new ExtraCodec(Signatures.none());
        ExtraCodec signed = new ExtraCodec(new Signatures(KEY, false));
        ExtraCodec upgrading = new ExtraCodec(new Signatures(KEY, true));
        String principal = "{\"name\":\"alice\",\"roles\":[\"user\"]}";

        byte[] text = plain.encode(SCOPE, "principal", principal);
        assertThat(new String(text, StandardCharsets.UTF_8)).isEqualTo(principal);
        byte[] stored = signed.encode(SCOPE, "principal", principal);
        assertThat(Arrays.copyOf(stored, 3)).containsExactly(1, 'X', ValueCodec.FLAG_SIGNED | ValueCodec.FLAG_BOUND);
        assertThat(signed.decode(SCOPE, "principal", stored)).isEqualTo(principal);
        assertThat(plain.decode(SCOPE, "principal", stored)).as("a node without a key").isEqualTo(principal);
        assertThatThrownBy(() -> signed.decode(SCOPE, "authType", stored)).isInstanceOf(AttributeDecodingException.class);
        assertThatThrownBy(() -> signed.decode(new SignatureScope("rs:", "shop", "SESSION-2"), "principal", stored))
                .isInstanceOf(AttributeDecodingException.class);
        assertThatThrownBy(() -> signed.decode(SCOPE, "principal", text))
                .isInstanceOf(AttributeDecodingException.class).hasMessageContaining("not signed");
        assertThat(upgrading.decode(SCOPE, "principal", text)).isEqualTo(principal);
        assertThat(upgrading.isLegacy(text)).isTrue();
        assertThat(signed.decode(SCOPE, "principal", upgrading.resign(SCOPE, "principal", text))).isEqualTo(principal);
    }

    @Test
    void unusableSettingsAreRejectedByName() {
        assertThatThrownBy(() -> codec("xml", 0, null))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("'codec'");
        assertThatThrownBy(() -> codec("json", -1, null))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("'compressionThresholdBytes'");
        assertThatThrownBy(() -> codec("json", 0, new byte[15]))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("'signingKey'");
    }
}
