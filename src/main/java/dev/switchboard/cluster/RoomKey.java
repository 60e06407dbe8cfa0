package dev.switchboard.cluster;

/** A room: its protocol and its (validated) name. */
public record RoomKey(RoomKind kind, String name) {}
