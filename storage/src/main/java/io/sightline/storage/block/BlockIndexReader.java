package io.sightline.storage.block;

import io.sightline.storage.index.IndexReader;
import io.sightline.storage.io.MappedFile;
import io.sightline.storage.model.Matcher;
import org.roaringbitmap.buffer.BufferFastAggregation;
import org.roaringbitmap.buffer.ImmutableRoaringBitmap;
import org.roaringbitmap.buffer.MutableRoaringBitmap;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A block's label index over the mapped index file. Postings are {@link ImmutableRoaringBitmap}s read
 * straight from the mapping, without copying; symbols and the postings table are loaded at open (small
 * next to the postings). Thread-safe and immutable.
 */
final class BlockIndexReader implements IndexReader {
    private static final ValueLayout.OfInt INT_LE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong LONG_LE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final MappedFile file;
    private final String[] symbols;
    private final int[] valueSymbols;
    private final long[] offsets;
    private final int[] lengths;
    /** Postings-table range [start, end) per label name. */
    private final Map<String, int[]> nameRanges;
    private final List<String> names;
    private final long allOffset;
    private final int allLength;

    private BlockIndexReader(MappedFile file, String[] symbols, int[] valueSymbols, long[] offsets, int[] lengths,
                             Map<String, int[]> nameRanges, List<String> names, long allOffset, int allLength) {
        this.file = file;
        this.symbols = symbols;
        this.valueSymbols = valueSymbols;
        this.offsets = offsets;
        this.lengths = lengths;
        this.nameRanges = nameRanges;
        this.names = names;
        this.allOffset = allOffset;
        this.allLength = allLength;
    }

    static BlockIndexReader load(MappedFile file, String[] symbols, long tableAt, long allOffset, int allLength) {
        MemorySegment seg = file.segment();
        int n = seg.get(INT_LE, tableAt);
        int[] valueSymbols = new int[n];
        long[] offsets = new long[n];
        int[] lengths = new int[n];
        Map<String, int[]> ranges = new HashMap<>();
        List<String> names = new ArrayList<>();
        int prevName = -1;
        for (int i = 0; i < n; i++) {
            long at = tableAt + 4 + (long) i * BlockFormat.POSTINGS_TABLE_ENTRY;
            int name = seg.get(INT_LE, at);
            valueSymbols[i] = seg.get(INT_LE, at + 4);
            offsets[i] = seg.get(LONG_LE, at + 8);
            lengths[i] = seg.get(INT_LE, at + 16);
            if (name != prevName) {
                if (name < prevName || name >= symbols.length) {
                    throw BlockReader.corrupt(file, at, "postings table out of order or bad symbol " + name);
                }
                ranges.put(symbols[name], new int[] {i, i + 1});
                names.add(symbols[name]);
                prevName = name;
            } else {
                ranges.get(symbols[name])[1] = i + 1;
            }
            if (offsets[i] < 0 || offsets[i] + lengths[i] > seg.byteSize() || valueSymbols[i] >= symbols.length) {
                throw BlockReader.corrupt(file, at, "postings table entry points outside the file");
            }
        }
        return new BlockIndexReader(file, symbols, valueSymbols, offsets, lengths, ranges, List.copyOf(names), allOffset, allLength);
    }

    String symbol(int id) {
        if (id < 0 || id >= symbols.length) {
            throw BlockReader.corrupt(file, 0, "symbol " + id + " referenced by a series is not among the " + symbols.length + " symbols");
        }
        return symbols[id];
    }

    /** The {@code index}-th label name of the block, in the postings table's (sorted) order. */
    String labelName(int index) {
        if (index < 0 || index >= names.size()) {
            throw BlockReader.corrupt(file, 0, "label name " + index + " referenced by a series is not among the block's "
                    + names.size() + " names");
        }
        return names.get(index);
    }

    @Override
    public List<String> labelNames() {
        return names;
    }

    @Override
    public List<String> labelValues(String name) {
        int[] r = nameRanges.get(name);
        if (r == null) {
            return List.of();
        }
        List<String> values = new ArrayList<>(r[1] - r[0]);
        for (int i = r[0]; i < r[1]; i++) {
            values.add(symbols[valueSymbols[i]]);
        }
        return values;
    }

    @Override
    public ImmutableRoaringBitmap postingsMatching(String name, Matcher matcher, boolean negate) {
        int[] r = nameRanges.get(name);
        if (r == null) {
            return new MutableRoaringBitmap();
        }
        if (matcher.type() == Matcher.Type.EQ && !negate) {
            int symbol = Arrays.binarySearch(symbols, matcher.value());
            if (symbol < 0) {
                return new MutableRoaringBitmap();
            }
            int i = Arrays.binarySearch(valueSymbols, r[0], r[1], symbol);
            return i < 0 ? new MutableRoaringBitmap() : bitmap(i);
        }
        List<ImmutableRoaringBitmap> hits = new ArrayList<>();
        for (int i = r[0]; i < r[1]; i++) {
            if (matcher.matches(symbols[valueSymbols[i]]) != negate) {
                hits.add(bitmap(i));
            }
        }
        if (hits.isEmpty()) {
            return new MutableRoaringBitmap();
        }
        return hits.size() == 1 ? hits.getFirst() : BufferFastAggregation.or(hits.iterator());
    }

    private ImmutableRoaringBitmap bitmap(int i) {
        return new ImmutableRoaringBitmap(file.slice(offsets[i], lengths[i]));
    }

    @Override
    public ImmutableRoaringBitmap allPostings() {
        return new ImmutableRoaringBitmap(file.slice(allOffset, allLength));
    }
}
