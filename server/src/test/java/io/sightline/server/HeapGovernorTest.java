package io.sightline.server;

import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** When the heap governor asks for a full collection, and for which collectors. */
class HeapGovernorTest {
    private static final long MIB = 1L << 20;

    @Test
    void governsTheOldGenerationsOfParallelAndSerialOnly() {
        assertThat(HeapGovernor.governs("PS Old Gen")).isTrue();
        assertThat(HeapGovernor.governs("Tenured Gen")).isTrue();
        assertThat(HeapGovernor.governs("G1 Old Gen")).isFalse();
        assertThat(HeapGovernor.governs("ZGC Old Generation")).isFalse();
        assertThat(HeapGovernor.governs("Shenandoah")).isFalse();
        assertThat(HeapGovernor.governs("PS Eden Space")).isFalse();
    }

    @Test
    void anOldGenerationOneAndAHalfTimesItsLiveDataPlusTheSlackIsOvergrown() {
        long live = 940 * MIB;
        long trigger = (long) (live * 1.5) + 128 * MIB;
        assertThat(HeapGovernor.overgrown(trigger, live)).isFalse();
        assertThat(HeapGovernor.overgrown(trigger + 1, live)).isTrue();
        assertThat(HeapGovernor.overgrown(2030 * MIB, live)).isTrue();
    }

    @Test
    void aSmallHeapIsNeverCollectedForAFewMebibytes() {
        assertThat(HeapGovernor.overgrown(158 * MIB, 20 * MIB)).isFalse();
        assertThat(HeapGovernor.overgrown(159 * MIB, 20 * MIB)).isTrue();
    }

    @Test
    void anIdleHeapIsCollectedOnceEightMebibytesWerePromotedSinceTheLastFullCollection() {
        assertThat(HeapGovernor.worthCollectingWhenIdle(108 * MIB, 100 * MIB)).isFalse();
        assertThat(HeapGovernor.worthCollectingWhenIdle(109 * MIB, 100 * MIB)).isTrue();
    }

    @Test
    void aBusyProcessMaySpendATwentiethOfItsCpuOnRequestedCollections() {
        long second = TimeUnit.SECONDS.toNanos(1);
        assertThat(HeapGovernor.mayCollect(60 * second, 39 * second, 2 * second, 2, false)).isFalse();
        assertThat(HeapGovernor.mayCollect(60 * second, 40 * second, 2 * second, 2, false)).isTrue();
    }

    @Test
    void anIdleProcessMaySpendATwentiethOfTheMachineAndNoCollectionFollowsAnotherWithinFiveSeconds() {
        long second = TimeUnit.SECONDS.toNanos(1);
        assertThat(HeapGovernor.mayCollect(19 * second, second, 2 * second, 2, true)).isFalse();
        assertThat(HeapGovernor.mayCollect(20 * second, second, 2 * second, 2, true)).isTrue();
        assertThat(HeapGovernor.mayCollect(20 * second, second, 2 * second, 2, false)).isFalse();
        assertThat(HeapGovernor.mayCollect(4 * second, 100 * second, 0, 2, true)).isFalse();
        assertThat(HeapGovernor.mayCollect(5 * second, 0, 0, 2, true)).isTrue();
    }
}
