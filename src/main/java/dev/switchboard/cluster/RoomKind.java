package dev.switchboard.cluster;

/** The room protocols; a name is one room per kind. */
public enum RoomKind {
    CODELAB("c"), MESH("m");

    final String tag;

    RoomKind(String tag) {
        this.tag = tag;
    }

    static RoomKind ofTag(String tag) {
        return tag.equals("c") ? CODELAB : tag.equals("m") ? MESH : null;
    }
}
