package dev.switchboard.media.http;

import dev.switchboard.auth.Access;
import dev.switchboard.auth.RoomToken;
import dev.switchboard.auth.TokenRefused;
import dev.switchboard.media.MediaId;
import dev.switchboard.media.ResumableUpload;
import dev.switchboard.media.ResumableUploads;
import dev.switchboard.media.StorageExecutor;
import dev.switchboard.media.UploadKind;
import dev.switchboard.web.Draining;
import dev.switchboard.web.HttpResponses;
import dev.switchboard.web.StreamingHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The part of {@link ResumableUploadApi} for a shared media folder, where several nodes serve one
 * upload in turn (a client continues on another node after a failover): a session this node does not
 * hold, or holds in an older state, is read again from the folder ({@link ResumableUploads#adopt}) before
 * the request goes on with the API's own steps.
 *
 * <p>Threads: {@link #fromFolder} runs on the event loop; {@link #adopted} and {@link #entered} on the
 * storage executor. Holds no state of its own.
 */
final class FolderHandover {
    private static final Logger log = LoggerFactory.getLogger(FolderHandover.class);

    /** The API's steps a session read from the folder continues with. */
    interface Steps {
        /** Runs {@code step} on the storage executor, answering storage failures. */
        void run(ChannelHandlerContext ctx, HttpRequest req, MediaApi.Step step);

        /** On the executor: the finish step of {@code s}. */
        void finish(ChannelHandlerContext ctx, HttpRequest req, ResumableUpload s, String sha, long size)
                throws Exception;

        /** On the executor: cancels {@code s}. */
        void delete(ChannelHandlerContext ctx, HttpRequest req, ResumableUpload s) throws Exception;
    }

    private final ResumableUploads sessions;
    private final StorageExecutor executor;
    private final Access access;
    private final UploadKind kind;
    private final Steps steps;

    FolderHandover(ResumableUploads sessions, StorageExecutor executor, Access access, Steps steps) {
        this.sessions = sessions;
        this.executor = executor;
        this.access = access;
        this.kind = sessions.kind();
        this.steps = steps;
    }

    /**
     * A session this node does not hold may be another node's; it is read from the folder on the
     * executor. A part is answered 409 {@code busy} at once (its body cannot wait for the disk) while the
     * session is read, so the client asks for the offset, as after any failed part, and continues here.
     * The router let through only the methods of the session routes: {@code POST} for a finish,
     * {@code GET HEAD PUT PATCH DELETE} otherwise.
     */
    StreamingHandler.Body fromFolder(ChannelHandlerContext ctx, HttpRequest req, MediaId id, boolean finish) {
        HttpMethod m = req.method();
        if (finish) {
            HttpRequest r = Replies.copy(req);
            return new FinishBody(ctx, r, (sha, size) -> steps.run(ctx, r, () -> {
                ResumableUpload target = adopted(ctx, r, id);
                if (target != null) {
                    steps.finish(ctx, r, target, sha, size);
                }
            }));
        }
        if (m.equals(HttpMethod.PUT) || m.equals(HttpMethod.PATCH)) {
            try {
                executor.execute(() -> {
                    try {
                        sessions.adopt(id);
                    } catch (Exception e) {
                        log.debug("cannot read upload {} from the shared folder yet: {}", id.value(), e.toString());
                    }
                });
            } catch (RejectedExecutionException e) {
                return Draining.answer(ctx, Replies.busyResponse());
            }
            return Draining.answer(ctx, UploadReplies.offsetError(HttpResponseStatus.CONFLICT, "busy",
                    "this upload continues on this server now; ask for its offset and retry", -1));
        }
        HttpRequest r = Replies.copy(req);
        steps.run(ctx, r, () -> {
            ResumableUpload s = adopted(ctx, r, id);
            if (s == null) {
                return;
            }
            if (m.equals(HttpMethod.DELETE)) {
                steps.delete(ctx, r, s);
            } else {
                HttpResponses.send(ctx, r, UploadReplies.status(HttpResponseStatus.OK, s));
            }
        });
        return null;
    }

    /** On the executor: the session read from the shared folder, checked against the token; or null, answered. */
    ResumableUpload adopted(ChannelHandlerContext ctx, HttpRequest req, MediaId id) throws Exception {
        ResumableUpload s;
        try {
            s = sessions.adopt(id);
        } catch (ResumableUploads.Busy e) {
            HttpResponses.send(ctx, req, UploadReplies.offsetError(HttpResponseStatus.CONFLICT, "busy",
                    "another part is being uploaded; ask for the offset and retry", -1));
            return null;
        }
        if (s == null) {
            Replies.error(ctx, req, HttpResponseStatus.NOT_FOUND, "no_upload",
                    "no " + kind.noun() + " upload with this id (finished, cancelled or expired)");
            return null;
        }
        try {
            access.check(Access.tokenOf(req), s.room(), RoomToken.Role.MEMBER);
        } catch (TokenRefused e) {
            HttpResponses.send(ctx, req, Replies.errorResponse(HttpResponseStatus.valueOf(Access.httpStatus(e)),
                    e.reason().code(), e.getMessage()));
            return null;
        }
        return s;
    }

    /**
     * On the executor, with {@code s} claimed: {@code s} when no other node moved it on (shared folder),
     * the session as read again from the folder when one did, or null (answered: busy, or gone).
     */
    ResumableUpload entered(ChannelHandlerContext ctx, HttpRequest req, ResumableUpload s) throws Exception {
        switch (sessions.enter(s)) {
            case CURRENT -> {
                return s;
            }
            case BUSY -> {
                s.release(sessions.now());
                HttpResponses.send(ctx, req, UploadReplies.offsetError(HttpResponseStatus.CONFLICT, "busy",
                        "a part is being uploaded on another server", -1));
                return null;
            }
            case MOVED -> {
                ResumableUpload fresh = adopted(ctx, req, s.id());
                if (fresh == null || fresh.claim(-1, sessions.now()) == ResumableUpload.Claim.CLAIMED) {
                    if (fresh != null) {
                        fresh.release(sessions.now());
                    }
                    return fresh;
                }
                HttpResponses.send(ctx, req, UploadReplies.offsetError(HttpResponseStatus.CONFLICT, "busy",
                        "a part is being uploaded", fresh.offset()));
                return null;
            }
            default -> {
                Replies.error(ctx, req, HttpResponseStatus.NOT_FOUND, "no_upload",
                        "the " + kind.noun() + " upload was finished or cancelled on another server");
                return null;
            }
        }
    }
}
