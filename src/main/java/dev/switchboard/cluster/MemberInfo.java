package dev.switchboard.cluster;

/** A member as presence shows it, on any node. */
public record MemberInfo(String id, String name) {}
