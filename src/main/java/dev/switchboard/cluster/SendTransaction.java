package dev.switchboard.cluster;

import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.output.ArrayOutput;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.AsyncCommand;
import io.lettuce.core.protocol.Command;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import io.lettuce.core.protocol.ProtocolKeyword;
import io.lettuce.core.protocol.RedisCommand;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A send that is also written to each recipient's box (connection state recovery across nodes), as one
 * MULTI/EXEC transaction: per recipient the writes of {@link Boxes} (XADD trimming what is older than the
 * window, XTRIM to the cap, PEXPIRE), then SPUBLISH on the channel; answers the number of nodes the publish
 * reached. Everything a recoverable session is sent passes here, and a transaction runs whole, so a box and
 * its session's connection see one order: the order Redis ran the transactions, which is the order the
 * recipient's node's subscription delivers them. The same writes as a Lua script cost Redis about twice
 * as much per send ({@code bench/redis-path.sh}).
 *
 * <p>The recipients are named by the sender: for a room, from its node's view of the members (the join
 * snapshot, then the channel's notices). A member that joined elsewhere a moment ago and is not in that view
 * yet still gets the send through its node's subscription, but not in its box. One that left a moment ago
 * may get it in its box: each entry names its room, and what is read back from a box for a room the
 * session is no longer in is left out ({@link RedisRecovery}).
 *
 * <p>The commands go to the shared connection as one batch, so nothing comes between them. MULTI and EXEC
 * are sent under keywords of their own: Lettuce keeps one transaction per connection when it recognises
 * them by name, which would mix up the transactions that several event loops send at once.
 */
final class SendTransaction {
    /** Stream ids are Redis's clock, the trim is this node's: what a box keeps is this much wider. */
    private static final long CLOCK_MARGIN_MILLIS = 2_000;
    private static final ProtocolKeyword MULTI = new Raw("MULTI");
    private static final ProtocolKeyword EXEC = new Raw("EXEC");
    private static final byte[] MINID = ascii("MINID");
    private static final byte[] MAXLEN = ascii("MAXLEN");
    private static final byte[] ABOUT = ascii("~");
    private static final byte[] NEW_ID = ascii("*");
    private static final byte[] ENTRY = ascii("e");
    private static final byte[] ROOM = ascii("r");

    /** A command keyword Lettuce does not recognise by name ({@link Object#toString}), written as {@code command}. */
    private record Raw(String command) implements ProtocolKeyword {
        @Override
        public byte[] getBytes() {
            return ascii(command);
        }

        @Override
        public String toString() {
            return "send-" + command;
        }
    }

    private final String boxPrefix;
    private final long windowMillis;
    private final long maxEntries;

    SendTransaction(RedisKeys keys, long windowMillis, int maxEntries) {
        this.boxPrefix = keys.boxPrefix();
        this.windowMillis = Math.max(1, windowMillis);
        this.maxEntries = maxEntries;
    }

    /**
     * Boxes {@code envelope} for each of {@code recipients} (session ids), with the tag of the room it was sent
     * in ({@link RedisKeys#tag}; empty for a socket's own events), and publishes it on {@code channel}.
     */
    CompletableFuture<Long> send(StatefulRedisConnection<String, byte[]> connection, Collection<String> recipients,
            String channel, byte[] envelope, byte[] room) {
        byte[] since = ascii((System.currentTimeMillis() - windowMillis - CLOCK_MARGIN_MILLIS) + "-0");
        List<RedisCommand<String, byte[], ?>> batch = new ArrayList<>(3 + 3 * recipients.size());
        batch.add(queued(MULTI, null));
        for (String id : recipients) {
            String box = boxPrefix + id;
            batch.add(queued(CommandType.XADD, args().addKey(box).add(MINID).add(ABOUT).add(since).add(NEW_ID).add(ENTRY)
                    .addValue(envelope).add(ROOM).add(room)));
            batch.add(queued(CommandType.XTRIM, args().addKey(box).add(MAXLEN).add(ABOUT).add(maxEntries)));
            batch.add(queued(CommandType.PEXPIRE, args().addKey(box).add(windowMillis)));
        }
        batch.add(queued(CommandType.SPUBLISH, args().add(channel).addValue(envelope)));
        AsyncCommand<String, byte[], List<Object>> exec = new AsyncCommand<>(
                new Command<>(EXEC, new ArrayOutput<>(RedisRooms.CODEC)));
        batch.add(exec);
        connection.dispatch(batch);
        return exec.toCompletableFuture().thenApply(replies -> {
            Object published = replies == null || replies.isEmpty() ? null : replies.get(replies.size() - 1);
            if (!(published instanceof Long n)) {
                throw new IllegalStateException("the send transaction did not run: " + replies);
            }
            return n;
        });
    }

    private static RedisCommand<String, byte[], String> queued(ProtocolKeyword type, CommandArgs<String, byte[]> args) {
        return new AsyncCommand<>(new Command<>(type, new StatusOutput<>(RedisRooms.CODEC), args));
    }

    private static CommandArgs<String, byte[]> args() {
        return new CommandArgs<>(RedisRooms.CODEC);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
