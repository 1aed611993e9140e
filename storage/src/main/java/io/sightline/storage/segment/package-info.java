/**
 * What the log and trace stores share about their segments: directory names ({@link SegmentNames}), the
 * published segment list with its load, retention delete and release ({@link SegmentList}), the cycle of the
 * head into segments and out by retention, with the store's locks ({@link SegmentLifecycle}), the store's job
 * thread ({@link StoreJobs}), a mapped, checked, reference-counted segment file ({@link SegmentFile}) and
 * the steps of writing one ({@link SegmentDirs}). The formats themselves, the heads and each store's own steps
 * of a cut stay in {@code storage.logs} and {@code storage.traces}.
 *
 * <p>Not for use outside {@code storage}: public only because the two store packages are siblings.
 */
package io.sightline.storage.segment;
