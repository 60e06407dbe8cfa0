package dev.switchboard.net.demux;

import java.util.Set;
import java.util.TreeSet;

/**
 * The TCP ports of the four stream listeners (0: off) and which of them coincide: a port named by more
 * than one is served by one {@link SharedListener}; the others keep a listener each.
 */
public record PortPlan(int http, int https, int turn, int turns) {

    /** True when {@code port} is on and named by at least two of the listeners. */
    public boolean shared(int port) {
        if (port == 0) {
            return false;
        }
        int n = 0;
        for (int p : new int[] {http, https, turn, turns}) {
            if (p == port) {
                n++;
            }
        }
        return n > 1;
    }

    /** The shared ports, ascending. */
    public Set<Integer> sharedPorts() {
        Set<Integer> out = new TreeSet<>();
        for (int p : new int[] {http, https, turn, turns}) {
            if (shared(p)) {
                out.add(p);
            }
        }
        return out;
    }
}
