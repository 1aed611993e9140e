/**
 * Column codecs of the TSDB: chunks of one series' samples, timestamps and values in separate column
 * streams, each with its own codec. The byte layout is specified in storage/docs/format/chunk.md.
 *
 * <h2>Use</h2>
 * <ul>
 *   <li>{@link io.sightline.storage.chunk.HeadChunk}: the open chunk of a head series; O(1), allocation-free
 *       appends; readable while open; {@code encodeTo} copies it out as a chunk.</li>
 *   <li>{@link io.sightline.storage.chunk.ChunkEncoder}: seals samples into the smallest codec
 *       (re-encode head chunks with it when they are cut, and block chunks at compaction).</li>
 *   <li>{@link io.sightline.storage.chunk.ChunkIterator}: a reusable
 *       {@link io.sightline.storage.SampleIterator} over a chunk in a byte[], a mapped
 *       {@link java.lang.foreign.MemorySegment} or a head chunk; also exposes the decoded arrays.</li>
 *   <li>{@link io.sightline.storage.chunk.ChunkBuffer}: the growable output buffer encoders append to.</li>
 * </ul>
 *
 * <h2>Key files</h2>
 * <table>
 *   <caption>Package-private parts</caption>
 *   <tr><td>BitWriter, Bits, ByteCursor</td><td>bit output with O(1) appends; bit input by absolute
 *       position from a padded array; header bytes and varints</td></tr>
 *   <tr><td>DodBuckets, XorWriter</td><td>the appendable codes of head chunks</td></tr>
 *   <tr><td>PackedLayout</td><td>per-chunk fitted packing (fixed, two or three buckets, Rice) of residuals</td></tr>
 *   <tr><td>DecimalConverter</td><td>values to scaled longs with one exponent, verified bit for bit</td></tr>
 *   <tr><td>ColumnDecoder</td><td>one bulk decode loop per column encoding</td></tr>
 * </table>
 *
 * <h2>Gotchas</h2>
 * <ul>
 *   <li>Values are compared and encoded as raw bits ({@code doubleToRawLongBits}), never with {@code ==}:
 *       NaN payloads and the stale marker must survive, and {@code -0.0 == 0.0}.</li>
 *   <li>{@code BitWriter} relies on all bytes past the written bits being zero; {@code reset} re-zeroes.</li>
 *   <li>Bit reads load 8 bytes at once: decoders read only from the iterator's scratch copy, which is
 *       padded by {@code Bits.PADDING_BYTES}; every decode loop checks the column end per sample.</li>
 *   <li>A chunk may hold many samples in few bytes (regular timestamps and constant values cost 0 bits), so
 *       the sample count is bounded by {@link io.sightline.storage.chunk.ChunkFormat#MAX_SAMPLES}, not by
 *       the length.</li>
 *   <li>Timestamp arithmetic wraps on purpose (spans past {@code Long.MAX_VALUE}); the decoder inverts it.</li>
 * </ul>
 */
package io.sightline.storage.chunk;
