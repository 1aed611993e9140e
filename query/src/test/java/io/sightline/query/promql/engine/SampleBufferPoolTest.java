package io.sightline.query.promql.engine;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SampleBufferPoolTest {
    @Test
    void reusesAReleasedBuffer() {
        SampleBufferPool pool = new SampleBufferPool(2, 1 << 20);
        SampleBufferPool.Buffer b = pool.acquire();
        b.grow(10_000);
        pool.release(b);

        assertThat(pool.acquire()).isSameAs(b);
    }

    @Test
    void keepsNoMoreIdleBuffersThanItsCapacityAndNoOversizedOne() {
        SampleBufferPool pool = new SampleBufferPool(1, 8_192);
        SampleBufferPool.Buffer a = pool.acquire();
        SampleBufferPool.Buffer b = pool.acquire();
        SampleBufferPool.Buffer big = pool.acquire();
        big.grow(100_000);

        pool.release(big);
        pool.release(a);
        pool.release(b);

        assertThat(pool.acquire()).isSameAs(a);
        assertThat(pool.acquire()).isNotSameAs(b).isNotSameAs(big);
    }

    @Test
    void handsOutTheLargestIdleBufferSoABigSelectorNeedNotGrowAgain() {
        SampleBufferPool pool = new SampleBufferPool(3, 1 << 20);
        SampleBufferPool.Buffer small = pool.acquire();
        SampleBufferPool.Buffer big = pool.acquire();
        SampleBufferPool.Buffer middle = pool.acquire();
        big.grow(200_000);
        middle.grow(50_000);
        pool.release(small);
        pool.release(big);
        pool.release(middle);

        assertThat(pool.acquire()).isSameAs(big);
        assertThat(pool.acquire()).isSameAs(middle);
        assertThat(pool.acquire()).isSameAs(small);
    }

    @Test
    void aFullPoolKeepsTheLargerBuffers() {
        SampleBufferPool pool = new SampleBufferPool(1, 1 << 20);
        SampleBufferPool.Buffer small = pool.acquire();
        SampleBufferPool.Buffer big = pool.acquire();
        big.grow(100_000);
        pool.release(small);
        pool.release(big);

        assertThat(pool.acquire()).isSameAs(big);
    }
}
