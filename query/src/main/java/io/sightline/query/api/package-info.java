/**
 * The HTTP API server on 9090 and the Prometheus-compatible {@code /api/v1/*} endpoints. Not for use outside the
 * query module: other modules see {@link io.sightline.query.ApiServer}, {@link io.sightline.query.ApiConfig} and
 * {@link io.sightline.query.Route}.
 *
 * <h2>Key files</h2>
 * <ul>
 *   <li>{@code HttpApiServer}: Netty bootstrap (epoll or NIO), worker pool, graceful close.</li>
 *   <li>{@code Pipeline}: per-connection handlers; {@code ConnectionLimit} answers a connection too many with
 *       503; {@code Refusals} renders and counts what the shared {@code io.sightline.http} handlers refuse (the
 *       access gate's 401/429/431/414, the body limit's 413).</li>
 *   <li>{@code Dispatcher}: request to handler on the worker pool, one request per connection at a time,
 *       503 with Retry-After when the pool's queue is full; {@code Router} finds the endpoint.</li>
 *   <li>{@code PrometheusApi}: the endpoint table; {@code QueryEndpoints}, {@code SeriesEndpoints},
 *       {@code MetadataEndpoint}, {@code StatusEndpoints}, {@code ExpressionEndpoints} (format_query, parse_query)
 *       implement them; {@code Params}, {@code PromTime},
 *       {@code PromDuration}, {@code Parser.parseSelector} (for match[]) read parameters with Prometheus's error messages.</li>
 *   <li>{@code JsonOut}, {@code NumberText}, {@code ValueJson}, {@code Reply}: streamed JSON exactly as
 *       Prometheus writes it.</li>
 *   <li>{@code ProtocolSniffer}: HTTP/2 prior knowledge (the connection preface) or HTTP/1.1 by the first bytes;
 *       {@code Http2Pipeline} and {@code GrpcStreamHandler} serve gRPC on HTTP/2 (one stream per call, the same
 *       access policy, body limit and worker pool as HTTP); {@code GrpcServices} is the method table.</li>
 *   <li>Tempo: {@code TempoEndpoints} (HTTP), {@code TempoGrpc} ({@code tempopb.StreamingQuerier}),
 *       {@code TempoMetrics} (TraceQL metrics answers), {@code TempoProto}/{@code ProtoWriter} (tempopb messages by
 *       hand), {@code TraceJson}/{@code TraceProto} (traces), {@code TempoTags} (tag names).</li>
 * </ul>
 *
 * <h2>Gotchas</h2>
 * <ul>
 *   <li>Sample values are JSON strings in Go's shortest form ({@code 1e+21}, {@code 1.5e-07}, {@code +Inf});
 *       timestamps are numbers of seconds with exactly three decimals when not whole ({@code 1.500}).</li>
 *   <li>Go's JSON escapes {@code <>&} and U+2028/9 as lower-case {@code \}{@code u00xx}; Jackson needs
 *       custom escapes to match.</li>
 *   <li>Handlers must not run on the event loop: a slow query would stall every connection of that loop.
 *       Responses are rendered on the worker too; only the write is handed back to the loop.</li>
 *   <li>Pipelined requests are queued per connection and answered in order; reading pauses meanwhile.</li>
 *   <li>With TLS, ALPN lists HTTP/1.1 before h2 and the server picks its first the client offers: browsers and
 *       HTTP clients stay on HTTP/1.1 (HTTP/2 here serves gRPC only and answers other requests 415), gRPC clients
 *       offer only h2.</li>
 *   <li>The body limit sits behind the decompressor, so it bounds decompressed bytes; the decompressor's own
 *       allocation bound stops a gzip bomb inside one chunk.</li>
 * </ul>
 */
package io.sightline.query.api;
