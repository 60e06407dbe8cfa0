package dev.switchboard.web;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpRequest;

/**
 * Handles a request whose body is streamed (uploads): the dispatcher calls {@link #start} with the
 * head and the path's parameters, then hands each body part to the returned {@link Body} (null: the
 * request was answered already and the rest of its body is dropped). Parts are released by the
 * dispatcher after {@link Body#content} returns; retain what must outlive the call.
 */
@FunctionalInterface
public interface StreamingHandler {
    Body start(ChannelHandlerContext ctx, HttpRequest request, PathParams params) throws Exception;

    /** The body of one request. Exactly one of {@link #end} or {@link #abort} is called. */
    interface Body {
        void content(ByteBuf part) throws Exception;

        void end() throws Exception;

        /** The connection closed or failed before the body ended. */
        void abort(Throwable cause);
    }
}
