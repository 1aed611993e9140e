package io.sightline.query.api;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WorkerPoolTest {
    private static final int THREADS = 4;
    private static final int QUEUE = 2;
    /** Only a guard against a hung test: every wait below ends as soon as the pool does its part. */
    private static final long GUARD_SECONDS = 60;

    private final WorkerPool pool = new WorkerPool(THREADS, QUEUE, 60_000, Thread.ofPlatform().daemon().factory());

    @AfterEach
    void stop() throws InterruptedException {
        pool.shutdownNow();
        assertThat(pool.awaitTermination(GUARD_SECONDS, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void tasksOneAfterAnotherReuseOneThread() throws Exception {
        for (int i = 0; i < 20; i++) {
            CountDownLatch done = new CountDownLatch(1);
            pool.execute(done::countDown);
            assertThat(done.await(GUARD_SECONDS, TimeUnit.SECONDS)).isTrue();
            awaitIdle();
        }

        assertThat(pool.getLargestPoolSize()).isEqualTo(1);
    }

    @Test
    void concurrentFirstTasksEachGetAThreadUpToTheMaximum() throws Exception {
        CountDownLatch allRunning = new CountDownLatch(THREADS);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> submitters = new ArrayList<>();
        for (int i = 0; i < THREADS; i++) {
            submitters.add(Thread.ofPlatform().start(() -> {
                await(go);
                pool.execute(() -> {
                    allRunning.countDown();
                    await(release);
                });
            }));
        }
        go.countDown();
        for (Thread t : submitters) {
            t.join();
        }

        // Every task runs at once: none waits in the queue behind a busy thread while the pool may still grow.
        assertThat(allRunning.await(GUARD_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(pool.getPoolSize()).isEqualTo(THREADS);
        release.countDown();
    }

    @Test
    void tasksPastTheBusyThreadsQueueThenRunAndPastTheQueueAreRefused() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger ran = new AtomicInteger();
        CountDownLatch allDone = new CountDownLatch(THREADS + QUEUE);
        for (int i = 0; i < THREADS + QUEUE; i++) {
            pool.execute(() -> {
                await(release);
                ran.incrementAndGet();
                allDone.countDown();
            });
        }

        assertThat(pool.getPoolSize()).isEqualTo(THREADS);
        assertThat(pool.getQueue()).hasSize(QUEUE);
        assertThatThrownBy(() -> pool.execute(() -> { })).isInstanceOf(RejectedExecutionException.class);

        release.countDown();
        assertThat(allDone.await(GUARD_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(ran).hasValue(THREADS + QUEUE);
        assertThat(pool.getLargestPoolSize()).isEqualTo(THREADS);
    }

    @Test
    void aShutDownPoolRefusesTasks() {
        pool.shutdown();

        assertThatThrownBy(() -> pool.execute(() -> { })).isInstanceOf(RejectedExecutionException.class);
    }

    /** Waits until the last task's thread is back waiting for work (afterExecute has run). */
    private void awaitIdle() throws InterruptedException {
        while (pool.getActiveCount() > 0) {
            Thread.sleep(1);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
