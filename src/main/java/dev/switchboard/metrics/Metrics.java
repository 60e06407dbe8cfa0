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
import io.netty.handler.codec.http.HttpMethod;
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

    /** The text exposition, for {@code GET /metrics}. */
    public HttpHandler endpoint() {
        return (ctx, req) -> {
            if (!req.method().equals(HttpMethod.GET)) {
                HttpResponses.error(ctx, req, HttpResponseStatus.METHOD_NOT_ALLOWED, "method_not_allowed", "use GET");
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
}
