package io.sightline.query.api;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Clusters log lines into patterns the way Loki's pattern ingester does (the Drain algorithm, He et al. 2017):
 * a line is split into tokens at spaces, commas and tabs, each token is masked first ({@link LinePattern#mask}:
 * numbers, ids and the values of {@code key=value} pairs become {@code <_>}), then a fixed-depth prefix tree keyed by
 * the token count and the leading tokens leads to a few candidate clusters; the line joins the most similar one if
 * at least {@link #SIMILARITY} of its tokens agree, and positions that differ become {@code <_>} in the template.
 * So {@code login ok for user alice from the web app} and {@code login ok for user bob from the mobile app} share
 * {@code login ok for user <_> from the <_> app}, which masking alone cannot see. The numbers are Drain3's defaults
 * (depth 4: the token count and two leading tokens; similarity 0.4; 100 children a node): Loki's depth 30 branches
 * on every leading token until a node has 15 values, so lines that differ in a word early on stay apart far longer.
 * Not thread-safe: one per request.
 */
final class Drain {
    static final double SIMILARITY = 0.4;
    private static final int DEPTH = 4;
    private static final int MAX_CHILDREN = 100;
    private static final int MAX_TOKENS = 100;

    private final int maxClusters;
    private final Map<Integer, Node> byLength = new HashMap<>();
    private final List<Cluster> clusters = new ArrayList<>();

    /** @param maxClusters lines that would open a cluster past this many are not clustered ({@link #add} returns null) */
    Drain(int maxClusters) {
        this.maxClusters = maxClusters;
    }

    /** One pattern: its template tokens, the separators after each, and a counter slot for the caller. */
    static final class Cluster {
        final String[] tokens;
        final String[] separators;
        long[] counts;

        Cluster(String[] tokens, String[] separators) {
            this.tokens = tokens;
            this.separators = separators;
        }

        /** The template in LogQL pattern syntax; a run of {@code <_>} with only separators between is one. */
        String pattern() {
            StringBuilder out = new StringBuilder();
            boolean lastWasVar = false;
            int varEnd = 0;
            for (int i = 0; i < tokens.length; i++) {
                boolean isVar = tokens[i].equals(LinePattern.VAR);
                if (isVar && lastWasVar) {
                    out.setLength(varEnd);
                } else {
                    out.append(tokens[i]);
                }
                if (isVar) {
                    varEnd = out.length();
                }
                lastWasVar = isVar;
                out.append(separators[i]);
            }
            return out.toString();
        }
    }

    private static final class Node {
        final Map<String, Node> children = new HashMap<>();
        final List<Cluster> clusters = new ArrayList<>(2);
    }

    /** Clusters {@code line}; returns its cluster, or {@code null} when a new one would pass the cap. */
    Cluster add(String line) {
        List<String> seps = new ArrayList<>();
        String[] tokens = tokenize(line, seps);
        Node leaf = leaf(tokens);
        Cluster best = null;
        double bestSim = -1;
        int bestParams = -1;
        for (Cluster c : leaf.clusters) {
            int same = 0;
            int params = 0;
            for (int i = 0; i < tokens.length; i++) {
                if (c.tokens[i].equals(tokens[i])) {
                    same++;
                }
                if (c.tokens[i].equals(LinePattern.VAR)) {
                    params++;
                }
            }
            double sim = tokens.length == 0 ? 1 : same / (double) tokens.length;
            if (sim > bestSim || sim == bestSim && params > bestParams) {
                best = c;
                bestSim = sim;
                bestParams = params;
            }
        }
        if (best != null && bestSim >= SIMILARITY) {
            for (int i = 0; i < tokens.length; i++) {
                if (!best.tokens[i].equals(tokens[i])) {
                    best.tokens[i] = LinePattern.VAR;
                }
            }
            return best;
        }
        if (clusters.size() >= maxClusters) {
            return null;
        }
        Cluster c = new Cluster(tokens, seps.toArray(new String[0]));
        leaf.clusters.add(c);
        clusters.add(c);
        return c;
    }

    List<Cluster> clusters() {
        return clusters;
    }

    /**
     * The tree node whose clusters a line of these tokens is compared with: the token count, then up to
     * {@code DEPTH - 2} leading tokens; a masked token, or one past a node's {@link #MAX_CHILDREN}, goes down the
     * {@code <_>} branch, so lines that start with values do not spread over one branch per value.
     */
    private Node leaf(String[] tokens) {
        Node node = byLength.computeIfAbsent(tokens.length, k -> new Node());
        int prefix = Math.min(tokens.length, DEPTH - 2);
        for (int i = 0; i < prefix; i++) {
            String t = tokens[i];
            Node child = node.children.get(t);
            if (child == null) {
                boolean hasRoom = node.children.size() + (node.children.containsKey(LinePattern.VAR) ? 0 : 1) < MAX_CHILDREN;
                String key = t.equals(LinePattern.VAR) || !hasRoom ? LinePattern.VAR : t;
                child = node.children.computeIfAbsent(key, k -> new Node());
            }
            node = child;
        }
        return node;
    }

    /** Masked tokens of the line (at most {@link #MAX_TOKENS}; the rest joins the last), separators into {@code seps}. */
    private static String[] tokenize(String line, List<String> seps) {
        String text = line.length() > LinePattern.MAX_CHARS ? line.substring(0, LinePattern.MAX_CHARS) : line;
        List<String> tokens = new ArrayList<>();
        int i = 0;
        int n = text.length();
        int leading = 0;
        while (leading < n && isSeparator(text.charAt(leading))) {
            leading++;
        }
        String prefix = text.substring(0, leading);
        i = leading;
        while (i < n) {
            int end = i;
            while (end < n && !isSeparator(text.charAt(end))) {
                end++;
            }
            int sepEnd = end;
            while (sepEnd < n && isSeparator(text.charAt(sepEnd))) {
                sepEnd++;
            }
            if (tokens.size() == MAX_TOKENS - 1) {
                end = n;
                sepEnd = n;
            }
            tokens.add(LinePattern.mask(text.substring(i, end)));
            seps.add(text.substring(end, sepEnd));
            i = sepEnd;
        }
        if (!prefix.isEmpty()) {
            // Leading separators belong to no token: keep them in front of the first.
            if (tokens.isEmpty()) {
                tokens.add("");
                seps.add(prefix);
            } else {
                tokens.set(0, prefix + tokens.getFirst());
            }
        }
        return tokens.toArray(new String[0]);
    }

    private static boolean isSeparator(char c) {
        return c == ' ' || c == ',' || c == '\t';
    }
}
