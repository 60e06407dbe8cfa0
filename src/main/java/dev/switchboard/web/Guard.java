package dev.switchboard.web;

import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpRequest;

/**
 * A route's admission rule, checked from the request head before the handler starts (the role a room
 * token must grant, a well-formed room name): null admits, a response refuses, and the router sends it
 * by the early-answer rule of {@link Draining}.
 */
@FunctionalInterface
public interface Guard {
    Guard OPEN = (req, params) -> null;

    FullHttpResponse check(HttpRequest req, PathParams params);
}
