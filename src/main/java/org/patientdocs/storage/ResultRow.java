package org.patientdocs.storage;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * One row of a query's result as a read-only map from property names to values, in the statement's column order.
 * The values sit in an array; the names and their positions are shared by every row of the result, so a 1000-row
 * page costs 1000 arrays rather than 1000 hash maps.
 */
final class ResultRow extends AbstractMap<String, Object> {

    private final Map<String, Integer> positions;
    private final String[] names;
    private final Object[] values;

    /**
     * @param positions each name's position in {@code names}, shared by the rows of one result
     * @param names     the names in column order, shared likewise
     */
    ResultRow(Map<String, Integer> positions, String[] names, Object[] values) {
        this.positions = positions;
        this.names = names;
        this.values = values;
    }

    @Override
    public Object get(Object key) {
        Integer position = positions.get(key);
        return position == null ? null : values[position];
    }

    @Override
    public boolean containsKey(Object key) {
        return positions.containsKey(key);
    }

    @Override
    public int size() {
        return values.length;
    }

    @Override
    public void forEach(BiConsumer<? super String, ? super Object> action) {
        for (int i = 0; i < values.length; i++) {
            action.accept(names[i], values[i]);
        }
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public Iterator<Entry<String, Object>> iterator() {
                return new Iterator<>() {
                    private int next;

                    @Override
                    public boolean hasNext() {
                        return next < values.length;
                    }

                    @Override
                    public Entry<String, Object> next() {
                        if (next >= values.length) {
                            throw new NoSuchElementException();
                        }
                        int i = next++;
                        return new SimpleImmutableEntry<>(names[i], values[i]);
                    }
                };
            }

            @Override
            public int size() {
                return values.length;
            }
        };
    }
}
