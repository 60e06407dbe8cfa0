package dev.switchboard.metrics;

import dev.switchboard.web.HttpHandler;
import dev.switchboard.web.HttpResponses;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.buffer.ByteBufAllocatorMetric;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;

/**
 * The process's metrics registry (Micrometer, Prometheus format at {@code /metrics}): JVM and Netty
 * allocator figures here, capability counters registered by each capability. No per-user or per-room
 * labels: every tag has a small, fixed set of values.
 */
public final class Metrics implements AutoCloseable {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();

    public Metrics() {
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        ByteBufAllocatorMetric netty = PooledByteBufAllocator.DEFAULT.metric();
        registry.gauge("netty.allocator.used.direct.bytes", netty, ByteBufAllocatorMetric::usedDirectMemory);
        registry.gauge("netty.allocator.used.heap.bytes", netty, ByteBufAllocatorMetric::usedHeapMemory);
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** The text exposition, for {@code GET /metrics}, open to all. */
    public HttpHandler endpoint() {
        return endpoint("");
    }

    /**
     * The text exposition, for {@code GET /metrics}; with a non-empty {@code token}, only for requests
     * carrying {@code Authorization: Bearer TOKEN} (401 otherwise, compared in constant time). Routed for
     * {@code GET} only: the router answers other methods (405 with Allow).
     */
    public HttpHandler endpoint(String token) {
        byte[] expected = token.getBytes(StandardCharsets.UTF_8);
        return (ctx, req) -> {
            if (expected.length > 0 && !bearer(req, expected)) {
                io.netty.handler.codec.http.FullHttpResponse res = HttpResponses.response(HttpResponseStatus.UNAUTHORIZED,
                        Unpooled.copiedBuffer("{\"error\":\"unauthorized\",\"message\":\"metrics need the metrics token\"}",
                                StandardCharsets.UTF_8), "application/json; charset=utf-8");
                res.headers().set(io.netty.handler.codec.http.HttpHeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"metrics\"");
                HttpResponses.send(ctx, req, res);
                return;
            }
            String text = registry.scrape();
            HttpResponses.send(ctx, req, HttpResponses.response(HttpResponseStatus.OK,
                    Unpooled.copiedBuffer(text, StandardCharsets.UTF_8), "text/plain; version=0.0.4; charset=utf-8"));
        };
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }

    private static boolean bearer(io.netty.handler.codec.http.HttpRequest req, byte[] expected) {
        String h = req.headers().get(io.netty.handler.codec.http.HttpHeaderNames.AUTHORIZATION);
        if (h == null || !h.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        return java.security.MessageDigest.isEqual(expected, h.substring(7).trim().getBytes(StandardCharsets.UTF_8));
    }
}
