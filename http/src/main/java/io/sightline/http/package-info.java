/**
 * The HTTP/1.1 protocol plumbing that Sightline's two Netty servers share: ingest's OTLP/HTTP server and query's
 * HTTP API server (which also takes Prometheus remote write). Not for public use: only those two servers use it,
 * and what differs between them (config key names in wording, how a refusal is rendered and counted) stays in
 * them and is passed in. Depends on Netty and SLF4J only, so that ingest and query share it without seeing each
 * other.
 */
package io.sightline.http;
