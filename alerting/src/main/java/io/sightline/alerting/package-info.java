/**
 * Sightline's alerting, the only package other modules may use: {@link io.sightline.alerting.AlertingService}
 * (Prometheus rule evaluation plus an in-process Alertmanager) and {@link io.sightline.alerting.AlertingConfig}.
 * Sub-packages are internal: {@code rule} (files, groups, evaluation), {@code state} (alert lifecycle),
 * {@code template} (Go template subset), {@code notify} (routing, dedup, outbox, delivery) with one sub-package per
 * receiver type, and {@code api} (HTTP handlers). See {@code alerting/DESIGN.md}.
 */
package io.sightline.alerting;
