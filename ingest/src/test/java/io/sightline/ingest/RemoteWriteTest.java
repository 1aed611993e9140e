package io.sightline.ingest;

import io.sightline.storage.model.Labels;
import io.sightline.storage.model.MetricMetadata;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static io.sightline.ingest.RemoteWritePayload.labels;
import static org.assertj.core.api.Assertions.assertThat;

/** Prometheus remote write 1.0 through {@link IngestService#handleRemoteWrite} into real storage. */
class RemoteWriteTest extends AbstractRemoteWriteTest {
    private static final long T0 = (System.currentTimeMillis() / 60_000) * 60_000 - 600_000;

    private OtlpHttpReply send(byte[] snappyBody) {
        return fixture.service.handleRemoteWrite(PROTOBUF, "snappy", snappyBody);
    }

    private static String text(OtlpHttpReply r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    @Test
    void handBuiltWriteRequestIsStoredWithSortedLabelsAndMetadataAndAnswered204() throws Exception {
        start(IngestFixture.localConfig());
        byte[] body = new RemoteWritePayload()
                .series(labels("job", "api", "__name__", "http_requests_total", "code", "200"), T0, 1, T0 + 15_000, 5)
                .series(labels("__name__", "temperature_celsius", "room", "lab"), T0, 21.5)
                .metadata(1, "http_requests_total", "Requests served.", "")
                .snappy();

        OtlpHttpReply r = send(body);

        assertThat(r.status()).as(text(r)).isEqualTo(204);
        assertThat(r.body()).isEmpty();
        assertThat(StoredSeries.values(fixture.storage, "__name__", "http_requests_total", "code", "200", "job", "api"))
                .containsExactly(1.0, 5.0);
        assertThat(StoredSeries.values(fixture.storage, "__name__", "temperature_celsius", "room", "lab")).containsExactly(21.5);
        assertThat(fixture.storage.metadata("http_requests_total", 10).get("http_requests_total"))
                .containsExactly(new MetricMetadata("counter", "Requests served.", ""));
        assertThat(fixture.counter("sightline_ingest_samples_accepted_total", null)).isEqualTo(3);
        assertThat(fixture.counter("sightline_ingest_requests_total", "204")).isEqualTo(1);
    }

    @Test
    void seriesResentInLaterRequestsAppendToTheSameStoredSeries() throws Exception {
        start(IngestFixture.localConfig());
        String[] series = labels("__name__", "up", "instance", "a:9100");
        for (int round = 0; round < 3; round++) {
            OtlpHttpReply r = send(new RemoteWritePayload().series(series, T0 + round * 15_000L, round).snappy());
            assertThat(r.status()).as(text(r)).isEqualTo(204);
        }
        // the same series with its labels in another order on the wire is still the same series
        assertThat(send(new RemoteWritePayload().series(labels("instance", "a:9100", "__name__", "up"), T0 + 45_000, 3)
                .snappy()).status()).isEqualTo(204);

        assertThat(StoredSeries.all(fixture.storage)).containsOnlyKeys(Labels.of("__name__", "up", "instance", "a:9100"));
        assertThat(StoredSeries.values(fixture.storage, "__name__", "up", "instance", "a:9100")).containsExactly(0.0, 1.0, 2.0, 3.0);
    }

    @Test
    void seriesSentInAnotherOrderOrWithAChangedNeighbourEachLandInTheirOwnSeries() throws Exception {
        start(IngestFixture.localConfig());
        String[] a = labels("__name__", "up", "instance", "a:9100");
        String[] b = labels("__name__", "up", "instance", "b:9100");
        String[] c = labels("__name__", "up", "instance", "c:9100");
        // a is followed by b twice (the cache learns b as a's follower), then by c, then the order flips
        assertThat(send(new RemoteWritePayload().series(a, T0, 1).series(b, T0, 10).snappy()).status()).isEqualTo(204);
        assertThat(send(new RemoteWritePayload().series(a, T0 + 15_000, 2).series(b, T0 + 15_000, 20).snappy()).status())
                .isEqualTo(204);
        assertThat(send(new RemoteWritePayload().series(a, T0 + 30_000, 3).series(c, T0 + 30_000, 300).snappy()).status())
                .isEqualTo(204);
        assertThat(send(new RemoteWritePayload().series(b, T0 + 45_000, 40).series(a, T0 + 45_000, 4).snappy()).status())
                .isEqualTo(204);

        assertThat(StoredSeries.values(fixture.storage, "__name__", "up", "instance", "a:9100")).containsExactly(1.0, 2.0, 3.0, 4.0);
        assertThat(StoredSeries.values(fixture.storage, "__name__", "up", "instance", "b:9100")).containsExactly(10.0, 20.0, 40.0);
        assertThat(StoredSeries.values(fixture.storage, "__name__", "up", "instance", "c:9100")).containsExactly(300.0);
    }

    @Test
    void manySeriesWithAnInvalidOneAndARepeatedOneAreStoredInOrderAcrossRequests() throws Exception {
        start(IngestFixture.localConfig());
        // 70 series: more than one group of appends the decoder hints to storage at a time (32)
        for (int round = 0; round < 2; round++) {
            long t = T0 + round * 15_000L;
            RemoteWritePayload p = new RemoteWritePayload();
            for (int i = 0; i < 70; i++) {
                p.series(i == 40 ? labels("instance", "i40") : labels("__name__", "up", "instance", "i" + i), t, i + round);
            }
            p.series(labels("__name__", "up", "instance", "i0"), t + 1_000, 1000 + round); // i0 again, later sample

            OtlpHttpReply r = send(p.snappy());

            assertThat(r.status()).isEqualTo(400);
            assertThat(text(r)).contains("1 samples rejected").contains("without a metric name").contains("i40");
        }
        assertThat(StoredSeries.all(fixture.storage)).hasSize(69);
        assertThat(StoredSeries.values(fixture.storage, "__name__", "up", "instance", "i0")).containsExactly(0.0, 1000.0, 1.0, 1001.0);
        assertThat(StoredSeries.values(fixture.storage, "__name__", "up", "instance", "i39")).containsExactly(39.0, 40.0);
        assertThat(StoredSeries.values(fixture.storage, "__name__", "up", "instance", "i69")).containsExactly(69.0, 70.0);
        assertThat(fixture.counter("sightline_ingest_samples_accepted_total", null)).isEqualTo(2 * 70);
    }

    @Test
    void bodyThatIsNotSnappyIsAnswered400AndNothingIsStored() throws Exception {
        start(IngestFixture.localConfig());
        byte[] raw = new RemoteWritePayload().series(labels("__name__", "up"), T0, 1).protobuf();

        OtlpHttpReply r = send(raw);
        OtlpHttpReply garbage = send(new byte[]{(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f, 1, 2, 3});

        assertThat(r.status()).isEqualTo(400);
        assertThat(text(r)).contains("not snappy");
        assertThat(garbage.status()).isIn(400, 413);
        assertThat(StoredSeries.all(fixture.storage)).isEmpty();
    }

    @Test
    void snappyOfBrokenProtobufIsAnswered400AndNothingOfTheRequestIsStored() throws Exception {
        start(IngestFixture.localConfig());
        byte[] good = new RemoteWritePayload().series(labels("__name__", "up"), T0, 1).protobuf();
        // a second TimeSeries whose length runs past the end of the body
        byte[] broken = Arrays.copyOf(good, good.length + 3);
        broken[good.length] = 0x0A;
        broken[good.length + 1] = 0x7F;
        broken[good.length + 2] = 0x12;

        OtlpHttpReply r = send(RemoteWritePayload.compress(broken));

        assertThat(r.status()).isEqualTo(400);
        assertThat(text(r)).startsWith("cannot decode protobuf WriteRequest");
        assertThat(StoredSeries.all(fixture.storage)).isEmpty();
    }

    @Test
    void outOfOrderSampleIsAnswered400NamingItWhileTheOtherSamplesAreStored() throws Exception {
        start(IngestFixture.localConfig());
        String[] late = labels("__name__", "late_metric");
        assertThat(send(new RemoteWritePayload().series(late, T0 + 60_000, 1).snappy()).status()).isEqualTo(204);

        OtlpHttpReply r = send(new RemoteWritePayload()
                .series(late, T0, 0)
                .series(labels("__name__", "fine_metric"), T0, 7)
                .snappy());

        assertThat(r.status()).isEqualTo(400);
        assertThat(text(r)).contains("1 samples rejected").contains("late_metric").contains("out_of");
        assertThat(StoredSeries.values(fixture.storage, "__name__", "fine_metric")).containsExactly(7.0);
        assertThat(StoredSeries.values(fixture.storage, "__name__", "late_metric")).containsExactly(1.0);
        assertThat(fixture.counter("sightline_ingest_samples_rejected_total", null)).isEqualTo(1);
    }

    @Test
    void seriesBeyondLabelLimitsOrWithInvalidLabelsAreRejectedByNameAndTheRestIsStored() throws Exception {
        start(IngestFixture.localConfig().withLimits(1 << 20, 4, 16, 32));
        OtlpHttpReply tooMany = send(new RemoteWritePayload()
                .series(labels("__name__", "m", "a", "1", "b", "2", "c", "3", "d", "4"), T0, 1)
                .series(labels("__name__", "kept"), T0, 1).snappy());
        OtlpHttpReply longValue = send(new RemoteWritePayload()
                .series(labels("__name__", "m", "path", "x".repeat(33)), T0, 1).snappy());
        OtlpHttpReply longName = send(new RemoteWritePayload()
                .series(labels("__name__", "m", "n".repeat(17), "v"), T0, 1).snappy());
        OtlpHttpReply noName = send(new RemoteWritePayload().series(labels("job", "x"), T0, 1).snappy());
        OtlpHttpReply duplicate = send(new RemoteWritePayload().series(labels("__name__", "m", "a", "1", "a", "2"), T0, 1).snappy());
        OtlpHttpReply emptyName = send(new RemoteWritePayload().series(labels("__name__", "m", "", "2"), T0, 1).snappy());

        assertThat(tooMany.status()).isEqualTo(400);
        assertThat(text(tooMany)).contains("5 labels").contains("ingest.max_labels_per_series=4");
        assertThat(text(longValue)).contains("path").contains("33 characters").contains("ingest.max_label_value_length=32");
        assertThat(text(longName)).contains("ingest.max_label_name_length=16");
        assertThat(text(noName)).contains("without a metric name");
        assertThat(text(duplicate)).contains("duplicate label name a");
        assertThat(text(emptyName)).contains("empty label name");
        assertThat(List.of(longValue, longName, noName, duplicate, emptyName)).extracting(OtlpHttpReply::status)
                .containsOnly(400);
        assertThat(StoredSeries.all(fixture.storage).keySet()).containsExactly(Labels.of("__name__", "kept"));
        assertThat(fixture.counter("sightline_ingest_samples_rejected_total", "too_many_labels")).isEqualTo(1);
    }

    @Test
    void sampleTooFarInTheFutureAndNativeHistogramsAreRejectedWithAReason() throws Exception {
        start(IngestFixture.localConfig());
        long future = System.currentTimeMillis() + IngestConfig.DEFAULT_MAX_FUTURE_SKEW_MILLIS + 600_000;
        OtlpHttpReply ahead = send(new RemoteWritePayload().series(labels("__name__", "ahead"), future, 1, T0, 2).snappy());
        OtlpHttpReply histogram = send(new RemoteWritePayload().series(labels("__name__", "native"), 2).snappy());

        assertThat(ahead.status()).isEqualTo(400);
        assertThat(text(ahead)).contains("timestamp " + future).contains("ingest.max_future_skew");
        assertThat(StoredSeries.values(fixture.storage, "__name__", "ahead")).containsExactly(2.0);
        assertThat(histogram.status()).isEqualTo(400);
        assertThat(text(histogram)).contains("2 samples rejected").contains("native histogram");
    }

    @Test
    void bodiesPastMaxRequestBytesAreAnswered413BeforeDecompressing() throws Exception {
        start(IngestFixture.localConfig().withLimits(4096, 64, 256, 4096));
        RemoteWritePayload big = new RemoteWritePayload();
        for (int i = 0; i < 200; i++) {
            big.series(labels("__name__", "m", "i", Integer.toString(i)), T0, i);
        }
        byte[] body = big.snappy();
        assertThat(body.length).isLessThan(4096); // compresses below the limit, decompresses past it

        OtlpHttpReply r = send(body);

        assertThat(r.status()).isEqualTo(413);
        assertThat(text(r)).contains("4096 bytes (ingest.max_request_bytes)");
        assertThat(StoredSeries.all(fixture.storage)).isEmpty();
    }

    @Test
    void bodiesCopiedByTheServerIntoAReusedBufferAreStoredAndOversizedOnesAreNeverCopied() throws Exception {
        start(IngestFixture.localConfig().withLimits(4096, 64, 256, 4096));
        List<Integer> copies = new java.util.ArrayList<>();
        for (int round = 0; round < 3; round++) {
            // growing bodies: the thread's buffer is reused, then grown; the bytes past the body are never read
            RemoteWritePayload payload = new RemoteWritePayload();
            for (int i = 0; i <= round * 20; i++) {
                payload.series(labels("__name__", "m", "i", Integer.toString(i)), T0 + round * 15_000L, round);
            }
            byte[] body = payload.snappy();
            OtlpHttpReply r = fixture.service.handleRemoteWrite(PROTOBUF, "snappy", body.length, (dst, offset) -> {
                copies.add(body.length);
                Arrays.fill(dst, (byte) 0x7f); // what a previous, longer request may have left there
                System.arraycopy(body, 0, dst, offset, body.length);
            });
            assertThat(r.status()).as(text(r)).isEqualTo(204);
        }
        assertThat(StoredSeries.values(fixture.storage, "__name__", "m", "i", "0")).containsExactly(0.0, 1.0, 2.0);
        assertThat(StoredSeries.values(fixture.storage, "__name__", "m", "i", "40")).containsExactly(2.0);

        OtlpHttpReply tooLarge = fixture.service.handleRemoteWrite(PROTOBUF, "snappy", 4097, (dst, offset) -> {
            throw new AssertionError("an oversized body must not be copied");
        });

        assertThat(tooLarge.status()).isEqualTo(413);
        assertThat(text(tooLarge)).isEqualTo("request body of 4097 bytes exceeds 4096 bytes (ingest.max_request_bytes)\n");
        assertThat(copies).hasSize(3);
    }

    @Test
    void otherContentTypesEncodingsAndRemoteWrite2AreAnswered415() throws Exception {
        start(IngestFixture.localConfig());
        byte[] body = new RemoteWritePayload().series(labels("__name__", "up"), T0, 1).snappy();

        OtlpHttpReply json = fixture.service.handleRemoteWrite("application/json", "snappy", body);
        OtlpHttpReply gzip = fixture.service.handleRemoteWrite(PROTOBUF, "gzip", body);
        OtlpHttpReply v2 = fixture.service.handleRemoteWrite(PROTOBUF + ";proto=io.prometheus.write.v2.Request", "snappy", body);
        OtlpHttpReply v1Explicit = fixture.service.handleRemoteWrite(PROTOBUF + "; proto=prometheus.WriteRequest", null, body);

        assertThat(List.of(json, gzip, v2)).extracting(OtlpHttpReply::status).containsOnly(415);
        assertThat(text(v2)).contains("io.prometheus.write.v2.Request").contains("remote write 1.0");
        assertThat(v1Explicit.status()).isEqualTo(204);
    }

    @Test
    void concurrentRequestsEachDecodeWithTheirOwnBuffersAndLaterOnesReuseThem() throws Exception {
        start(IngestFixture.localConfig());
        int threads = 4;
        int rounds = 30;
        List<Thread> senders = new java.util.ArrayList<>();
        List<String> problems = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        for (int t = 0; t < threads; t++) {
            String sender = "s" + t;
            senders.add(Thread.ofPlatform().start(() -> {
                for (int round = 0; round < rounds; round++) {
                    RemoteWritePayload payload = new RemoteWritePayload();
                    // a different size per sender and round, so a shared buffer would mix bodies
                    for (int i = 0; i < 5 + (round * 7 + sender.hashCode()) % 40; i++) {
                        payload.series(labels("__name__", "m", "sender", sender, "i", Integer.toString(i)),
                                T0 + round * 15_000L, round);
                    }
                    byte[] body = payload.snappy();
                    OtlpHttpReply r = fixture.service.handleRemoteWrite(PROTOBUF, "snappy", body.length,
                            (dst, offset) -> System.arraycopy(body, 0, dst, offset, body.length));
                    if (r.status() != 204) {
                        problems.add(sender + " round " + round + ": " + r.status() + " " + text(r));
                    }
                }
            }));
        }
        for (Thread t : senders) {
            t.join();
        }

        assertThat(problems).isEmpty();
        for (int t = 0; t < threads; t++) {
            List<Double> expected = new java.util.ArrayList<>();
            for (int round = 0; round < rounds; round++) {
                expected.add((double) round);
            }
            assertThat(StoredSeries.values(fixture.storage, "__name__", "m", "sender", "s" + t, "i", "0"))
                    .containsExactlyElementsOf(expected);
        }
    }

    @Test
    void overloadIsAnswered429WithRetryAfter() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        fixture = new IngestFixture(dataDir, IngestFixture.localConfig().withConcurrency(1, 1),
                real -> OtlpHttpTest.holding(real, entered, release));
        HttpClient client = HttpClient.newHttpClient();
        CompletableFuture<HttpResponse<byte[]>> first = client.sendAsync(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + fixture.service.httpPort() + "/v1/metrics"))
                .header("Content-Type", PROTOBUF).POST(HttpRequest.BodyPublishers.ofByteArray(
                        Requests.counter("a", 1).toByteArray())).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(entered.await(30, TimeUnit.SECONDS)).isTrue();

        OtlpHttpReply r = send(new RemoteWritePayload().series(labels("__name__", "up"), T0, 1).snappy());
        release.countDown();

        assertThat(r.status()).isEqualTo(429);
        assertThat(r.headers()).containsEntry("Retry-After", "1");
        assertThat(first.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        assertThat(fixture.counter("sightline_ingest_requests_total", "429")).isEqualTo(1);
    }
}
