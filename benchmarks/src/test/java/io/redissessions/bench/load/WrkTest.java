package io.redissessions.bench.load;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WrkTest {

    @Test
    void readsTheResultLineOfTheScript() {
        Wrk.Result r = Wrk.parse("Running 5s test @ http://127.0.0.1:1/app/ro\n"
                + "WRK_RESULT requests=1000 duration_us=5000000 status=3 connect=0 read=1 write=0 timeout=2 p50_us=1500 p99_us=9000 max_us=12000\n");
        assertThat(r.requests()).isEqualTo(1000);
        assertThat(r.perSecond()).isEqualTo(200.0);
        assertThat(r.non2xx()).isEqualTo(3);
        assertThat(r.socketErrors()).isEqualTo(1);
        assertThat(r.timeouts()).isEqualTo(2);
        assertThat(r.p99Micros()).isEqualTo(9000.0);
    }

    @Test
    void outputWithoutTheResultLineIsAnError() {
        assertThatThrownBy(() -> Wrk.parse("unable to connect")).hasMessageContaining("no WRK_RESULT");
    }
}
