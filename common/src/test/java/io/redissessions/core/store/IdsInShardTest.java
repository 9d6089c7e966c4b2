package io.redissessions.core.store;

import org.junit.jupiter.api.Test;

import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IdsInShardTest {

    private static String randomId() {
        return UUID.randomUUID().toString().replace("-", "").toUpperCase();
    }

    @Test
    void makesAnIdInEveryShard() {
        for (int shard = 0; shard < SessionKeys.SHARDS; shard++) {
            assertThat(SessionKeys.shardOf(IdsInShard.generate(IdsInShardTest::randomId, shard))).isEqualTo(shard);
        }
    }

    @Test
    void theStoredIdDecidesTheShardAndTheGeneratedIdIsReturnedAsGenerated() {
        String id = IdsInShard.generate(() -> randomId() + ".node7", s -> s.substring(0, s.lastIndexOf('.')), 5);
        assertThat(id).endsWith(".node7");
        assertThat(SessionKeys.shardOf(id.substring(0, id.lastIndexOf('.')))).isEqualTo(5);
    }

    @Test
    void generatorThatIsNotRandomIsReportedAfterBoundedTries() {
        String constant = "CONSTANT";
        int otherShard = (SessionKeys.shardOf(constant) + 1) % SessionKeys.SHARDS;
        AtomicInteger calls = new AtomicInteger();
        assertThatThrownBy(() -> IdsInShard.generate(() -> {
            calls.incrementAndGet();
            return constant;
        }, otherShard)).isInstanceOf(IllegalStateException.class).hasMessageContaining("shard " + otherShard);
        assertThat(calls.get()).isEqualTo(IdsInShard.MAX_ATTEMPTS);
    }

    @Test
    void shardOutsideTheFormatIsRefused() {
        assertThatThrownBy(() -> IdsInShard.generate(IdsInShardTest::randomId, SessionKeys.SHARDS))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
