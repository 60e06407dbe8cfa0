package dev.switchboard.web;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;

/**
 * Handles one whole request whose body was collected by the dispatcher (up to the route's limit).
 * The dispatcher releases the request when this returns: retain it to keep it longer.
 */
@FunctionalInterface
public interface HttpHandler {
    void handle(ChannelHandlerContext ctx, FullHttpRequest request) throws Exception;
}
